import OmicsCore
import OmicsNN

/// The `aligned` stage's loss in one pass: median-heuristic bandwidths and the multi-bandwidth
/// Gaussian MMD² with its gradients, the same quantities as OmicsNN's `medianHeuristicBandwidths`
/// followed by `mmdLoss` (biased estimator, diagonals kept, sum of kernels, `expm1` form, Double
/// accumulation), computed through BLAS so that a 400-row batch costs milliseconds even in a debug
/// build.
///
/// Squared distances come from the Gram matrix, `d²_ab = max(0, ‖z_a‖² + ‖z_b‖² − 2 z_a·z_b)` in
/// Double: at the median-heuristic bandwidths (σ of the order of the distances) this agrees with
/// the direct `Σ(a−b)²` to ~1e-12 relative; OmicsNN's `mmdLoss` keeps the direct form for σ = 1000,
/// where the difference matters (`upstream` mode uses it). The bandwidths are `factors × median`
/// of all pairwise distances of the concatenated batch (diagonal zeros included, lower middle
/// value, floored at 1e-3) and carry no gradient.
/// Gradient: `∂/∂z_a = Σ_b c_ab (z_a − z_b)`, `c_ab = −4·w_ab·Σ_σ γ_σ e^{−γ_σ d²_ab}`,
/// i.e. `diag(C·1)·Z − C·Z` (one GEMM).
enum MultiBandwidthMMD {
  static func loss(_ x: Tensor<Float>, _ y: Tensor<Float>, factors: [Double], weight: Double) throws
    -> (value: Double, dx: Tensor<Float>, dy: Tensor<Float>, bandwidths: [Double])
  {
    guard x.rank == 2, y.rank == 2, x.columns == y.columns, x.rows > 0, y.rows > 0 else {
      throw OmicsError(location: "mmd", "inputs \(x.shape) and \(y.shape) must be non-empty (M, D) and (N, D)")
    }
    let m = x.rows, n = x.rows + y.rows, d = x.columns
    var z = [Double](repeating: 0, count: n * d)
    for i in 0..<(m * d) { z[i] = Double(x.scalars[i]) }
    for i in 0..<(y.rows * d) { z[m * d + i] = Double(y.scalars[i]) }
    // Gram matrix and squared distances.
    var gram = [Double](repeating: 0, count: n * n)
    z.withUnsafeBufferPointer { zp in
      gram.withUnsafeMutableBufferPointer { gp in
        Double.gemm(transA: false, transB: true, m: n, n: n, k: d, alpha: 1, a: zp.baseAddress!, lda: d,
                    b: zp.baseAddress!, ldb: d, beta: 0, c: gp.baseAddress!, ldc: n)
      }
    }
    var d2 = gram
    d2.withUnsafeMutableBufferPointer { p in
      gram.withUnsafeBufferPointer { g in
        for a in 0..<n {
          for b in 0..<n { p[a * n + b] = a == b ? 0 : max(0, g[a * n + a] + g[b * n + b] - 2 * g[a * n + b]) }
        }
      }
    }
    var scratch = d2
    let medianD2 = scratch.withUnsafeMutableBufferPointer { quickselect($0, (n * n - 1) / 2) }
    let median = max(medianD2.squareRoot(), 1e-3)
    let bandwidths = factors.map { $0 * median }
    let gammas = bandwidths.map { 1 / (2 * $0 * $0) }
    // Kernel sums, value and the coefficient matrix C.
    let wxx = 1 / Double(m * m), wyy = 1 / Double((n - m) * (n - m)), wxy = -1 / Double(m * (n - m))
    var value = 0.0
    var c = [Double](repeating: 0, count: n * n)
    var rowSum = [Double](repeating: 0, count: n)
    d2.withUnsafeBufferPointer { dp in
      c.withUnsafeMutableBufferPointer { cp in
        for a in 0..<n {
          var rs = 0.0
          for b in 0..<n {
            let w = (a < m) == (b < m) ? (a < m ? wxx : wyy) : wxy
            let q = dp[a * n + b]
            var k = 0.0, dk = 0.0
            for g in gammas {
              k += Double.nnExpm1(-g * q)
              dk += g * Double.nnExp(-g * q)
            }
            value += w * k
            let coef = a == b ? 0 : -4 * w * dk
            cp[a * n + b] = coef
            rs += coef
          }
          rowSum[a] = rs
        }
      }
    }
    // grad = diag(rowSum)·Z − C·Z
    var grad = [Double](repeating: 0, count: n * d)
    c.withUnsafeBufferPointer { cp in
      z.withUnsafeBufferPointer { zp in
        grad.withUnsafeMutableBufferPointer { gp in
          Double.gemm(transA: false, transB: false, m: n, n: d, k: n, alpha: -1, a: cp.baseAddress!, lda: n,
                      b: zp.baseAddress!, ldb: d, beta: 0, c: gp.baseAddress!, ldc: d)
          for a in 0..<n { for j in 0..<d { gp[a * d + j] += rowSum[a] * zp[a * d + j] } }
        }
      }
    }
    var dx = Tensor<Float>(shape: x.shape), dy = Tensor<Float>(shape: y.shape)
    for i in 0..<(m * d) { dx.scalars[i] = Float(weight * grad[i]) }
    for i in 0..<(y.rows * d) { dy.scalars[i] = Float(weight * grad[m * d + i]) }
    return (weight * value, dx, dy, bandwidths)
  }

  /// The `k`-th smallest value (0-based) of `v` (reordered in place); deterministic pivots.
  static func quickselect(_ v: UnsafeMutableBufferPointer<Double>, _ k: Int) -> Double {
    var lo = 0, hi = v.count - 1
    while lo < hi {
      let mid = lo + (hi - lo) / 2
      // Median of three as pivot.
      let a = v[lo], b = v[mid], c = v[hi]
      let pivot = max(min(a, b), min(max(a, b), c))
      var i = lo, j = hi
      while i <= j {
        while v[i] < pivot { i += 1 }
        while v[j] > pivot { j -= 1 }
        if i <= j {
          v.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      if k <= j { hi = j } else if k >= i { lo = i } else { return v[k] }
    }
    return v[k]
  }
}
