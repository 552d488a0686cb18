import Dispatch
import OmicsCore
import OmicsNN

/// The `aligned` stage's loss in one pass: median-heuristic bandwidths and the multi-bandwidth
/// Gaussian MMD² with its gradients, the same quantities as OmicsNN's `medianHeuristicBandwidths`
/// followed by `mmdLoss` (biased estimator, diagonals kept, sum of kernels, `expm1` form, Double
/// accumulation), computed through BLAS so that a 400-row batch costs milliseconds even in a debug
/// build, and for the default factors with one `expm1` per pair (`SquaringChain`).
///
/// Squared distances come from the Gram matrix, `d²_ab = max(0, ‖z_a‖² + ‖z_b‖² − 2 z_a·z_b)` in
/// Double: at the median-heuristic bandwidths (σ of the order of the distances) this agrees with
/// the direct `Σ(a−b)²` to ~1e-12 relative; OmicsNN's `mmdLoss` keeps the direct form for σ = 1000,
/// where the difference matters (`upstream` mode uses it). The bandwidths are `factors × median`
/// of all pairwise distances of the concatenated batch (diagonal zeros included, lower middle
/// value, floored at 1e-3) and carry no gradient.
/// Gradient: `∂/∂z_a = Σ_b c_ab (z_a − z_b)`, `c_ab = −4·w_ab·Σ_σ γ_σ e^{−γ_σ d²_ab}`,
/// i.e. `diag(C·1)·Z − C·Z` (one GEMM). The kernel sums and C run on `threads` workers by rows
/// (once per unordered pair: d² is symmetric); the value is summed per row, then over rows in order,
/// so that part does not depend on the thread count (the two products are split as `BLASThreads`
/// says).
enum MultiBandwidthMMD {
  static func loss(_ x: Tensor<Float>, _ y: Tensor<Float>, factors: [Double], weight: Double, threads: Int = 1) throws
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
    var d2 = [Double](repeating: 0, count: n * n)
    d2.withUnsafeMutableBufferPointer { p in
      gram.withUnsafeBufferPointer { g in
        // From the upper triangle of the Gram matrix, mirrored: d² is exactly symmetric.
        for a in 0..<n {
          p[a * n + a] = 0
          for b in (a + 1)..<n {
            let v = max(0, g[a * n + a] + g[b * n + b] - 2 * g[a * n + b])
            p[a * n + b] = v
            p[b * n + a] = v
          }
        }
      }
    }
    // The median of all n² entries of d² (lower middle value) from the upper triangle: sorted, the
    // full matrix is n diagonal zeros and each off-diagonal value twice, so its element k is 0 for
    // k < n and else element ⌊(k − n)/2⌋ of the sorted upper triangle (quickselect on a copy, in the
    // Gram matrix's storage, no longer needed).
    let pairs = n * (n - 1) / 2
    gram.withUnsafeMutableBufferPointer { g in
      d2.withUnsafeBufferPointer { p in
        var i = 0
        for a in 0..<n {
          for b in (a + 1)..<n {
            g[i] = p[a * n + b]
            i += 1
          }
        }
      }
    }
    let kth = (n * n - 1) / 2
    let medianD2 = kth < n ? 0 : gram.withUnsafeMutableBufferPointer {
      quickselect(UnsafeMutableBufferPointer(rebasing: $0[0..<pairs]), (kth - n) / 2)
    }
    let median = max(medianD2.squareRoot(), 1e-3)
    let bandwidths = factors.map { $0 * median }
    let gammas = bandwidths.map { 1 / (2 * $0 * $0) }
    // Kernel sums K_ab = Σ_σ expm1(−γ_σ d²_ab) and DK_ab = Σ_σ γ_σ e^{−γ_σ d²_ab}: the transcendental
    // part, computed once per unordered pair and mirrored.
    var kSum = [Double](repeating: 0, count: n * n), dkSum = [Double](repeating: 0, count: n * n)
    d2.withUnsafeBufferPointer { dp in
      kSum.withUnsafeMutableBufferPointer { kp in
        dkSum.withUnsafeMutableBufferPointer { dkp in
          let (kp, dkp) = (kp, dkp)  // copies of the pointers: the worker closure may not capture inout
          let chain = SquaringChain(factors: factors, gammas: gammas)
          forRowBlocks(n, threads: threads) { a in
            for b in a..<n {
              let q = dp[a * n + b]
              var k = 0.0, dk = 0.0
              if let chain {
                (k, dk) = chain.sums(q)
              } else {
                for g in gammas {
                  k += Double.nnExpm1(-g * q)
                  dk += g * Double.nnExp(-g * q)
                }
              }
              kp[a * n + b] = k
              kp[b * n + a] = k
              dkp[a * n + b] = dk
              dkp[b * n + a] = dk
            }
          }
        }
      }
    }
    // Per row: its share of the value and the coefficients C (written over DK), C's row sums.
    let wxx = 1 / Double(m * m), wyy = 1 / Double((n - m) * (n - m)), wxy = -1 / Double(m * (n - m))
    var rowValue = [Double](repeating: 0, count: n), rowSum = [Double](repeating: 0, count: n)
    kSum.withUnsafeBufferPointer { kp in
      dkSum.withUnsafeMutableBufferPointer { cp in
        rowValue.withUnsafeMutableBufferPointer { vp in
          rowSum.withUnsafeMutableBufferPointer { sp in
            let (cp, vp, sp) = (cp, vp, sp)
            forRowBlocks(n, threads: threads) { a in
              var v = 0.0, rs = 0.0
              for b in 0..<n {
                let w = (a < m) == (b < m) ? (a < m ? wxx : wyy) : wxy
                v += w * kp[a * n + b]
                let coef = a == b ? 0 : -4 * w * cp[a * n + b]
                cp[a * n + b] = coef
                rs += coef
              }
              vp[a] = v
              sp[a] = rs
            }
          }
        }
      }
    }
    let value = rowValue.reduce(0, +)
    let c = dkSum
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

