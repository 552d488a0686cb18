import OmicsCore

/// Inverted dropout: in training each element is kept with probability `1 − p` and scaled by
/// `1/(1 − p)`; identity in eval. Any shape.
///
/// The mask comes from the layer's own `SeededGenerator` (seeded at construction, so a seed fixes
/// every mask of a run), or from `nextMask` when a test or a parity run supplies one (values 0/1;
/// the scaling is applied by the layer). Backward: `dx = dy ⊙ mask/(1 − p)`.
public final class Dropout<Scalar: NNScalar>: Layer {
  public let p: Double
  public var rng: SeededGenerator
  /// An explicit 0/1 mask for the next training forward (consumed by it).
  public var nextMask: [Scalar]?
  private var scaledMask: [Scalar]?
  private var shape: [Int]?

  public init(p: Double, seed: UInt64) {
    precondition(p >= 0 && p < 1, "dropout probability \(p) outside [0, 1)")
    self.p = p
    self.rng = SeededGenerator(seed: seed)
  }

  @_specialize(where Scalar == Float)
  public func forward(_ x: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
    shape = x.shape
    guard training, p > 0 || nextMask != nil else {
      scaledMask = nil
      return x
    }
    let scale = Scalar(1 / (1 - p))
    var mask: [Scalar]
    if let given = nextMask {
      guard given.count == x.count else {
        throw OmicsError(location: "dropout", "mask has \(given.count) values, input has \(x.count)")
      }
      mask = given.map { $0 * scale }
      nextMask = nil
    } else {
      mask = [Scalar](repeating: 0, count: x.count)
      var local = rng  // a local copy: no exclusivity checks on the class property per element
      // `nextUnit() >= p` in integers: nextUnit() = (next() >> 11)·2⁻⁵³ exactly, so it is
      // `next() >> 11 >= ⌈p·2⁵³⌉` — the same mask without a conversion per element.
      let keepFrom = UInt64((p * 0x1p53).rounded(.up))
      mask.withUnsafeMutableBufferPointer { mp in
        for i in 0..<mp.count where local.next() >> 11 >= keepFrom { mp[i] = scale }
      }
      rng = local
    }
    var y = Tensor<Scalar>(uninitializedShape: x.shape)
    y.scalars.withUnsafeMutableBufferPointer { yp in
      x.scalars.withUnsafeBufferPointer { xp in
        mask.withUnsafeBufferPointer { mp in for i in 0..<yp.count { yp[i] = xp[i] * mp[i] } }
      }
    }
    scaledMask = mask
    return y
  }

  @_specialize(where Scalar == Float)
  public func backward(_ dy: Tensor<Scalar>) throws -> Tensor<Scalar> {
    try checkBackward("dropout", cached: shape, dy: dy)
    guard let mask = scaledMask else { return dy }
    var dx = dy
    dx.scalars.withUnsafeMutableBufferPointer { d in
      mask.withUnsafeBufferPointer { mp in for i in 0..<d.count { d[i] *= mp[i] } }
    }
    return dx
  }
}
