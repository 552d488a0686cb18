internal import COpenBLAS

/// A dense row-major matrix of doubles: the small linear algebra of XGSEA (set embeddings,
/// projections, Gram matrices). Products go through OpenBLAS `dgemm`.
public struct DenseRowMatrix: Sendable, Equatable {
  /// Number of rows.
  public var rows: Int
  /// Number of columns.
  public var cols: Int
  /// Entries, row after row: element (i, j) is `values[i * cols + j]`.
  public var values: [Double]

  /// A matrix filled with `value`.
  public init(rows: Int, cols: Int, repeating value: Double = 0) {
    self.rows = rows
    self.cols = cols
    values = [Double](repeating: value, count: rows * cols)
  }

  /// A matrix with the given row-major entries (`values.count == rows * cols`).
  public init(rows: Int, cols: Int, values: [Double]) {
    precondition(values.count == rows * cols, "a \(rows) × \(cols) matrix needs \(rows * cols) values, got \(values.count)")
    self.rows = rows
    self.cols = cols
    self.values = values
  }

  /// The identity's first `cols` columns (an n × p matrix with orthonormal columns).
  static func identityColumns(rows: Int, cols: Int) -> DenseRowMatrix {
    var m = DenseRowMatrix(rows: rows, cols: cols)
    for k in 0..<Swift.min(rows, cols) { m[k, k] = 1 }
    return m
  }

  public subscript(_ i: Int, _ j: Int) -> Double {
    get { values[i * cols + j] }
    set { values[i * cols + j] = newValue }
  }

  /// Row `i` as an array.
  public func row(_ i: Int) -> [Double] { Array(values[(i * cols)..<((i + 1) * cols)]) }

  /// The transpose.
  public func transposed() -> DenseRowMatrix {
    var t = DenseRowMatrix(rows: cols, cols: rows)
    for i in 0..<rows { for j in 0..<cols { t.values[j * rows + i] = values[i * cols + j] } }
    return t
  }

  /// √(Σ entries²).
  public var frobeniusNorm: Double { values.reduce(0) { $0 + $1 * $1 }.squareRoot() }

  /// op(a) · op(b), with op the transpose where asked.
  static func product(_ a: DenseRowMatrix, transposeA: Bool = false, _ b: DenseRowMatrix, transposeB: Bool = false)
    -> DenseRowMatrix
  {
    let m = transposeA ? a.cols : a.rows
    let k = transposeA ? a.rows : a.cols
    let kb = transposeB ? b.cols : b.rows
    let n = transposeB ? b.rows : b.cols
    precondition(k == kb, "inner dimensions differ: \(k) and \(kb)")
    var c = DenseRowMatrix(rows: m, cols: n)
    guard m > 0, n > 0 else { return c }
    if k == 0 { return c }
    a.values.withUnsafeBufferPointer { pa in
      b.values.withUnsafeBufferPointer { pb in
        c.values.withUnsafeMutableBufferPointer { pc in
          cblas_dgemm(
            CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k), 1.0, pa.baseAddress, Int32(a.cols), pb.baseAddress, Int32(b.cols), 0.0,
            pc.baseAddress, Int32(n))
        }
      }
    }
    return c
  }

  /// Rows `range` as a new matrix.
  func rows(_ range: Range<Int>) -> DenseRowMatrix {
    DenseRowMatrix(rows: range.count, cols: cols, values: Array(values[(range.lowerBound * cols)..<(range.upperBound * cols)]))
  }

  /// The rows of `top` above those of `bottom` (same column count).
  static func stacked(_ top: DenseRowMatrix, _ bottom: DenseRowMatrix) -> DenseRowMatrix {
    precondition(top.cols == bottom.cols)
    return DenseRowMatrix(rows: top.rows + bottom.rows, cols: top.cols, values: top.values + bottom.values)
  }

  /// `self + scale · other` (same shape).
  func adding(_ other: DenseRowMatrix, scaledBy scale: Double) -> DenseRowMatrix {
    precondition(rows == other.rows && cols == other.cols)
    var out = self
    for i in 0..<values.count { out.values[i] += scale * other.values[i] }
    return out
  }

  /// Every entry multiplied by `scale`.
  func scaled(by scale: Double) -> DenseRowMatrix {
    DenseRowMatrix(rows: rows, cols: cols, values: values.map { $0 * scale })
  }

  /// Σ self_ij · other_ij.
  func dot(_ other: DenseRowMatrix) -> Double {
    precondition(values.count == other.values.count)
    var s = 0.0
    for i in 0..<values.count { s += values[i] * other.values[i] }
    return s
  }
}
