import OmicsNN

/// The layer stack of `scdeal_reference_numbers.py` (upstream scDEAL's `AEBase` and `Predictor`,
/// dropout 0) with upstream state-dict names: G = 12 genes, encoder 8, 6, bottleneck 4,
/// predictor 5, 3, two outputs.
final class ScdealAE<T: NNScalar> {
  let encoder: Sequential<T>
  let bottleneck: Linear<T>
  let decoder: Sequential<T>?

  /// `withDecoder == false` builds only encoder + bottleneck (the bulk model's encoder).
  init(store: ParameterStore<T>, genes: Int = 12, hidden: [Int] = [8, 6], latent: Int = 4, withDecoder: Bool = true) {
    var rng = SeededGenerator(seed: 0)
    let dims = [genes] + hidden
    var enc: [any Layer<T>] = []
    for i in 0..<hidden.count {
      enc.append(Linear(dims[i], dims[i + 1], name: "encoder.\(i).0", store: store, rng: &rng))
      enc.append(BatchNorm1d(dims[i + 1], name: "encoder.\(i).1", store: store))
    }
    encoder = Sequential(enc)
    bottleneck = Linear(dims.last ?? genes, latent, name: "bottleneck", store: store, rng: &rng)
    if withDecoder {
      let r = Array(dims.reversed())
      var dec: [any Layer<T>] = [Linear(latent, r[0], name: "decoder_input", store: store, rng: &rng)]
      for i in 0..<(r.count - 2) {
        dec.append(Linear(r[i], r[i + 1], name: "decoder.\(i).0", store: store, rng: &rng))
        dec.append(BatchNorm1d(r[i + 1], name: "decoder.\(i).1", store: store))
      }
      dec.append(Linear(r[r.count - 2], r[r.count - 1], name: "final_layer.0", store: store, rng: &rng))
      dec.append(Activation(.sigmoid))
      decoder = Sequential(dec)
    } else {
      decoder = nil
    }
  }

  func encode(_ x: Tensor<T>, training: Bool) throws -> Tensor<T> {
    try bottleneck.forward(encoder.forward(x, training: training), training: training)
  }

  func backwardEncode(_ dz: Tensor<T>) throws -> Tensor<T> {
    try encoder.backward(bottleneck.backward(dz))
  }

  func forward(_ x: Tensor<T>, training: Bool) throws -> Tensor<T> {
    let z = try encode(x, training: training)
    guard let decoder else { return z }
    return try decoder.forward(z, training: training)
  }

  func backward(_ dy: Tensor<T>) throws -> Tensor<T> {
    guard let decoder else { return try backwardEncode(dy) }
    return try backwardEncode(decoder.backward(dy))
  }
}

/// Predictor head: per hidden size Linear → BN → ReLU, then Linear(·, 2) → Sigmoid.
func scdealPredictor<T: NNScalar>(store: ParameterStore<T>, latent: Int = 4, hidden: [Int] = [5, 3]) -> Sequential<T> {
  var rng = SeededGenerator(seed: 1)
  let dims = [latent] + hidden
  var layers: [any Layer<T>] = []
  for i in 0..<hidden.count {
    layers.append(Linear(dims[i], dims[i + 1], name: "predictor.predictor.\(i).0", store: store, rng: &rng))
    layers.append(BatchNorm1d(dims[i + 1], name: "predictor.predictor.\(i).1", store: store))
    layers.append(Activation(.relu))
  }
  layers.append(Linear(dims.last ?? latent, 2, name: "predictor.output.0", store: store, rng: &rng))
  layers.append(Activation(.sigmoid))
  return Sequential(layers)
}
