import OmicsCore

/// Lookup table `(V, C)` (PyTorch `nn.Embedding`): token ids `(B, T)` → `(B, T, C)`.
///
/// Not a `Layer` (its input is integer ids). Initialisation `N(0, 1)` as PyTorch; the row of
/// `paddingIndex` starts at zero and receives no gradient. Backward scatter-adds `dy` rows into
/// `name.weight`'s gradient. Ids outside `0..<V` are an error naming the id.
public final class Embedding<Scalar: NNScalar> {
  public let name: String
  public let vocabulary: Int
  public let features: Int
  public let paddingIndex: Int?
  public let weight: ParameterEntry
  let store: ParameterStore<Scalar>
  private var ids: [Int]?
  private var outShape: [Int]?

  public init(_ vocabulary: Int, _ features: Int, paddingIndex: Int? = nil, name: String,
              store: ParameterStore<Scalar>, rng: inout SeededGenerator) {
    self.name = name
    self.vocabulary = vocabulary
    self.features = features
    self.paddingIndex = paddingIndex
    self.store = store
    var w = [Scalar](repeating: 0, count: vocabulary * features)
    for i in w.indices { w[i] = Scalar(rng.normal()) }
    if let pad = paddingIndex, pad >= 0, pad < vocabulary {
      for j in 0..<features { w[pad * features + j] = 0 }
    }
    weight = store.register(name + ".weight", shape: [vocabulary, features], initial: w)
  }

  /// Rows of the table for `ids` (any shape `shape`, `ids.count == shape.product`).
  public func forward(ids: [Int], shape: [Int]) throws -> Tensor<Scalar> {
    guard shape.reduce(1, *) == ids.count else {
      throw OmicsError(location: name, "\(ids.count) ids for shape \(shape)")
    }
    let c = features, v = vocabulary, w = weight.offset
    if let bad = ids.first(where: { $0 < 0 || $0 >= v }) {
      throw OmicsError(location: name, "token id \(bad) outside the vocabulary 0..<\(v)")
    }
    var y = Tensor<Scalar>(shape: shape + [c])
    store.values.withUnsafeBufferPointer { pv in
      y.scalars.withUnsafeMutableBufferPointer { yp in
        for (r, id) in ids.enumerated() { for j in 0..<c { yp[r * c + j] = pv[w + id * c + j] } }
      }
    }
    self.ids = ids
    outShape = y.shape
    return y
  }

  /// Accumulates `dy` (shape of the last output) into the table's gradient.
  public func backward(_ dy: Tensor<Scalar>) throws {
    try checkBackward(name, cached: outShape, dy: dy)
    guard let ids else { return }
    let c = features, w = weight.offset, pad = paddingIndex
    store.gradients.withUnsafeMutableBufferPointer { gp in
      dy.scalars.withUnsafeBufferPointer { dp in
        for (r, id) in ids.enumerated() where id != pad {
          for j in 0..<c { gp[w + id * c + j] += dp[r * c + j] }
        }
      }
    }
  }
}
