/// Compressed sparse rows (CSR) or columns (CSC).
public enum SparseLayout: String, Sendable, Equatable {
  /// Rows are compressed: `indptr` has `rows + 1` entries, `indices` are column numbers.
  case csr
  /// Columns are compressed: `indptr` has `cols + 1` entries, `indices` are row numbers.
  case csc
}

/// A sparse matrix in the layout it was stored in (scipy's CSR/CSC arrays).
///
/// Orientation follows AnnData: rows are observations (cells), columns are variables (genes).
/// Indices within a row (CSR) or column (CSC) need not be sorted; `validate()` checks the structure.
public struct SparseMatrix: Sendable, Equatable {
  public var layout: SparseLayout
  public var rows: Int
  public var cols: Int
  /// Offsets into `indices`/`data`, one per major-axis line plus one.
  public var indptr: [Int64]
  /// Minor-axis index of each stored value.
  public var indices: [Int32]
  /// The stored values, in their on-disk type.
  public var data: NumericArray

  public init(layout: SparseLayout, rows: Int, cols: Int, indptr: [Int64], indices: [Int32], data: NumericArray) {
    self.layout = layout
    self.rows = rows
    self.cols = cols
    self.indptr = indptr
    self.indices = indices
    self.data = data
  }

  public var nnz: Int { indices.count }
  public var majorCount: Int { layout == .csr ? rows : cols }
  public var minorCount: Int { layout == .csr ? cols : rows }

  /// Checks that the arrays describe a valid matrix; the message says what is wrong.
  public func validate() -> String? {
    if indptr.count != majorCount + 1 {
      return "indptr has \(indptr.count) entries, expected \(majorCount + 1) for \(rows) × \(cols) \(layout.rawValue)"
    }
    if data.count != indices.count {
      return "data has \(data.count) values but indices has \(indices.count)"
    }
    if let first = indptr.first, first != 0 { return "indptr[0] is \(first), expected 0" }
    var previous: Int64 = 0
    for (i, p) in indptr.enumerated() {
      if p < previous { return "indptr is not monotonic at position \(i) (\(p) after \(previous))" }
      previous = p
    }
    if let last = indptr.last, last != Int64(indices.count) {
      return "indptr ends at \(last) but there are \(indices.count) stored values"
    }
    let limit = Int32(clamping: minorCount)
    for (i, index) in indices.enumerated() where index < 0 || index >= limit {
      return "index \(index) at position \(i) is out of range 0..<\(minorCount)"
    }
    return nil
  }

  /// The same matrix in the other layout (CSR ↔ CSC), indices sorted.
  public func converted(to target: SparseLayout) -> SparseMatrix {
    if target == layout { return self }
    let major = majorCount, minor = minorCount
    var counts = [Int64](repeating: 0, count: minor + 1)
    for index in indices { counts[Int(index) + 1] += 1 }
    for i in 0..<minor { counts[i + 1] += counts[i] }
    var next = counts
    var newIndices = [Int32](repeating: 0, count: nnz)
    var positions = [Int](repeating: 0, count: nnz)
    for m in 0..<major {
      for k in Int(indptr[m])..<Int(indptr[m + 1]) {
        let slot = Int(next[Int(indices[k])])
        next[Int(indices[k])] += 1
        newIndices[slot] = Int32(m)
        positions[slot] = k
      }
    }
    return SparseMatrix(
      layout: target, rows: rows, cols: cols, indptr: counts, indices: newIndices, data: data.gathered(positions))
  }

  /// Dense row-major values as Double (for tests and small matrices).
  public func denseDoubles() -> [Double] {
    var out = [Double](repeating: 0, count: rows * cols)
    for m in 0..<majorCount {
      for k in Int(indptr[m])..<Int(indptr[m + 1]) {
        let minorIndex = Int(indices[k])
        let (r, c) = layout == .csr ? (m, minorIndex) : (minorIndex, m)
        out[r * cols + c] += data.double(at: k)
      }
    }
    return out
  }

  /// Bytes held by the three arrays.
  public var byteCount: Int { indptr.count * 8 + indices.count * 4 + data.byteCount }
}
