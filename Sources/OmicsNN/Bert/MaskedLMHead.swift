import OmicsCore

/// BERT's masked-LM head with the decoder tied to the word embeddings (`BertLMPredictionHead`):
/// `logits = LN(act(h·W_tᵀ + b_t))·W_wordᵀ + b`, computed only for the rows asked for (the
/// masked positions), since a full `B × T × V` logit tensor is gigabytes for V2 vocabularies.
///
/// Backward adds the decoder gradient `dlogitsᵀ·y` into the word-embedding table's gradient
/// (all rows, the padding row included, as the tied `nn.Linear` does in PyTorch).
public final class MaskedLMHead<Scalar: NNScalar> {
  public let transform: Linear<Scalar>
  public let activation: Activation<Scalar>
  public let norm: LayerNorm<Scalar>
  public let bias: ParameterEntry
  public let wordEmbeddings: ParameterEntry
  let store: ParameterStore<Scalar>
  private var transformed: Tensor<Scalar>?

  public init(config c: BertConfig, wordEmbeddings: ParameterEntry, store: ParameterStore<Scalar>, rng: inout SeededGenerator) {
    let h = c.hiddenSize
    self.store = store
    self.wordEmbeddings = wordEmbeddings
    transform = Linear(h, h, name: "cls.predictions.transform.dense", store: store, rng: &rng)
    activation = Activation(c.activation.engineKind())
    norm = LayerNorm(h, eps: c.layerNormEps, name: "cls.predictions.transform.LayerNorm", store: store)
    bias = store.register("cls.predictions.bias", shape: [c.vocabSize], initial: .init(repeating: 0, count: c.vocabSize))
  }

  /// Logits `(N, V)` for hidden rows `(N, H)`.
  public func forward(_ hidden: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
    let y = try norm.forward(activation.forward(transform.forward(hidden, training: training), training: training),
                             training: training)
    transformed = y
    let (n, h, v) = (y.rows, y.columns, bias.count)
    var logits = Tensor<Scalar>(shape: [n, v])
    let (word, b) = (wordEmbeddings.offset, bias.offset)
    store.values.withUnsafeBufferPointer { w in
      y.scalars.withUnsafeBufferPointer { yp in
        logits.scalars.withUnsafeMutableBufferPointer { lp in
          for r in 0..<n { for j in 0..<v { lp[r * v + j] = w[b + j] } }
          Scalar.gemm(transA: false, transB: true, m: n, n: v, k: h, alpha: 1, a: yp.baseAddress!, lda: h,
                      b: w.baseAddress! + word, ldb: h, beta: 1, c: lp.baseAddress!, ldc: v)
        }
      }
    }
    return logits
  }

  /// `dL/dhidden` for `dL/dlogits`; accumulates the decoder, bias and transform gradients.
  public func backward(_ dLogits: Tensor<Scalar>) throws -> Tensor<Scalar> {
    guard let y = transformed else { throw OmicsError(location: "cls.predictions", "backward called before forward") }
    let (n, h, v) = (y.rows, y.columns, bias.count)
    guard dLogits.shape == [n, v] else {
      throw OmicsError(location: "cls.predictions", "gradient shape \(dLogits.shape) does not match the logits [\(n), \(v)]")
    }
    var dy = Tensor<Scalar>(shape: y.shape)
    let (word, b) = (wordEmbeddings.offset, bias.offset)
    dLogits.scalars.withUnsafeBufferPointer { dp in
      y.scalars.withUnsafeBufferPointer { yp in
        store.gradients.withUnsafeMutableBufferPointer { g in
          Scalar.gemm(transA: true, transB: false, m: v, n: h, k: n, alpha: 1, a: dp.baseAddress!, lda: v,
                      b: yp.baseAddress!, ldb: h, beta: 1, c: g.baseAddress! + word, ldc: h)
          for r in 0..<n { for j in 0..<v { g[b + j] += dp[r * v + j] } }
        }
      }
      store.values.withUnsafeBufferPointer { w in
        dy.scalars.withUnsafeMutableBufferPointer { out in
          Scalar.gemm(transA: false, transB: false, m: n, n: h, k: v, alpha: 1, a: dp.baseAddress!, lda: v,
                      b: w.baseAddress! + word, ldb: h, beta: 0, c: out.baseAddress!, ldc: h)
        }
      }
    }
    return try transform.backward(activation.backward(norm.backward(dy)))
  }
}
