import Dispatch
import OmicsCore

/// Per-column sums and sums of squares of a matrix's values within groups of rows (batches), in
/// one pass over the stored values on all cores; optionally each value is first clipped at a
/// per-group, per-column ceiling (Seurat's variance clipping).
///
/// Dense and CSR inputs are split by rows, each worker adding into its own accumulators, which are
/// then reduced; CSC input is split by columns. Sparse zeros add nothing (they are never clipped:
/// ceilings are positive).
struct GroupedColumnSums {
  let groups: Int
  let cols: Int
  /// groups × cols, row-major.
  var sums: [Double]
  var squares: [Double]

  /// - Parameters:
  ///   - group: the group of every row (`nil`: all rows form group 0; a negative entry skips the row).
  ///   - clip: groups × cols ceilings; values above are replaced by the ceiling before summing.
  init(_ matrix: Matrix, group: [Int]?, groups: Int, clip: [Double]? = nil) {
    self.groups = groups
    let cols = matrix.cols
    self.cols = cols
    let width = groups * cols
    let rows = matrix.rows
    let workers = Parallel.workers
    switch matrix {
    case .dense(let d):
      let accumulators = GroupedColumnSums.byRows(rows: rows, workers: workers, width: width) { range, s, q in
        withReadableValues(d.values) { buffer in
          switch buffer {
          case .float32(let p): GroupedColumnSums.denseRows(p, range, cols, group, clip, s, q)
          case .float64(let p): GroupedColumnSums.denseRows(p, range, cols, group, clip, s, q)
          case .int32(let p): GroupedColumnSums.denseRows(p, range, cols, group, clip, s, q)
          case .int64(let p): GroupedColumnSums.denseRows(p, range, cols, group, clip, s, q)
          }
        }
      }
      (sums, squares) = accumulators
    case .sparse(let m) where m.layout == .csr:
      let accumulators = GroupedColumnSums.byRows(rows: rows, workers: workers, width: width) { range, s, q in
        withReadableValues(m.data) { buffer in
          switch buffer {
          case .float32(let p): GroupedColumnSums.csrRows(p, m, range, group, clip, s, q)
          case .float64(let p): GroupedColumnSums.csrRows(p, m, range, group, clip, s, q)
          case .int32(let p): GroupedColumnSums.csrRows(p, m, range, group, clip, s, q)
          case .int64(let p): GroupedColumnSums.csrRows(p, m, range, group, clip, s, q)
          }
        }
      }
      (sums, squares) = accumulators
    case .sparse(let m):
      var s = [Double](repeating: 0, count: width), q = [Double](repeating: 0, count: width)
      s.withUnsafeMutableBufferPointer { sp in
        q.withUnsafeMutableBufferPointer { qp in
          let sBase = sp.baseAddress!, qBase = qp.baseAddress!
          Parallel.forEachChunk(m.cols, minimumPerChunk: 64) { columns in
            withReadableValues(m.data) { buffer in
              switch buffer {
              case .float32(let p): GroupedColumnSums.cscColumns(p, m, columns, group, groups, clip, sBase, qBase)
              case .float64(let p): GroupedColumnSums.cscColumns(p, m, columns, group, groups, clip, sBase, qBase)
              case .int32(let p): GroupedColumnSums.cscColumns(p, m, columns, group, groups, clip, sBase, qBase)
              case .int64(let p): GroupedColumnSums.cscColumns(p, m, columns, group, groups, clip, sBase, qBase)
              }
            }
          }
        }
      }
      (sums, squares) = (s, q)
    }
  }

