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

  /// Whether `backward` returns `dL/dx` (default). Training discards it, so the stages' encoders
  /// turn it off (the first Linear then skips its input-gradient product; `backward` returns an
  /// empty tensor); integrated gradients turns it on.
  public var computesInputGradient: Bool {
    get { firstLinear.computesInputGradient }
    set { firstLinear.computesInputGradient = newValue }
  }

  /// The layer that reads the input: the first block's Linear, or the bottleneck without blocks.
  private var firstLinear: Linear<Float> { (blocks.layers.first as? Linear<Float>) ?? bottleneck }

  /// `dL/dx` from `dL/dz` (empty when `computesInputGradient` is off); accumulates parameter gradients.
  public func backward(_ dz: Tensor<Float>) throws -> Tensor<Float> {
    try blocks.backward(try bottleneck.backward(dz))
  }
}
