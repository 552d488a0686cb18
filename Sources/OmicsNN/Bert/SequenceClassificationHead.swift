import OmicsCore

/// `BertForSequenceClassification`'s head: the pooler `tanh(h[:, 0]·W_pᵀ + b_p)` (position 0 of
/// each sequence: `<cls>` for V2 data, the top-ranked gene for V1), dropout, then
/// `logits = pooled·W_cᵀ + b_c`. Names `bert.pooler.dense.*` and `classifier.*`.
public final class SequenceClassificationHead<Scalar: NNScalar> {
  public let pooler: Linear<Scalar>
  public let tanh = Activation<Scalar>(.tanh)
  public let dropout: Dropout<Scalar>
  public let classifier: Linear<Scalar>
  public let labels: Int
  private var inputShape: [Int]?

  public init(config c: BertConfig, labels: Int, store: ParameterStore<Scalar>, rng: inout SeededGenerator) {
    self.labels = labels
    pooler = Linear(c.hiddenSize, c.hiddenSize, name: "bert.pooler.dense", store: store, rng: &rng)
    dropout = Dropout(p: c.classifierDropout ?? c.hiddenDropout, seed: rng.next())
    classifier = Linear(c.hiddenSize, labels, name: "classifier", store: store, rng: &rng)
  }

  /// `(pooled (B, H), logits (B, K))` from the last hidden state `(B, T, H)`.
  public func forward(_ last: Tensor<Scalar>, training: Bool) throws -> (pooled: Tensor<Scalar>, logits: Tensor<Scalar>) {
    inputShape = last.shape
    let (b, t, h) = (last.shape[0], last.shape[1], last.shape[2])
    let first = last.gatherRows((0..<b).map { $0 * t }).reshaped([b, h])
    let pooled = try tanh.forward(pooler.forward(first, training: training), training: training)
    let logits = try classifier.forward(dropout.forward(pooled, training: training), training: training)
    return (pooled, logits)
  }

  /// `dL/dlast` (non-zero at position 0 only); accumulates the pooler and classifier gradients.
  public func backward(_ dLogits: Tensor<Scalar>) throws -> Tensor<Scalar> {
    guard let shape = inputShape else { throw OmicsError(location: "classifier", "backward called before forward") }
    let dFirst = try pooler.backward(tanh.backward(dropout.backward(classifier.backward(dLogits))))
    let (b, t, h) = (shape[0], shape[1], shape[2])
    var dLast = Tensor<Scalar>(shape: shape)
    for s in 0..<b { for j in 0..<h { dLast.scalars[s * t * h + j] = dFirst.scalars[s * h + j] } }
    return dLast
  }
}
