import OmicsCore

/// Elementwise activation: `y = f(x)`, `dx = dy · f′(x)`; any shape.
///
/// One class per function would repeat the same caching code five times; the functions themselves
/// are written out in `Activation.Kind` (value and derivative side by side).
public final class Activation<Scalar: NNScalar>: Layer {
  /// The function.
  public enum Kind: Sendable, Equatable {
    /// `max(x, 0)`; derivative 0 at x = 0 (PyTorch).
    case relu
    /// `1/(1+e^{−x})`.
    case sigmoid
    case tanh
    /// `½x(1 + erf(x/√2))` (PyTorch `approximate='none'`, BERT).
    case gelu
    /// `½x(1 + tanh(√(2/π)(x + 0.044715x³)))` (PyTorch `approximate='tanh'`, GPT-2).
    case geluTanh
    /// `x` for x ≥ 0, `slope·x` otherwise.
    case leakyReLU(slope: Double)
  }

  public let kind: Kind
  public let name: String
  private var input: Tensor<Scalar>?
  private var output: Tensor<Scalar>?

  public init(_ kind: Kind, name: String = "activation") {
    self.kind = kind
    self.name = name
  }

  @_specialize(where Scalar == Float)
  public func forward(_ x: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
    // y is written in full from x (element-wise, cut into ranges on the partitioned mode's threads).
    var y = Tensor<Scalar>(uninitializedShape: x.shape)
    let kind = self.kind
    x.scalars.withUnsafeBufferPointer { xBuffer in
      y.scalars.withUnsafeMutableBufferPointer { yBuffer in
        guard let xp = xBuffer.baseAddress, let yp = yBuffer.baseAddress else { return }
        BLASThreads.forEachRange(count: xBuffer.count) { range in
          for i in range { yp[i] = Self.value(kind, xp[i]) }
        }
      }
    }
    input = x
    output = y
    return y
  }

  @_specialize(where Scalar == Float)
  public func backward(_ dy: Tensor<Scalar>) throws -> Tensor<Scalar> {
    try checkBackward(name, cached: output?.shape, dy: dy)
    guard let x = input, let y = output else { throw OmicsError(location: name, "backward called before forward") }
    var dx = Tensor<Scalar>(uninitializedShape: dy.shape)
    let kind = self.kind
    dx.scalars.withUnsafeMutableBufferPointer { dBuffer in
      dy.scalars.withUnsafeBufferPointer { dyBuffer in
        x.scalars.withUnsafeBufferPointer { xBuffer in
          y.scalars.withUnsafeBufferPointer { yBuffer in
            guard let d = dBuffer.baseAddress, let g = dyBuffer.baseAddress, let xp = xBuffer.baseAddress,
                  let yp = yBuffer.baseAddress else { return }
            BLASThreads.forEachRange(count: dBuffer.count) { range in
              for i in range { d[i] = g[i] * Self.derivative(kind, x: xp[i], y: yp[i]) }
            }
          }
        }
      }
    }
    return dx
  }

  static var sqrt2OverPi: Scalar { Scalar(0.7978845608028654) }
  static var invSqrt2: Scalar { Scalar(0.7071067811865476) }
  static var invSqrt2Pi: Scalar { Scalar(0.3989422804014327) }

  @inline(__always) static func value(_ kind: Kind, _ x: Scalar) -> Scalar {
    switch kind {
    case .relu: return x > 0 ? x : 0
    case .sigmoid: return 1 / (1 + Scalar.nnExp(-x))
    case .tanh: return Scalar.nnTanh(x)
    case .gelu: return 0.5 * x * (1 + Scalar.nnErf(x * invSqrt2))
    case .geluTanh:
      return 0.5 * x * (1 + Scalar.nnTanh(sqrt2OverPi * (x + 0.044715 * x * x * x)))
    case .leakyReLU(let slope): return x >= 0 ? x : Scalar(slope) * x
    }
  }

  @inline(__always) static func derivative(_ kind: Kind, x: Scalar, y: Scalar) -> Scalar {
    switch kind {
    case .relu: return x > 0 ? 1 : 0
    case .sigmoid: return y * (1 - y)
    case .tanh: return 1 - y * y
    case .gelu:
      return 0.5 * (1 + Scalar.nnErf(x * invSqrt2)) + x * invSqrt2Pi * Scalar.nnExp(-0.5 * x * x)
    case .geluTanh:
      let u = sqrt2OverPi * (x + 0.044715 * x * x * x)
      let t = Scalar.nnTanh(u)
      return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * sqrt2OverPi * (1 + 3 * 0.044715 * x * x)
    case .leakyReLU(let slope): return x >= 0 ? 1 : Scalar(slope)
    }
  }
}
