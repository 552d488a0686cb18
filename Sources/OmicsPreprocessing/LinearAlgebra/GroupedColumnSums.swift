import Dispatch
import Foundation
import OmicsCore

/// Per-column sums, sums of squares and counts of positive values of a matrix within groups of
/// rows (batches), in one pass over the stored values on all cores; optionally each value is first
/// transformed (expm1 of log data) or clipped at a per-group, per-column ceiling (Seurat's
/// variance clipping).
///
/// Dense and CSR inputs are split by rows, each worker adding into its own accumulators, which are
/// then reduced; CSC input is split by columns. Sparse zeros add nothing (the transforms map 0 to
/// 0, and ceilings are positive).
struct GroupedColumnSums {
  /// A function applied to every stored value before it is summed.
  enum Transform: Equatable {
    case identity
    /// expm1(v · factor): log data back to linear scale (factor = ln(base)).
    case expm1(factor: Double)
  }

  let groups: Int
  let cols: Int
  /// groups × cols, row-major.
  var sums: [Double]
  var squares: [Double]
  /// groups × cols: how many stored values are > 0 (before any transform).
  var positives: [Double]

  /// - Parameters:
  ///   - group: the group of every row (`nil`: all rows form group 0; a negative entry skips the row).
  ///   - clip: groups × cols ceilings; values above are replaced by the ceiling before summing.
  init(_ matrix: Matrix, group: [Int]?, groups: Int, clip: [Double]? = nil, transform: Transform = .identity) {
    self.groups = groups
    let cols = matrix.cols
    self.cols = cols
    let width = groups * cols
    let rows = matrix.rows
    let kernel = Kernel(clip: clip, transform: transform)
    switch matrix {
    case .dense(let d):
      (sums, squares, positives) = GroupedColumnSums.byRows(rows: rows, width: width) { range, acc in
        withReadableValues(d.values) { buffer in
          switch buffer {
          case .float32(let p): kernel.denseRows(p, range, cols, group, acc)
          case .float64(let p): kernel.denseRows(p, range, cols, group, acc)
          case .int32(let p): kernel.denseRows(p, range, cols, group, acc)
          case .int64(let p): kernel.denseRows(p, range, cols, group, acc)
          }
        }
      }
    case .sparse(let m) where m.layout == .csr:
      (sums, squares, positives) = GroupedColumnSums.byRows(rows: rows, width: width) { range, acc in
        withReadableValues(m.data) { buffer in
          switch buffer {
          case .float32(let p): kernel.csrRows(p, m, range, group, acc)
          case .float64(let p): kernel.csrRows(p, m, range, group, acc)
          case .int32(let p): kernel.csrRows(p, m, range, group, acc)
          case .int64(let p): kernel.csrRows(p, m, range, group, acc)
          }
        }
      }
    case .sparse(let m):
      var s = [Double](repeating: 0, count: width), q = s, c = s
      s.withUnsafeMutableBufferPointer { sp in
        q.withUnsafeMutableBufferPointer { qp in
          c.withUnsafeMutableBufferPointer { cp in
            let acc = Accumulators(sums: sp.baseAddress!, squares: qp.baseAddress!, positives: cp.baseAddress!)
            Parallel.forEachChunk(m.cols, minimumPerChunk: 64) { columns in
              withReadableValues(m.data) { buffer in
                switch buffer {
                case .float32(let p): kernel.cscColumns(p, m, columns, group, acc)
                case .float64(let p): kernel.cscColumns(p, m, columns, group, acc)
                case .int32(let p): kernel.cscColumns(p, m, columns, group, acc)
                case .int64(let p): kernel.cscColumns(p, m, columns, group, acc)
                }
              }
            }
          }
        }
      }
      (sums, squares, positives) = (s, q, c)
    }
  }

  /// Pointers to one worker's accumulators.
  struct Accumulators: @unchecked Sendable {
    let sums: UnsafeMutablePointer<Double>
    let squares: UnsafeMutablePointer<Double>
    let positives: UnsafeMutablePointer<Double>
  }