  /// Runs `body` on `workers` row ranges with private accumulators and returns their sum.
  private static func byRows(
    rows: Int, workers: Int, width: Int,
    _ body: (Range<Int>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>) -> Void
  ) -> ([Double], [Double]) {
    let parts = rows >= 2048 ? workers : 1
    let per = (rows + parts - 1) / max(parts, 1)
    var s = [Double](repeating: 0, count: width * parts), q = [Double](repeating: 0, count: width * parts)
    s.withUnsafeMutableBufferPointer { sp in
      q.withUnsafeMutableBufferPointer { qp in
        let sBase = sp.baseAddress!, qBase = qp.baseAddress!
        DispatchQueue.concurrentPerform(iterations: parts) { w in
          let range = min(rows, w * per)..<min(rows, (w + 1) * per)
          body(range, sBase + w * width, qBase + w * width)
        }
      }
    }
    guard parts > 1 else { return (s, q) }
    var sums = Array(s[0..<width]), squares = Array(q[0..<width])
    for w in 1..<parts {
      for i in 0..<width {
        sums[i] += s[w * width + i]
        squares[i] += q[w * width + i]
      }
    }
    return (sums, squares)
  }

  @inline(__always)
  private static func add<T: DoubleReadable>(
    _ v: T, at slot: Int, _ clip: UnsafePointer<Double>?, _ s: UnsafeMutablePointer<Double>, _ q: UnsafeMutablePointer<Double>
  ) {
    if let clip {
      let e = min(v.asDouble, clip[slot])
      s[slot] += e
      q[slot] += e * e
    } else {
      s[slot] += v.asDouble
      q[slot] += v.squaredAsDouble
    }
  }

  private static func denseRows<T: DoubleReadable>(
    _ p: UnsafeBufferPointer<T>, _ range: Range<Int>, _ cols: Int, _ group: [Int]?, _ clip: [Double]?,
    _ s: UnsafeMutablePointer<Double>, _ q: UnsafeMutablePointer<Double>
  ) {
    clip.withOptionalPointer { c in
      for r in range {
        let g = group?[r] ?? 0
        if g < 0 { continue }
        let offset = g * cols
        let row = p.baseAddress! + r * cols
        for j in 0..<cols { add(row[j], at: offset + j, c, s, q) }
      }
    }
  }

  private static func csrRows<T: DoubleReadable>(
    _ p: UnsafeBufferPointer<T>, _ m: SparseMatrix, _ range: Range<Int>, _ group: [Int]?, _ clip: [Double]?,
    _ s: UnsafeMutablePointer<Double>, _ q: UnsafeMutablePointer<Double>
  ) {
    let cols = m.cols
    m.indptr.withUnsafeBufferPointer { indptr in
      m.indices.withUnsafeBufferPointer { indices in
        clip.withOptionalPointer { c in
          for r in range {
            let g = group?[r] ?? 0
            if g < 0 { continue }
            let offset = g * cols
            for k in Int(indptr[r])..<Int(indptr[r + 1]) { add(p[k], at: offset + Int(indices[k]), c, s, q) }
          }
        }
      }
    }
  }

  private static func cscColumns<T: DoubleReadable>(
    _ p: UnsafeBufferPointer<T>, _ m: SparseMatrix, _ columns: Range<Int>, _ group: [Int]?, _ groups: Int,
    _ clip: [Double]?, _ s: UnsafeMutablePointer<Double>, _ q: UnsafeMutablePointer<Double>
  ) {
    let cols = m.cols
    m.indptr.withUnsafeBufferPointer { indptr in
      m.indices.withUnsafeBufferPointer { indices in
        clip.withOptionalPointer { c in
          for j in columns {
            for k in Int(indptr[j])..<Int(indptr[j + 1]) {
              let g = group?[Int(indices[k])] ?? 0
              if g < 0 { continue }
              add(p[k], at: g * cols + j, c, s, q)
            }
          }
        }
      }
    }
  }
}

extension Optional where Wrapped == [Double] {
  /// Calls `body` with a pointer to the array's storage, or nil.
  @inline(__always)
  func withOptionalPointer<R>(_ body: (UnsafePointer<Double>?) -> R) -> R {
    switch self {
    case .some(let a): return a.withUnsafeBufferPointer { body($0.baseAddress) }
    case .none: return body(nil)
    }
  }
}
