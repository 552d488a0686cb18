import OmicsCore

/// Per-row and per-column totals and numbers of positive entries, in one pass over the stored
/// values (scanpy's `axis_sum(X)` and `axis_sum(X > 0)`).
public struct AxisCounts: Sendable, Equatable {
  /// Sum of each row (cell).
  public var rowSums: [Double]
  /// Number of values > 0 in each row.
  public var rowPositive: [Int]
  /// Sum of each column (gene).
  public var colSums: [Double]
  /// Number of values > 0 in each column.
  public var colPositive: [Int]

  public init(_ matrix: Matrix) {
    let rows = matrix.rows, cols = matrix.cols
    var rs = [Double](repeating: 0, count: rows), rp = [Int](repeating: 0, count: rows)
    var cs = [Double](repeating: 0, count: cols), cp = [Int](repeating: 0, count: cols)
    func accumulate(_ r: Int, _ c: Int, _ v: Double) {
      rs[r] += v
      cs[c] += v
      if v > 0 {
        rp[r] += 1
        cp[c] += 1
      }
    }
    switch matrix {
    case .dense(let d):
      withReadableValues(d.values) { b in
        switch b {
        case .float32(let p): Self.dense(p, rows, cols, accumulate)
        case .float64(let p): Self.dense(p, rows, cols, accumulate)
        case .int32(let p): Self.dense(p, rows, cols, accumulate)
        case .int64(let p): Self.dense(p, rows, cols, accumulate)
        }
      }
    case .sparse(let s):
      withReadableValues(s.data) { b in
        switch b {
        case .float32(let p): Self.sparse(s, p, accumulate)
        case .float64(let p): Self.sparse(s, p, accumulate)
        case .int32(let p): Self.sparse(s, p, accumulate)
        case .int64(let p): Self.sparse(s, p, accumulate)
        }
      }
    }
    rowSums = rs
    rowPositive = rp
    colSums = cs
    colPositive = cp
  }

  private static func dense<T: DoubleReadable>(
    _ p: UnsafeBufferPointer<T>, _ rows: Int, _ cols: Int, _ f: (Int, Int, Double) -> Void
  ) {
    for r in 0..<rows { for c in 0..<cols { f(r, c, p[r * cols + c].asDouble) } }
  }

  private static func sparse<T: DoubleReadable>(
    _ s: SparseMatrix, _ p: UnsafeBufferPointer<T>, _ f: (Int, Int, Double) -> Void
  ) {
    for major in 0..<s.majorCount {
      for k in Int(s.indptr[major])..<Int(s.indptr[major + 1]) {
        let minor = Int(s.indices[k])
        if s.layout == .csr { f(major, minor, p[k].asDouble) } else { f(minor, major, p[k].asDouble) }
      }
    }
  }
}
