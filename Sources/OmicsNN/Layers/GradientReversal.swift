import OmicsCore

/// Gradient reversal (Ganin & Lempitsky 2015): identity forward, `dx = −λ·dy` backward. Any shape.
public final class GradientReversal<Scalar: NNScalar>: Layer {
  /// The factor λ (may change during training, e.g. DANN's schedule).
  public var lambda: Scalar
  private var shape: [Int]?

  public init(lambda: Scalar = 1) { self.lambda = lambda }

  public func forward(_ x: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
    shape = x.shape
    return x
  }

  public func backward(_ dy: Tensor<Scalar>) throws -> Tensor<Scalar> {
    try checkBackward("gradient reversal", cached: shape, dy: dy)
    return dy * (-lambda)
  }
}