  /// The kernels of bandwidth factors that are the largest one divided by powers of two (the
  /// default ¼, ½, 1, 2, 4): with `u = e^{−γ_min·d²}` (γ_min of the largest factor), the factor
  /// `f_max/2^j` has `e^{−γ·d²} = u^{4^j}`, so one `expm1` per pair and squarings replace ten
  /// `exp`/`expm1` calls. The squarings stay in the `expm1` form, `u² − 1 = E(E + 2)` with
  /// `E = u − 1`, so small distances keep full precision; each squaring adds about one rounding
  /// (≤ 8 for ¼…4: ~1e-15 relative).
  struct SquaringChain {
    /// Per squaring level 0...max: the sum of γ of the factors at that level and how many there are.
    let gammaAtLevel: [Double], countAtLevel: [Double]
    let gammaMin: Double

    /// Nil unless every factor is `f_max / 2^j` exactly (j ≥ 0), and all are positive.
    init?(factors: [Double], gammas: [Double]) {
      guard let fMax = factors.max(), fMax > 0, factors.allSatisfy({ $0 > 0 }),
            let iMax = factors.firstIndex(of: fMax) else { return nil }
      var levels: [Int] = []
      for f in factors {
        let r = fMax / f
        let j = Int(r.exponent)
        guard r == Double(sign: .plus, exponent: r.exponent, significand: 1), j >= 0, j <= 8 else { return nil }
        levels.append(2 * j)
      }
      gammaMin = gammas[iMax]
      var g = [Double](repeating: 0, count: levels.max()! + 1), c = g
      for (level, _) in zip(levels, factors) {
        // γ of this factor = γ_min·4^j exactly (a power-of-two scaling).
        g[level] += gammaMin * Double(sign: .plus, exponent: level, significand: 1)
        c[level] += 1
      }
      (gammaAtLevel, countAtLevel) = (g, c)
    }

    /// `(Σ_f expm1(−γ_f q), Σ_f γ_f e^{−γ_f q})`.
    @inline(__always) func sums(_ q: Double) -> (Double, Double) {
      var e = Double.nnExpm1(-gammaMin * q)
      var k = 0.0, dk = 0.0
      for level in 0..<gammaAtLevel.count {
        if level > 0 { e = e * (e + 2) }
        if countAtLevel[level] > 0 {
          k += countAtLevel[level] * e
          dk += gammaAtLevel[level] * (e + 1)
        }
      }
      return (k, dk)
    }
  }

  /// Runs `body(row)` for every row in `0..<n`, rows in blocks of 8 dealt round-robin to `threads`
  /// workers (balanced for triangular loops). Each row's work must not depend on the others.
  static func forRowBlocks(_ n: Int, threads: Int, _ body: (Int) -> Void) {
    let block = 8, blocks = (n + block - 1) / block
    let workers = max(1, min(threads, blocks))
    if workers == 1 {
      for row in 0..<n { body(row) }
      return
    }
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      for blk in stride(from: worker, to: blocks, by: workers) {
        for row in (blk * block)..<min(n, (blk + 1) * block) { body(row) }
      }
    }
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
