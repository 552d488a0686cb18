import OmicsCore

/// Layer normalisation over the last axis (Ba et al. 2016), PyTorch `nn.LayerNorm(C)`.
///
/// Shapes `(…, C) → (…, C)`. Per row: `x̂ = (x − μ)/√(σ² + eps)` (biased variance), `y = γ·x̂ + β`.
/// Backward per row: `dx = (1/(C·σ)) · (C·dx̂ − Σdx̂ − x̂·Σ(dx̂·x̂))` with `dx̂ = dy·γ`.
/// Names `name.weight`, `name.bias`; eps 1e-5 (BERT uses 1e-12).
public final class LayerNorm<Scalar: NNScalar>: Layer {
  public let name: String
  public let features: Int
  public let eps: Double
  public let weight: ParameterEntry, bias: ParameterEntry
  let store: ParameterStore<Scalar>
  private var xhat: Tensor<Scalar>?
  private var invStd: [Double] = []

  public init(_ features: Int, eps: Double = 1e-5, name: String, store: ParameterStore<Scalar>) {
    self.name = name
    self.features = features
    self.eps = eps
    self.store = store
    weight = store.register(name + ".weight", shape: [features], initial: .init(repeating: 1, count: features))
    bias = store.register(name + ".bias", shape: [features], initial: .init(repeating: 0, count: features))
  }

  public func forward(_ x: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
    guard x.columns == features, x.rank >= 1 else {
      throw OmicsError(location: name, "expected input (…, \(features)), found \(x.shape)")
    }
    let rows = x.rows, c = features
    var xh = x, y = x
    var inv = [Double](repeating: 0, count: rows)
    let (w, b, eps) = (weight.offset, bias.offset, self.eps)
    store.values.withUnsafeBufferPointer { pv in
      x.scalars.withUnsafeBufferPointer { xp in
        xh.scalars.withUnsafeMutableBufferPointer { hp in
          y.scalars.withUnsafeMutableBufferPointer { yp in
            for r in 0..<rows {
              var s = 0.0
              for j in 0..<c { s += Double(xp[r * c + j]) }
              let mean = s / Double(c)
              var q = 0.0
              for j in 0..<c { let d = Double(xp[r * c + j]) - mean; q += d * d }
              let istd = 1 / (q / Double(c) + eps).squareRoot()
              inv[r] = istd
              for j in 0..<c {
                let h = Scalar((Double(xp[r * c + j]) - mean) * istd)
                hp[r * c + j] = h
                yp[r * c + j] = pv[w + j] * h + pv[b + j]
              }
            }
          }
        }
      }
    }
    xhat = xh
    invStd = inv
    return y
  }

  public func backward(_ dy: Tensor<Scalar>) throws -> Tensor<Scalar> {
    try checkBackward(name, cached: xhat?.shape, dy: dy)
    guard let xh = xhat else { throw OmicsError(location: name, "backward called before forward") }
    let rows = xh.rows, c = features
    var dx = dy
    let (w, b, inv) = (weight.offset, bias.offset, invStd)
    store.values.withUnsafeBufferPointer { pv in
      store.gradients.withUnsafeMutableBufferPointer { gp in
        dy.scalars.withUnsafeBufferPointer { dp in
          xh.scalars.withUnsafeBufferPointer { hp in
            dx.scalars.withUnsafeMutableBufferPointer { out in
              for r in 0..<rows {
                var s1 = 0.0, s2 = 0.0
                for j in 0..<c {
                  let d = dp[r * c + j], h = hp[r * c + j]
                  gp[w + j] += d * h
                  gp[b + j] += d
                  let dh = Double(d * pv[w + j])
                  s1 += dh
                  s2 += dh * Double(h)
                }
                let k = inv[r] / Double(c)
                for j in 0..<c {
                  let dh = Double(dp[r * c + j] * pv[w + j])
                  out[r * c + j] = Scalar(k * (Double(c) * dh - s1 - Double(hp[r * c + j]) * s2))
                }
              }
            }
          }
        }
      }
    }
    return dx
  }
}
