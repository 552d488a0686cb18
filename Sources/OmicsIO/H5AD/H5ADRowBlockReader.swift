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

/// Reads row blocks of an h5ad CSR `X` into caller-provided buffers (reused from block to block:
/// no allocation and no fresh pages per block). Values keep their stored numeric type
/// (`valueScalar`); column indices arrive as Int32, checked against the column count.
///
/// When `data` and `indices` are uncompressed (contiguous, or chunked without filters) and stored
/// as native numbers (int32 indices), reads are plain `pread`s and `isConcurrent` is true: several threads may read
/// blocks at once. Otherwise reads go through libhdf5 and callers must serialise them.
public final class H5ADBufferedBlockReader: @unchecked Sendable {
  public let path: String
  public let cols: Int
  /// Stored type of X's values: what `read` writes into `values`.
  public let valueScalar: ScalarType
  public let isConcurrent: Bool
  private let data: HDF5Dataset
  private let indices: HDF5Dataset
  private let indptr: [Int64]
  private let directData: HDF5DirectRangeReader?
  private let directIndices: HDF5DirectRangeReader?
  private let indexScalar: ScalarType
  private var wide: [Int64] = []

  /// nil when X's values are not plain numbers (bool) or its indices not integers.
  init?(path: String, cols: Int, indptr: [Int64], data: HDF5Dataset, indices: HDF5Dataset) throws {
    guard let v = data.numericScalar, let i = indices.numericScalar, i.isInteger else { return nil }
    self.path = path
    self.cols = cols
    self.indptr = indptr
    self.data = data
    self.indices = indices
    valueScalar = v
    indexScalar = i
    directData = try HDF5DirectRangeReader.make(data)
    let di = i == .int32 ? try HDF5DirectRangeReader.make(indices) : nil
    directIndices = di
    isConcurrent = directData != nil && di != nil
  }

  /// Stored entries of rows `range`: column indices into `indices` and values (`valueScalar`)
  /// into `values`, each with room for `indptr[range.upperBound] − indptr[range.lowerBound]` elements.
  public func read(_ range: Range<Int>, indices idx: UnsafeMutablePointer<Int32>, values: UnsafeMutableRawPointer) throws {
    guard range.lowerBound >= 0, range.upperBound < indptr.count else {
      throw OmicsError(file: path, location: "/X", "row range \(range) is outside 0..<\(indptr.count - 1)")
    }
    let lo = Int(indptr[range.lowerBound]), hi = Int(indptr[range.upperBound])
    guard hi > lo else { return }
    let n = hi - lo
    if let directData {
      try directData.read(lo..<hi, into: values)
    } else {
      try data.readNumbers(range: lo..<hi, as: valueScalar, into: values)
    }
    if let directIndices {
      try directIndices.read(lo..<hi, into: UnsafeMutableRawPointer(idx))
    } else if indexScalar == .int32 {
      try indices.readNumbers(range: lo..<hi, as: .int32, into: UnsafeMutableRawPointer(idx))
    } else {
      if wide.count < n { wide = [Int64](repeating: 0, count: n) }
      try wide.withUnsafeMutableBufferPointer { w in
        guard let base = w.baseAddress else { return }
        try indices.readNumbers(range: lo..<hi, as: .int64, into: UnsafeMutableRawPointer(base))
        let limit = Int64(cols)
        for k in 0..<n {
          let v = base[k]
          if v < 0 || v >= limit { throw indices.error("index \(v) at position \(k) is out of range 0..<\(cols)") }
          idx[k] = Int32(truncatingIfNeeded: v)
        }
      }
      return
    }
    // range check as an unsigned maximum (negative indices become huge), 8 lanes at a time; the
    // failing position is looked up only when something is wrong
    let limit = UInt32(cols)
    let raw = UnsafeRawPointer(idx)
    var lanesMax = SIMD8<UInt32>(repeating: 0)
    var k = 0
    while k + 8 <= n {
      lanesMax = pointwiseMax(lanesMax, raw.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<UInt32>.self))
      k += 8
    }
    var largest = lanesMax.max()
    while k < n {
      largest = max(largest, UInt32(bitPattern: idx[k]))
      k += 1
    }
    if largest >= limit, let bad = (0..<n).first(where: { idx[$0] < 0 || Int(idx[$0]) >= cols }) {
      throw indices.error("index \(idx[bad]) at position \(bad) is out of range 0..<\(cols)")
    }
  }
}

extension H5ADRowBlockReader {
  /// A reader of row blocks into caller buffers; nil when X's values are not numbers (bool).
  public func bufferedBlockReader() throws -> H5ADBufferedBlockReader? {
    try H5ADBufferedBlockReader(path: path, cols: cols, indptr: indptr, data: data, indices: indices)
  }
}
