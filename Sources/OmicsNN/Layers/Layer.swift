import OmicsCore

/// A layer with an explicit forward and backward pass (Docs/neural-engine.md, "Layers").
///
/// `forward` computes the output and caches what `backward` needs (the last forward only: one
/// forward, one backward, in that order). `backward` takes `dL/dy` of the last forward, **adds**
/// the parameter gradients into its `ParameterStore`'s `gradients`, and **returns** a fresh
/// `dL/dx`. Shapes: `(B, C_in) → (B, C_out)`; layers that act on the last axis also take
/// `(B, T, C)`.
public protocol Layer<Scalar>: AnyObject {
  associatedtype Scalar: NNScalar
  /// The output for `x`; `training` selects batch statistics (BatchNorm) and dropout.
  func forward(_ x: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar>
  /// `dL/dx` for the cached forward; accumulates parameter gradients.
  func backward(_ dy: Tensor<Scalar>) throws -> Tensor<Scalar>
}

/// Layers applied in order; backward runs them in reverse.
public final class Sequential<Scalar: NNScalar>: Layer {
  public var layers: [any Layer<Scalar>]

  public init(_ layers: [any Layer<Scalar>]) { self.layers = layers }

  @_specialize(where Scalar == Float)
  public func forward(_ x: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
    var h = x
    for layer in layers { h = try layer.forward(h, training: training) }
    return h
  }

  @_specialize(where Scalar == Float)
  public func backward(_ dy: Tensor<Scalar>) throws -> Tensor<Scalar> {
    var g = dy
    for layer in layers.reversed() { g = try layer.backward(g) }
    return g
  }
}

/// Throws unless `backward` follows a `forward` whose output had `dy`'s shape.
@inline(__always) func checkBackward<T>(_ layer: String, cached: [Int]?, dy: Tensor<T>) throws {
  guard let cached else { throw OmicsError(location: layer, "backward called before forward") }
  guard cached == dy.shape else {
    throw OmicsError(location: layer, "gradient shape \(dy.shape) does not match the forward output \(cached)")
  }
}
