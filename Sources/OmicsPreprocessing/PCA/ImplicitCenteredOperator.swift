import Dispatch
import OmicsCore

/// The centred (and optionally scaled) matrix A = (X − 1·μᵀ)·D as an operator, without forming it:
/// products A·M and Aᵀ·N are computed from X's stored values (dense, CSR or CSC, any numeric type)
/// plus a rank-one correction, on all cores. Randomized PCA of a sparse matrix needs nothing else,
/// so it never densifies.
struct ImplicitCenteredOperator: @unchecked Sendable {
  let rows: Int
  let cols: Int
  let matrix: Matrix
  /// Column means μ.
  let mean: [Double]
  /// Column scale factors D (1/sd, or 1 without scaling; constant columns keep 1).
  let scale: [Double]
  /// Σ over columns of the variance (ddof 1) of A's columns: the total variance PCA explains.
  let totalVariance: Double
  /// Dense input as Doubles, converted once.
  private let denseRows: DoubleMatrix?

  init(_ matrix: Matrix, scaled: Bool) {
    self.matrix = matrix
    if case .dense = matrix { denseRows = DoubleMatrix.rows(of: matrix) } else { denseRows = nil }
    rows = matrix.rows
    cols = matrix.cols
    let sums = GroupedColumnSums(matrix, group: nil, groups: 1)
    let n = Double(rows)
    var mean = [Double](repeating: 0, count: cols), scale = [Double](repeating: 1, count: cols)
    var total = 0.0
    for j in 0..<cols {
      mean[j] = sums.sums[j] / n
      let variance = max(0, (sums.squares[j] - n * mean[j] * mean[j]) / max(n - 1, 1))
      if scaled {
        let sd = variance.squareRoot()
        scale[j] = sd > 0 ? 1 / sd : 1
        total += sd > 0 ? 1 : 0
      } else {
        total += variance
      }
    }
    self.mean = mean
    self.scale = scale
    totalVariance = total
  }

  /// A·M for M cols × k (row-major); returns rows × k.
  func times(_ m: [Double], k: Int) -> [Double] {
    // X·(D M) − 1·(μᵀ D M)
    var dm = m
    for j in 0..<cols { for c in 0..<k { dm[j * k + c] *= scale[j] } }
    var correction = [Double](repeating: 0, count: k)
    for j in 0..<cols { for c in 0..<k { correction[c] += mean[j] * dm[j * k + c] } }
    var out = product(dm, k: k, transposed: false)
    for i in 0..<rows { for c in 0..<k { out[i * k + c] -= correction[c] } }
    return out
  }

  /// Aᵀ·N for N rows × k; returns cols × k.
  func transposeTimes(_ n: [Double], k: Int) -> [Double] {
    // D (Xᵀ N − μ (1ᵀ N))
    var columnSums = [Double](repeating: 0, count: k)
    for i in 0..<rows { for c in 0..<k { columnSums[c] += n[i * k + c] } }
    var out = product(n, k: k, transposed: true)
    for j in 0..<cols { for c in 0..<k { out[j * k + c] = (out[j * k + c] - mean[j] * columnSums[c]) * scale[j] } }
    return out
  }

  /// X·M (transposed: Xᵀ·M) for a dense right-hand side with k columns.
  private func product(_ m: [Double], k: Int, transposed: Bool) -> [Double] {
    let outRows = transposed ? cols : rows
    var out = [Double](repeating: 0, count: outRows * k)
    switch matrix {
    case .dense:
      guard let x = denseRows else { return out }
      m.withUnsafeBufferPointer { mb in
        out.withUnsafeMutableBufferPointer { ob in
          if transposed {
            BLAS.gemmAtB(m: cols, n: k, k: rows, x.base, lda: cols, mb.baseAddress!, ldb: k, ob.baseAddress!, ldc: k)
          } else {
            BLAS.gemmAB(m: rows, n: k, k: cols, x.base, lda: cols, mb.baseAddress!, ldb: k, ob.baseAddress!, ldc: k)
          }
        }
      }
    case .sparse(let s):
      // CSR: X·M gathers along rows, Xᵀ·M scatters; CSC the other way round
      let gather = (s.layout == .csr) != transposed
      m.withUnsafeBufferPointer { mb in
        out.withUnsafeMutableBufferPointer { ob in
          withReadableValues(s.data) { buffer in
            switch buffer {
            case .float32(let p): Self.sparseProduct(s, p, mb.baseAddress!, k, ob.baseAddress!, outRows, gather: gather)
            case .float64(let p): Self.sparseProduct(s, p, mb.baseAddress!, k, ob.baseAddress!, outRows, gather: gather)
            case .int32(let p): Self.sparseProduct(s, p, mb.baseAddress!, k, ob.baseAddress!, outRows, gather: gather)
            case .int64(let p): Self.sparseProduct(s, p, mb.baseAddress!, k, ob.baseAddress!, outRows, gather: gather)
            }
          }
        }
      }
    }
    return out
  }

  /// out[major] = Σ v·M[minor] (gather) or out[minor] += v·M[major] (scatter, per-worker buffers).
  private static func sparseProduct<T: DoubleReadable>(
    _ s: SparseMatrix, _ values: UnsafeBufferPointer<T>, _ m: UnsafePointer<Double>, _ k: Int,
    _ out: UnsafeMutablePointer<Double>, _ outRows: Int, gather: Bool
  ) {
    s.indptr.withUnsafeBufferPointer { indptr in
      s.indices.withUnsafeBufferPointer { indices in
        let majors = s.majorCount
        if gather {
          Parallel.forEachChunk(majors, minimumPerChunk: 256) { range in
            for r in range {
              let o = out + r * k
              for e in Int(indptr[r])..<Int(indptr[r + 1]) {
                let v = values[e].asDouble
                let row = m + Int(indices[e]) * k
                for c in 0..<k { o[c] += v * row[c] }
              }
            }
          }
        } else {
          let workers = majors >= 2048 ? Parallel.workers : 1
          let per = (majors + workers - 1) / workers
          let partial = UnsafeMutablePointer<Double>.allocate(capacity: max(1, (workers - 1) * outRows * k))
          partial.initialize(repeating: 0, count: max(1, (workers - 1) * outRows * k))
          defer { partial.deallocate() }
          DispatchQueue.concurrentPerform(iterations: workers) { w in
            let target = w == 0 ? out : partial + (w - 1) * outRows * k
            for r in min(majors, w * per)..<min(majors, (w + 1) * per) {
              let row = m + r * k
              for e in Int(indptr[r])..<Int(indptr[r + 1]) {
                let v = values[e].asDouble
                let o = target + Int(indices[e]) * k
                for c in 0..<k { o[c] += v * row[c] }
              }
            }
          }
          for w in 1..<max(workers, 1) {
            let p = partial + (w - 1) * outRows * k
            for i in 0..<(outRows * k) { out[i] += p[i] }
          }
        }
      }
    }
  }
}
