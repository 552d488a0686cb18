import OmicsNN

/// scDEAL's encoder path (`AEBase.encode`): blocks Linear → BatchNorm1d → Dropout with **no
/// activation** (upstream's ReLU line is commented out), then a linear bottleneck.
///
/// State-dict names: `{prefix}encoder.{i}.0.*` (Linear), `{prefix}encoder.{i}.1.*` (BatchNorm),
/// `{prefix}bottleneck.*`. In eval mode the whole encoder is an affine map of the input.
public final class EncoderNetwork {
  let blocks: Sequential<Float>
  let bottleneck: Linear<Float>
  public let inputSize: Int
  public let latent: Int

  public init(input: Int, hidden: [Int], latent: Int, dropout: Double, prefix: String = "",
              store: ParameterStore<Float>, rng: inout SeededGenerator) {
    var layers: [any Layer<Float>] = []
    var width = input
    for (i, h) in hidden.enumerated() {
      layers.append(Linear(width, h, name: "\(prefix)encoder.\(i).0", store: store, rng: &rng))
      layers.append(BatchNorm1d(h, name: "\(prefix)encoder.\(i).1", store: store))
      layers.append(Dropout(p: dropout, seed: rng.next()))
      width = h
    }
    blocks = Sequential(layers)
    bottleneck = Linear(width, latent, name: "\(prefix)bottleneck", store: store, rng: &rng)
    inputSize = input
    self.latent = latent
  }

  /// The `(B, latent)` embedding of `(B, input)` rows.
  public func forward(_ x: Tensor<Float>, training: Bool) throws -> Tensor<Float> {
    try bottleneck.forward(try blocks.forward(x, training: training), training: training)
  }

  /// `dL/dx` from `dL/dz`; accumulates parameter gradients.
  public func backward(_ dz: Tensor<Float>) throws -> Tensor<Float> {
    try blocks.backward(try bottleneck.backward(dz))
  }
}
