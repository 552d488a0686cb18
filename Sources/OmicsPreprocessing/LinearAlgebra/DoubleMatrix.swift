import OmicsCore

/// A row-major matrix of Doubles in memory the class owns (no copy-on-write, no bounds checks in
/// the hot loops), for algorithms that run on BLAS.
public final class DoubleMatrix: @unchecked Sendable {
  public let rows: Int
  public let cols: Int
  let base: UnsafeMutablePointer<Double>

  public init(rows: Int, cols: Int) {
    self.rows = rows
    self.cols = cols
    base = UnsafeMutablePointer<Double>.allocate(capacity: max(1, rows * cols))
    base.initialize(repeating: 0, count: max(1, rows * cols))
  }

  deinit { base.deallocate() }

  public subscript(r: Int, c: Int) -> Double {
    get { base[r * cols + c] }
    set { base[r * cols + c] = newValue }
  }

  /// The values, row-major.
  public var values: [Double] { Array(UnsafeBufferPointer(start: base, count: rows * cols)) }

  /// The columns of `matrix` as rows (genes × samples for an obs × var matrix): each gene's values contiguous.
  public static func transposing(_ matrix: Matrix) -> DoubleMatrix {
    let source = ColumnBlockSource(matrix)
    let out = DoubleMatrix(rows: matrix.cols, cols: matrix.rows)
    let width = 32
    let blocks = (matrix.cols + width - 1) / width
    Parallel.forEachChunk(blocks) { range in
      for b in range {
        let c0 = b * width, c1 = min(matrix.cols, c0 + width)
        source.fill(c0..<c1, into: out.base + c0 * matrix.rows)
      }
    }
    return out
  }

  /// The rows of `matrix` (cells × genes), dense.
  public static func rows(of matrix: Matrix) -> DoubleMatrix {
    let transposed: Matrix
    switch matrix {
    case .sparse(let s):
      // a CSR matrix read as CSC (and vice versa) is its transpose
      transposed = .sparse(
        SparseMatrix(layout: s.layout == .csr ? .csc : .csr, rows: s.cols, cols: s.rows, indptr: s.indptr, indices: s.indices, data: s.data))
    case .dense(let d):
      let out = DoubleMatrix(rows: matrix.rows, cols: matrix.cols)
      let n = matrix.rows * matrix.cols
      withReadableValues(d.values) { b in
        func copy<T: DoubleReadable>(_ p: UnsafeBufferPointer<T>) {
          Parallel.forEachChunk(n, minimumPerChunk: 1 << 16) { range in for i in range { out.base[i] = p[i].asDouble } }
        }
        switch b {
        case .float32(let p): copy(p)
        case .float64(let p): copy(p)
        case .int32(let p): copy(p)
        case .int64(let p): copy(p)
        }
      }
      return out
    }
    return transposing(transposed)
  }

  /// Index of the first row holding a NaN or infinity, with its column.
  func firstNonFinite() -> (row: Int, col: Int)? {
    for r in 0..<rows {
      if let c = MADFilter.firstNonFinite(base + r * cols, cols) { return (r, c) }
    }
    return nil
  }
}
