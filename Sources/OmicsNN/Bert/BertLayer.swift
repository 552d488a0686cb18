import OmicsCore

/// One post-LayerNorm BERT encoder layer (`BertLayer` in transformers):
/// `a = LN₁(dropout(dense(attention(xW_q, xW_k, xW_v))) + x)`,
/// `y = LN₂(dropout(W₂·act(W₁·a)) + a)`.
/// Backward mirrors it, adding the residual gradients.
public final class BertLayer<Scalar: NNScalar> {
  public let query: Linear<Scalar>, key: Linear<Scalar>, value: Linear<Scalar>
  public let attention: MultiHeadAttention<Scalar>
  public let attentionOutput: Linear<Scalar>
  public let attentionDropout: Dropout<Scalar>
  public let attentionNorm: LayerNorm<Scalar>
  public let intermediate: Linear<Scalar>
  public let activation: Activation<Scalar>
  public let output: Linear<Scalar>
  public let outputDropout: Dropout<Scalar>
  public let outputNorm: LayerNorm<Scalar>
  private var lengths: [Int] = []

  /// Registers the layer's tensors as `bert.encoder.layer.<index>.…`.
  public init(config c: BertConfig, index: Int, store: ParameterStore<Scalar>, rng: inout SeededGenerator) {
    let p = "bert.encoder.layer.\(index).", h = c.hiddenSize
    query = Linear(h, h, name: p + "attention.self.query", store: store, rng: &rng)
    key = Linear(h, h, name: p + "attention.self.key", store: store, rng: &rng)
    value = Linear(h, h, name: p + "attention.self.value", store: store, rng: &rng)
    attention = MultiHeadAttention(heads: c.heads, headSize: c.headSize, dropout: c.attentionDropout, seed: rng.next())
    attentionOutput = Linear(h, h, name: p + "attention.output.dense", store: store, rng: &rng)
    attentionDropout = Dropout(p: c.hiddenDropout, seed: rng.next())
    attentionNorm = LayerNorm(h, eps: c.layerNormEps, name: p + "attention.output.LayerNorm", store: store)
    intermediate = Linear(h, c.intermediateSize, name: p + "intermediate.dense", store: store, rng: &rng)
    activation = Activation(c.activation.engineKind())
    output = Linear(c.intermediateSize, h, name: p + "output.dense", store: store, rng: &rng)
    outputDropout = Dropout(p: c.hiddenDropout, seed: rng.next())
    outputNorm = LayerNorm(h, eps: c.layerNormEps, name: p + "output.LayerNorm", store: store)
  }

  /// `(B, T, H) → (B, T, H)`; `lengths` are the real tokens per sequence (keys beyond are masked).
  public func forward(_ x: Tensor<Scalar>, lengths: [Int], training: Bool) throws -> Tensor<Scalar> {
    self.lengths = lengths
    let context = try attention.forward(
      q: query.forward(x, training: training), k: key.forward(x, training: training),
      v: value.forward(x, training: training), lengths: lengths, training: training)
    let projected = try attentionDropout.forward(attentionOutput.forward(context, training: training), training: training)
    let a = try attentionNorm.forward(projected + x, training: training)
    let f = try activation.forward(intermediate.forward(a, training: training), training: training)
    let y = try outputDropout.forward(output.forward(f, training: training), training: training)
    return try outputNorm.forward(y + a, training: training)
  }

  /// `dL/dx`; accumulates every parameter gradient of the layer.
  public func backward(_ dy: Tensor<Scalar>) throws -> Tensor<Scalar> {
    let dSum2 = try outputNorm.backward(dy)
    let da = try intermediate.backward(activation.backward(output.backward(outputDropout.backward(dSum2)))) + dSum2
    let dSum1 = try attentionNorm.backward(da)
    let dContext = try attentionOutput.backward(attentionDropout.backward(dSum1))
    let (dq, dk, dv) = try attention.backward(dContext)
    return try query.backward(dq) + key.backward(dk) + value.backward(dv) + dSum1
  }
}

extension BertConfig.Activation {
  /// The engine's activation for `hidden_act`.
  func engineKind<S: NNScalar>() -> Activation<S>.Kind {
    switch self {
    case .relu: return .relu
    case .gelu: return .gelu
    case .geluTanh: return .geluTanh
    }
  }
}
