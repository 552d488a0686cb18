import OmicsCore
import OmicsIO

/// Cells × genes rows in blocks: streamed from an h5ad CSR X, or from a matrix read whole
/// (loom, dense or CSC h5ad, any other format the readers take).
final class CellRowSource {
  let path: String
  let obs: DataFrame
  let variables: DataFrame
  let rows: Int
  let cols: Int
  let indptr: [Int64]
  private let stream: H5ADRowBlockReader?
  private let matrix: SparseMatrix?

  init(path: String, showProgress: Bool) throws {
    self.path = path
    let lower = path.lowercased()
    if lower.hasSuffix(".h5ad"), let s = try H5ADRowBlockReader.open(path) {
      stream = s
      matrix = nil
      obs = s.obs
      variables = s.var
      rows = s.rows
      cols = s.cols
      indptr = s.indptr
      return
    }
    let m = try MatrixFileReader.read(path, options: .init(showProgress: showProgress))
    guard let x = m.X else { throw OmicsError(file: path, location: "/X", "the file has no expression matrix") }
    let csr: SparseMatrix
    switch x {
    case .sparse(let s): csr = s.layout == .csr ? s : s.converted(to: .csr)
    case .dense(let d):
      guard d.shape.count == 2 else { throw OmicsError(file: path, location: "/X", "expected a 2-D matrix") }
      csr = CellRowSource.denseToCSR(d)
    }
    stream = nil
    matrix = csr
    obs = m.obs
    variables = m.var
    rows = csr.rows
    cols = csr.cols
    indptr = csr.indptr
  }

  static func denseToCSR(_ d: DenseArray) -> SparseMatrix {
    let r = d.shape[0], c = d.shape[1]
    let v = d.values.doubles()
    var indptr: [Int64] = [0]
    var indices: [Int32] = []
    var data: [Double] = []
    for i in 0..<r {
      for j in 0..<c where v[i * c + j] != 0 {
        indices.append(Int32(j))
        data.append(v[i * c + j])
      }
      indptr.append(Int64(indices.count))
    }
    return SparseMatrix(layout: .csr, rows: r, cols: c, indptr: indptr, indices: indices, data: .float64(data))
  }

  /// Stored column indices and values of rows `range` (position k of row r is at indptr[r] − indptr[range.lowerBound] + k).
  func block(_ range: Range<Int>) throws -> (indices: [Int32], values: NumericArray) {
    if let stream { return try stream.block(range) }
    guard let matrix else { return ([], .float64([])) }
    let lo = Int(indptr[range.lowerBound]), hi = Int(indptr[range.upperBound])
    let positions = Array(lo..<hi)
    return (Array(matrix.indices[lo..<hi]), matrix.data.gathered(positions))
  }
}
