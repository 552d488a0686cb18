import OmicsNN

/// scDEAL's decoder (`AEBase.decode`): `decoder_input` Linear(latent, h_last), then one block
/// Linear → BatchNorm1d → Dropout per remaining hidden size (reversed), then `final_layer`
/// Linear(h_first, input) → Sigmoid. Names: `decoder_input.*`, `decoder.{i}.0.*`, `decoder.{i}.1.*`,
/// `final_layer.0.*`.
public final class DecoderNetwork {
  let body: Sequential<Float>

  public init(latent: Int, hidden: [Int], output: Int, dropout: Double, prefix: String = "",
              store: ParameterStore<Float>, rng: inout SeededGenerator) {
    let reversed = Array(hidden.reversed())
    var layers: [any Layer<Float>] = [
      Linear(latent, reversed[0], name: "\(prefix)decoder_input", store: store, rng: &rng)
    ]
    for i in 0..<(reversed.count - 1) {
      layers.append(Linear(reversed[i], reversed[i + 1], name: "\(prefix)decoder.\(i).0", store: store, rng: &rng))
      layers.append(BatchNorm1d(reversed[i + 1], name: "\(prefix)decoder.\(i).1", store: store))
      layers.append(Dropout(p: dropout, seed: rng.next()))
    }
    layers.append(Linear(reversed[reversed.count - 1], output, name: "\(prefix)final_layer.0", store: store, rng: &rng))
    layers.append(Activation(.sigmoid, name: "\(prefix)final_layer.1"))
    body = Sequential(layers)
  }

  public func forward(_ z: Tensor<Float>, training: Bool) throws -> Tensor<Float> {
    try body.forward(z, training: training)
  }

  public func backward(_ dy: Tensor<Float>) throws -> Tensor<Float> { try body.backward(dy) }
}
