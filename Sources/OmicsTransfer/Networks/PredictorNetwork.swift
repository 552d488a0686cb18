import OmicsNN

/// scDEAL's drug-response head (`Predictor`): per hidden size Linear → BatchNorm1d → ReLU → Dropout,
/// then `output` Linear(q_last, 2) → **Sigmoid**. The two sigmoid outputs are the scores that the
/// cross-entropy is applied to (as upstream) and column 1 is the reported probability.
/// Names: `{prefix}predictor.{i}.0.*`, `{prefix}predictor.{i}.1.*`, `{prefix}output.0.*`.
public final class PredictorNetwork {
  let body: Sequential<Float>

  public init(latent: Int, hidden: [Int], dropout: Double, prefix: String = "predictor.",
              store: ParameterStore<Float>, rng: inout SeededGenerator) {
    var layers: [any Layer<Float>] = []
    var width = latent
    for (i, h) in hidden.enumerated() {
      layers.append(Linear(width, h, name: "\(prefix)predictor.\(i).0", store: store, rng: &rng))
      layers.append(BatchNorm1d(h, name: "\(prefix)predictor.\(i).1", store: store))
      layers.append(Activation(.relu, name: "\(prefix)predictor.\(i).2"))
      layers.append(Dropout(p: dropout, seed: rng.next()))
      width = h
    }
    layers.append(Linear(width, 2, name: "\(prefix)output.0", store: store, rng: &rng))
    layers.append(Activation(.sigmoid, name: "\(prefix)output.1"))
    body = Sequential(layers)
  }

  /// `(B, 2)` sigmoid scores.
  public func forward(_ z: Tensor<Float>, training: Bool) throws -> Tensor<Float> {
    try body.forward(z, training: training)
  }

  public func backward(_ dy: Tensor<Float>) throws -> Tensor<Float> { try body.backward(dy) }
}
