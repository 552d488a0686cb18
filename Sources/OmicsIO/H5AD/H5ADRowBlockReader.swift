import OmicsCore
import OrderedCollections

/// Streams the rows of an h5ad file's CSR `X` in blocks, after reading only `obs` and `var`.
///
/// Memory is the annotation tables, `indptr` (8 bytes per cell) and one block of rows; X is never
/// held whole. Use `open` to get nil when the file's X is not a CSR group (dense, CSC or missing);
/// callers then read the whole file with `H5ADReader`.
public final class H5ADRowBlockReader {
  public let path: String
  public let obs: DataFrame
  public let `var`: DataFrame
  public let rows: Int
  public let cols: Int
  /// Row pointers of X (rows + 1 entries, checked monotonic, ending at the stored count).
  public let indptr: [Int64]
  private let file: HDF5File
  private let data: HDF5Dataset
  private let indices: HDF5Dataset

  /// Reads obs/var and X's indptr; nil when X is not a CSR group.
  public static func open(_ path: String) throws -> H5ADRowBlockReader? {
    let file = try HDF5File.open(path)
    let root = try file.root()
    guard root.kind(of: "X") == .group else { return nil }
    let x = try root.group("X")
    let spec = try x.encodingSpec()
    let legacy = try x.stringAttribute("h5sparse_format")
    guard spec.type == "csr_matrix" || (spec.type.isEmpty && legacy == "csr") else { return nil }
    var uns: OrderedDictionary<String, Element> = [:]
    let plain = H5ADElementReader(progress: nil)
    guard let obsKey = H5ADReader.firstPresent(root, ["obs", "_obs"]) else {
      throw OmicsError(file: path, location: "/obs", "missing: not an h5ad file?")
    }
    guard let varKey = H5ADReader.firstPresent(root, ["var", "_var"]) else {
      throw OmicsError(file: path, location: "/var", "missing: not an h5ad file?")
    }
    let obs = try H5ADReader.readDataFrame(try root.child(obsKey), reader: plain, uns: &uns)
    let variables = try H5ADReader.readDataFrame(try root.child(varKey), reader: plain, uns: &uns)
    let sparse = H5ADSparseReader(progress: nil)
    let (rows, cols) = try sparse.readShape(x)
    let data = try x.dataset("data")
    let indices = try x.dataset("indices")
    let indptrNode = try x.dataset("indptr")
    guard indptrNode.shape?.count == 1, indptrNode.count == rows + 1 else {
      throw indptrNode.error("indptr has \(indptrNode.count) entries, expected \(rows + 1) for a \(rows) × \(cols) csr matrix")
    }
    guard indices.count == data.count else {
      throw x.error("data has \(data.count) values but indices has \(indices.count)")
    }
    guard cols <= Int(Int32.max) else { throw x.error("\(cols) columns exceed 2^31-1") }
    try data.checkFiltersAvailable()
    try indices.checkFiltersAvailable()
    let indptr = try sparse.int64Array(try indptrNode.readNumbers(), at: indptrNode)
    try sparse.checkIndptr(indptr, nnz: indices.count, at: indptrNode)
    guard obs.rowCount == rows || (obs.rowCount == 0 && obs.columns.isEmpty) else {
      throw OmicsError(file: path, location: "/obs", "has \(obs.rowCount) rows but X has \(rows)")
    }
    guard variables.rowCount == cols || (variables.rowCount == 0 && variables.columns.isEmpty) else {
      throw OmicsError(file: path, location: "/var", "has \(variables.rowCount) rows but X has \(cols) columns")
    }
    return H5ADRowBlockReader(
      path: path, file: file, obs: obs, variables: variables, rows: rows, cols: cols, indptr: indptr, data: data,
      indices: indices)
  }

  private init(
    path: String, file: HDF5File, obs: DataFrame, variables: DataFrame, rows: Int, cols: Int, indptr: [Int64],
    data: HDF5Dataset, indices: HDF5Dataset
  ) {
    self.path = path
    self.file = file
    self.obs = obs
    self.var = variables
    self.rows = rows
    self.cols = cols
    self.indptr = indptr
    self.data = data
    self.indices = indices
  }

  /// The stored values and column indices of rows `range` (indices checked against the column count).
  public func block(_ range: Range<Int>) throws -> (indices: [Int32], values: NumericArray) {
    guard range.lowerBound >= 0, range.upperBound <= rows else {
      throw OmicsError(file: path, location: "/X", "row range \(range) is outside 0..<\(rows)")
    }
    let lo = Int(indptr[range.lowerBound]), hi = Int(indptr[range.upperBound])
    guard hi > lo else { return ([], .empty(data.typeInfo.scalarTypeOrFloat32)) }
    guard case .numbers(let values, _) = try data.read(range: lo..<hi) else { throw data.error("expected numbers") }
    guard case .numbers(let idx, _) = try indices.read(range: lo..<hi) else { throw indices.error("expected integers") }
    let converted = try H5ADSparseReader(progress: nil).int32Indices(idx, minor: cols, at: indices)
    return (converted, values)
  }
}

extension HDF5TypeInfo {
  var scalarTypeOrFloat32: ScalarType {
    if case .number(let s) = self { return s }
    return .float32
  }
}