  /// Runs `body` on one row range per worker with private accumulators and returns their sum.
  private static func byRows(
    rows: Int, width: Int, _ body: (Range<Int>, Accumulators) -> Void
  ) -> ([Double], [Double], [Double]) {
    let parts = rows >= 2048 ? Parallel.workers : 1
    let per = (rows + parts - 1) / max(parts, 1)
    var s = [Double](repeating: 0, count: width * parts), q = s, c = s
    s.withUnsafeMutableBufferPointer { sp in
      q.withUnsafeMutableBufferPointer { qp in
        c.withUnsafeMutableBufferPointer { cp in
          let (sb, qb, cb) = (sp.baseAddress!, qp.baseAddress!, cp.baseAddress!)
          DispatchQueue.concurrentPerform(iterations: parts) { w in
            let range = min(rows, w * per)..<min(rows, (w + 1) * per)
            body(range, Accumulators(sums: sb + w * width, squares: qb + w * width, positives: cb + w * width))
          }
        }
      }
    }
    guard parts > 1 else { return (s, q, c) }
    var sums = Array(s[0..<width]), squares = Array(q[0..<width]), positives = Array(c[0..<width])
    for w in 1..<parts {
      for i in 0..<width {
        sums[i] += s[w * width + i]
        squares[i] += q[w * width + i]
        positives[i] += c[w * width + i]
      }
    }
    return (sums, squares, positives)
  }

  /// The per-value work: transform or clip, then add.
  private struct Kernel {
    let clip: [Double]?
    let transform: Transform

    @inline(__always)
    func add<T: DoubleReadable>(_ v: T, at slot: Int, _ clipBase: UnsafePointer<Double>?, _ acc: Accumulators) {
      let x = v.asDouble
      if x > 0 { acc.positives[slot] += 1 }
      if let clipBase {
        let e = min(x, clipBase[slot])
        acc.sums[slot] += e
        acc.squares[slot] += e * e
      } else if case .expm1(let factor) = transform {
        let e = (x * factor).expm1Value
        acc.sums[slot] += e
        acc.squares[slot] += e * e
      } else {
        acc.sums[slot] += x
        acc.squares[slot] += v.squaredAsDouble
      }
    }

    func denseRows<T: DoubleReadable>(_ p: UnsafeBufferPointer<T>, _ range: Range<Int>, _ cols: Int, _ group: [Int]?, _ acc: Accumulators) {
      clip.withOptionalPointer { c in
        for r in range {
          let g = group?[r] ?? 0
          if g < 0 { continue }
          let offset = g * cols
          let row = p.baseAddress! + r * cols
          for j in 0..<cols { add(row[j], at: offset + j, c, acc) }
        }
      }
    }

    func csrRows<T: DoubleReadable>(_ p: UnsafeBufferPointer<T>, _ m: SparseMatrix, _ range: Range<Int>, _ group: [Int]?, _ acc: Accumulators) {
      let cols = m.cols
      m.indptr.withUnsafeBufferPointer { indptr in
        m.indices.withUnsafeBufferPointer { indices in
          clip.withOptionalPointer { c in
            for r in range {
              let g = group?[r] ?? 0
              if g < 0 { continue }
              let offset = g * cols
              for k in Int(indptr[r])..<Int(indptr[r + 1]) { add(p[k], at: offset + Int(indices[k]), c, acc) }
            }
          }
        }
      }
    }

    func cscColumns<T: DoubleReadable>(_ p: UnsafeBufferPointer<T>, _ m: SparseMatrix, _ columns: Range<Int>, _ group: [Int]?, _ acc: Accumulators) {
      let cols = m.cols
      m.indptr.withUnsafeBufferPointer { indptr in
        m.indices.withUnsafeBufferPointer { indices in
          clip.withOptionalPointer { c in
            for j in columns {
              for k in Int(indptr[j])..<Int(indptr[j + 1]) {
                let g = group?[Int(indices[k])] ?? 0
                if g < 0 { continue }
                add(p[k], at: g * cols + j, c, acc)
              }
            }
          }
        }
      }
    }
  }
}

extension Double {
  /// expm1, spelled as a property so the kernel reads left to right.
  @inline(__always) fileprivate var expm1Value: Double { Foundation.expm1(self) }
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
