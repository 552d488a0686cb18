import OmicsCore

/// Softmax over the last axis: `y_j = e^{x_j − max} / Σ_k e^{x_k − max}`;
/// backward `dx = y ⊙ (dy − Σ_j dy_j y_j)` per row. Shapes `(…, C) → (…, C)`.
public final class Softmax<Scalar: NNScalar>: Layer {
  private var output: Tensor<Scalar>?

  public init() {}

  public func forward(_ x: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
    var y = x
    let rows = x.rows, c = x.columns
    y.scalars.withUnsafeMutableBufferPointer { p in
      guard let base = p.baseAddress else { return }
      for r in 0..<rows { softmaxRow(base + r * c, c) }
    }
    output = y
    return y
  }

  public func backward(_ dy: Tensor<Scalar>) throws -> Tensor<Scalar> {
    try checkBackward("softmax", cached: output?.shape, dy: dy)
    guard let y = output else { throw OmicsError(location: "softmax", "backward called before forward") }
    var dx = dy
    let rows = y.rows, c = y.columns
    dx.scalars.withUnsafeMutableBufferPointer { d in
      y.scalars.withUnsafeBufferPointer { yp in
        for r in 0..<rows {
          var dot = 0.0
          for j in 0..<c { dot += Double(d[r * c + j]) * Double(yp[r * c + j]) }
          let s = Scalar(dot)
          for j in 0..<c { d[r * c + j] = yp[r * c + j] * (d[r * c + j] - s) }
        }
      }
    }
    return dx
  }
}

/// In-place numerically stable softmax of `n` contiguous values (Double accumulation).
@inline(__always) func softmaxRow<T: NNScalar>(_ p: UnsafeMutablePointer<T>, _ n: Int) {
  if n == 0 { return }
  var mx = p[0]
  for j in 1..<n where p[j] > mx { mx = p[j] }
  var sum = 0.0
  for j in 0..<n {
    let e = T.nnExp(p[j] - mx)
    p[j] = e
    sum += Double(e)
  }
  let inv = T(1 / sum)
  for j in 0..<n { p[j] *= inv }
}
