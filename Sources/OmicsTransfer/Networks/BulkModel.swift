import OmicsNN

/// scDEAL's `PretrainedPredictor`: the bulk encoder (+ bottleneck) and the predictor head in one
/// store, with PyTorch state-dict names `encoder.*`, `bottleneck.*`, `predictor.predictor.*`,
/// `predictor.output.*`.
public final class BulkModel {
  public let store = ParameterStore<Float>()
  public let encoder: EncoderNetwork
  public let predictor: PredictorNetwork

  public init(input: Int, config: AdaptConfig, rng: inout SeededGenerator) {
    encoder = EncoderNetwork(input: input, hidden: config.hidden, latent: config.latent, dropout: config.dropout,
                             store: store, rng: &rng)
    predictor = PredictorNetwork(latent: config.latent, hidden: config.predictorHidden, dropout: config.dropout,
                                 store: store, rng: &rng)
  }

  /// `(B, 2)` sigmoid scores.
  public func forward(_ x: Tensor<Float>, training: Bool) throws -> Tensor<Float> {
    try predictor.forward(try encoder.forward(x, training: training), training: training)
  }

  /// Backward of the last `forward`.
  public func backward(_ dScores: Tensor<Float>) throws {
    _ = try encoder.backward(try predictor.backward(dScores))
  }
}

/// Applies `body` to row blocks of `x` in eval mode and concatenates the outputs (any batch size
/// works in eval mode; blocks bound the memory).
func evaluateInBlocks(_ x: Tensor<Float>, block: Int = 4096, _ body: (Tensor<Float>) throws -> Tensor<Float>) rethrows
  -> Tensor<Float>
{
  var scalars: [Float] = []
  var columns = 0
  var start = 0
  while start < x.rows {
    let end = min(start + block, x.rows)
    let y = try body(x.rows(start..<end))
    columns = y.columns
    scalars.append(contentsOf: y.scalars)
    start = end
  }
  return Tensor(shape: [x.rows, columns], scalars: scalars)
}
