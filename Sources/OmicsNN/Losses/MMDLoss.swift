import OmicsCore

/// Biased squared maximum mean discrepancy with a sum of Gaussian kernels (Gretton et al. 2012),
/// as scDEAL's DaNN uses it: for `x` `(M, D)` and `y` `(N, D)`,
/// `MMD² = mean_{ij} K(x_i,x_j) + mean_{ij} K(y_i,y_j) − 2·mean_{ij} K(x_i,y_j)` (diagonals kept),
/// `K(a,b) = Σ_σ exp(−‖a−b‖²/(2σ²))` — a **sum** over bandwidths, not a mean.
///
/// Computed in the `expm1` form (`K − 1` per kernel; the constants cancel exactly between the three
/// means), with `‖a−b‖² = Σ(a−b)²` formed directly and every sum in `Double`, so the value stays
/// accurate when σ is large (scDEAL's σ = 1000 gives kernel values 1 − O(1e-7)).
/// Returns the value and the gradients with respect to `x` and `y`:
/// `∂/∂z_a = Σ_b 2·w_ab·Σ_σ e^{−d²/2σ²}·(−(z_a − z_b)/σ²)` with `w = 1/M², 1/N², −1/(MN)` per block.
/// - Complexity: O((M+N)²·D·|σ|).
@_specialize(where T == Float)
public func mmdLoss<T: NNScalar>(_ x: Tensor<T>, _ y: Tensor<T>, bandwidths: [Double], weight: Double = 1) throws
  -> (value: Double, dx: Tensor<T>, dy: Tensor<T>)
{
  guard x.rank == 2, y.rank == 2, x.columns == y.columns else {
    throw OmicsError(location: "mmd", "inputs \(x.shape) and \(y.shape) must be (M, D) and (N, D)")
  }
  guard x.rows > 0, y.rows > 0, !bandwidths.isEmpty, bandwidths.allSatisfy({ $0 > 0 && $0.isFinite }) else {
    throw OmicsError(location: "mmd", "needs non-empty inputs and positive bandwidths")
  }
  let m = x.rows, n = y.rows, d = x.columns, total = m + n
  // Concatenated rows in Double.
  var z = [Double](repeating: 0, count: total * d)
  for i in 0..<(m * d) { z[i] = Double(x.scalars[i]) }
  for i in 0..<(n * d) { z[m * d + i] = Double(y.scalars[i]) }
  let gammas = bandwidths.map { 1 / (2 * $0 * $0) }
  var value = 0.0
  var grad = [Double](repeating: 0, count: total * d)
  let wxx = 1 / Double(m * m), wyy = 1 / Double(n * n), wxy = -1 / Double(m * n)
  z.withUnsafeBufferPointer { zp in
    grad.withUnsafeMutableBufferPointer { gp in
      for a in 0..<total {
        let aIsX = a < m
        for b in 0..<total {
          let bIsX = b < m
          let w = aIsX && bIsX ? wxx : (!aIsX && !bIsX ? wyy : wxy)
          var d2 = 0.0
          for j in 0..<d { let t = zp[a * d + j] - zp[b * d + j]; d2 += t * t }
          var k = 0.0, dk = 0.0
          for g in gammas {
            k += Double.nnExpm1(-g * d2)
            dk += Double.nnExp(-g * d2) * 2 * g  // −∂K/∂(d²)·2
          }
          value += w * k
          if a != b {
            // d/dz_a of w·K over the ordered pairs (a,b) and (b,a): 2·w·∂K/∂d²·2(z_a − z_b).
            let coef = -2 * w * dk
            for j in 0..<d { gp[a * d + j] += coef * (zp[a * d + j] - zp[b * d + j]) }
          }
        }
      }
    }
  }
  var dx = Tensor<T>(shape: x.shape), dy = Tensor<T>(shape: y.shape)
  for i in 0..<(m * d) { dx.scalars[i] = T(weight * grad[i]) }
  for i in 0..<(n * d) { dy.scalars[i] = T(weight * grad[m * d + i]) }
  return (weight * value, dx, dy)
}

/// Bandwidths `factors × median pairwise distance` of the concatenated rows of `x` and `y`
/// (diagonal zeros included, as `torch.cdist(z, z).median()`: the lower middle value), floored at
/// `minimum`. A constant of the batch: no gradient flows through it.
@_specialize(where T == Float)
public func medianHeuristicBandwidths<T: NNScalar>(_ x: Tensor<T>, _ y: Tensor<T>,
                                                   factors: [Double] = [0.25, 0.5, 1, 2, 4],
                                                   minimum: Double = 1e-3) -> [Double] {
  let z = Tensor.concatenateRows(x, y)
  let n = z.rows, d = z.columns
  var dist = [Double](repeating: 0, count: n * n)
  for a in 0..<n {
    for b in 0..<n {
      var s = 0.0
      for j in 0..<d { let t = Double(z.scalars[a * d + j]) - Double(z.scalars[b * d + j]); s += t * t }
      dist[a * n + b] = s.squareRoot()
    }
  }
  dist.sort()
  let med = dist.isEmpty ? minimum : max(dist[(dist.count - 1) / 2], minimum)
  return factors.map { $0 * med }
}
