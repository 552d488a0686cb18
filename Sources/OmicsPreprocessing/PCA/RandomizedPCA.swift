import Foundation
import OmicsCore

/// PCA by randomized SVD (Halko, Martinsson & Tropp 2011, as scikit-learn's `randomized_svd`):
/// a Gaussian test matrix with `nComps + 10` columns, 4 power iterations (7 when fewer than a
/// tenth of min(cells, genes) components are asked for) with re-orthonormalization after every
/// product, then the exact SVD of the small projected matrix. The centred (and scaled) matrix is
/// never formed ([`ImplicitCenteredOperator`]), so a sparse X stays sparse; memory is
/// O((cells + genes) · nComps). Deterministic for a seed.
enum RandomizedPCA {
  struct Factors {
    /// Cells × k scores (U·S), genes × k loadings (V), variance per component (S² / (n − 1)).
    var scores: [Double]
    var loadings: [Double]
    var variance: [Double]
    var totalVariance: Double
  }

  static func fit(_ matrix: Matrix, nComps k: Int, scale: Bool, seed: UInt64 = 0, oversamples: Int = 10, powerIterations: Int? = nil) throws -> Factors {
    let a = ImplicitCenteredOperator(matrix, scaled: scale)
    let n = a.rows, p = a.cols
    let l = min(k + oversamples, min(n, p))
    let iterations = powerIterations ?? (Double(k) < 0.1 * Double(min(n, p)) ? 7 : 4)
    var random = SeededRandom(seed: seed)
    var omega = [Double](repeating: 0, count: p * l)
    for i in 0..<(p * l) { omega[i] = normal(&random) }
    var q = try orthonormalize(a.times(omega, k: l), rows: n, cols: l)
    for _ in 0..<iterations {
      let z = try orthonormalize(a.transposeTimes(q, k: l), rows: p, cols: l)
      q = try orthonormalize(a.times(z, k: l), rows: n, cols: l)
    }
    // B = Qᵀ A (l × p), held as Bᵀ = Aᵀ Q (p × l); B Bᵀ = (Bᵀ)ᵀ Bᵀ
    let bt = a.transposeTimes(q, k: l)
    var gram = [Double](repeating: 0, count: l * l)
    bt.withUnsafeBufferPointer { b in
      gram.withUnsafeMutableBufferPointer { g in
        BLAS.gemmAtB(m: l, n: l, k: p, b.baseAddress!, lda: l, b.baseAddress!, ldb: l, g.baseAddress!, ldc: l)
      }
    }
    let (values, w) = try gram.withUnsafeMutableBufferPointer { g in try SymmetricEigen.largest(g.baseAddress!, n: l, count: k) }
    // scores = Q W S (= U S), loadings = Bᵀ W / S
    var scores = [Double](repeating: 0, count: n * k)
    var loadings = [Double](repeating: 0, count: p * k)
    q.withUnsafeBufferPointer { qb in
      w.withUnsafeBufferPointer { wb in
        scores.withUnsafeMutableBufferPointer { sb in
          BLAS.gemmAB(m: n, n: k, k: l, qb.baseAddress!, lda: l, wb.baseAddress!, ldb: k, sb.baseAddress!, ldc: k)
        }
      }
    }
    bt.withUnsafeBufferPointer { bb in
      w.withUnsafeBufferPointer { wb in
        loadings.withUnsafeMutableBufferPointer { lb in
          BLAS.gemmAB(m: p, n: k, k: l, bb.baseAddress!, lda: l, wb.baseAddress!, ldb: k, lb.baseAddress!, ldc: k)
        }
      }
    }
    var variance = [Double](repeating: 0, count: k)
    for j in 0..<k {
      let s = max(0, values[j]).squareRoot()
      variance[j] = s * s / Double(max(n - 1, 1))
      let inv = s > 0 ? 1 / s : 0
      for i in 0..<n { scores[i * k + j] *= s }
      for i in 0..<p { loadings[i * k + j] *= inv }
    }
    return Factors(scores: scores, loadings: loadings, variance: variance, totalVariance: a.totalVariance)
  }

  /// Standard normal by Box–Muller.
  static func normal(_ r: inout SeededRandom) -> Double {
    let u = 1 - r.nextUnit(), v = r.nextUnit()
    return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
  }

  /// An orthonormal basis of the columns of Y (rows × cols, row-major) by CholeskyQR2 done with
  /// eigen-decompositions of the small Gram matrix (twice, for full accuracy); directions with a
  /// negligible eigenvalue are dropped (zero columns).
  static func orthonormalize(_ y: [Double], rows: Int, cols: Int) throws -> [Double] {
    var q = y
    for _ in 0..<2 {
      var gram = [Double](repeating: 0, count: cols * cols)
      q.withUnsafeBufferPointer { qb in
        gram.withUnsafeMutableBufferPointer { g in
          BLAS.gemmAtB(m: cols, n: cols, k: rows, qb.baseAddress!, lda: cols, qb.baseAddress!, ldb: cols, g.baseAddress!, ldc: cols)
        }
      }
      let (values, vectors) = try gram.withUnsafeMutableBufferPointer { g in
        try SymmetricEigen.largest(g.baseAddress!, n: cols, count: cols)
      }
      let largest = values.first ?? 0
      var transform = vectors  // cols × cols: V Λ^(−1/2)
      for j in 0..<cols {
        let f = values[j] > largest * 1e-14 && values[j] > 0 ? 1 / values[j].squareRoot() : 0
        for i in 0..<cols { transform[i * cols + j] *= f }
      }
      var next = [Double](repeating: 0, count: rows * cols)
      q.withUnsafeBufferPointer { qb in
        transform.withUnsafeBufferPointer { tb in
          next.withUnsafeMutableBufferPointer { nb in
            BLAS.gemmAB(m: rows, n: cols, k: cols, qb.baseAddress!, lda: cols, tb.baseAddress!, ldb: cols, nb.baseAddress!, ldc: cols)
          }
        }
      }
      q = next
    }
    return q
  }
}
