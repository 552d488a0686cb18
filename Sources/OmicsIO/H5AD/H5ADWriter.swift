import OmicsCore
import OrderedCollections

/// Writes an `ExpressionMatrix` as `.h5ad` in the current anndata spec (0.8+ encodings), so that
/// `anndata.read_h5ad` opens it unchanged. The file is written under a temporary name and renamed
/// into place only when complete.
///
///     try H5ADWriter.write(matrix, to: "out.h5ad", compression: .gzip(level: 4))
public enum H5ADWriter {
  public static func write(
    _ matrix: ExpressionMatrix, to path: String, compression: HDF5Compression = .none
  ) throws {
    if let problem = matrix.validateShapes() {
      throw OmicsError(file: path, "cannot write an inconsistent object: \(problem)")
    }
    try AtomicFileWriter.write(to: path) { temporary in
      let file = try HDF5File.create(temporary)
      let root = try file.root()
      let writer = H5ADElementWriter(compression: compression, displayPath: path)
      try root.stamp(.anndata)
      if let X = matrix.X { try writer.write(Element(X), named: "X", in: root) }
      try writeAnnotations(matrix, writer, root)
      try file.flush()
    }
  }

  /// Everything but X: obs, var, layers, the mappings, uns and raw.
  static func writeAnnotations(_ matrix: ExpressionMatrix, _ writer: H5ADElementWriter, _ root: HDF5Group) throws {
    try writer.write(.dataFrame(matrix.obs), named: "obs", in: root)
    try writer.write(.dataFrame(matrix.var), named: "var", in: root)
    try writer.write(.dict(matrix.layers.mapValues { Element($0) }), named: "layers", in: root)
    try writer.write(.dict(matrix.obsm), named: "obsm", in: root)
    try writer.write(.dict(matrix.varm), named: "varm", in: root)
    try writer.write(.dict(matrix.obsp), named: "obsp", in: root)
    try writer.write(.dict(matrix.varp), named: "varp", in: root)
    try writer.write(.dict(matrix.uns), named: "uns", in: root)
    if let raw = matrix.raw {
      let g = try root.createGroup("raw")
      try g.stamp(.raw)
      if let X = raw.X { try writer.write(Element(X), named: "X", in: g) }
      try writer.write(.dataFrame(raw.var), named: "var", in: g)
      try writer.write(.dict(raw.varm), named: "varm", in: g)
    }
  }
}

/// A dense X written block by block instead of from memory: `fill` is called once with a function
/// that writes columns (all rows, row-major Doubles) at a position of the output.
public struct DenseMatrixStream {
  public var rows: Int
  public var cols: Int
  /// Stored type of the output dataset.
  public var scalar: ScalarType
  /// Column width of the blocks the caller writes (the dataset is chunked to match).
  public var blockColumns: Int
  public var fill: (_ writeColumns: (Range<Int>, UnsafePointer<Double>) throws -> Void) throws -> Void

  public init(
    rows: Int, cols: Int, scalar: ScalarType, blockColumns: Int,
    fill: @escaping (_ writeColumns: (Range<Int>, UnsafePointer<Double>) throws -> Void) throws -> Void
  ) {
    self.rows = rows
    self.cols = cols
    self.scalar = scalar
    self.blockColumns = blockColumns
    self.fill = fill
  }
}

extension H5ADWriter {
  /// Writes `matrix` (whose X must be nil) with X streamed from `x`: the same file `write` makes
  /// for a dense X, under a temporary name renamed into place only when complete.
  public static func write(_ matrix: ExpressionMatrix, streamingX x: DenseMatrixStream, to path: String) throws {
    guard matrix.X == nil else { throw OmicsError(file: path, "internal: a streamed X replaces the matrix's X") }
    if let problem = matrix.validateShapes() {
      throw OmicsError(file: path, "cannot write an inconsistent object: \(problem)")
    }
    guard matrix.obs.rowCount == x.rows, matrix.var.rowCount == x.cols else {
      throw OmicsError(file: path, "streamed X is \(x.rows) × \(x.cols) but obs × var is \(matrix.obs.rowCount) × \(matrix.var.rowCount)")
    }
    try AtomicFileWriter.write(to: path) { temporary in
      let file = try HDF5File.create(temporary)
      let root = try file.root()
      let writer = H5ADElementWriter(compression: .none, displayPath: path)
      try root.stamp(.anndata)
      let dataset = try root.createMatrixDataset("X", rows: x.rows, cols: x.cols, scalar: x.scalar, chunkColumns: x.blockColumns)
      try dataset.stamp(.array)
      try x.fill { range, values in try dataset.writeColumns(range, from: values) }
      try writeAnnotations(matrix, writer, root)
      try file.flush()
    }
  }
}

/// Encodes one `Element` as the group or dataset anndata writes for it.
struct H5ADElementWriter {
  var compression: HDF5Compression
  var displayPath: String

  func write(_ element: Element, named name: String, in parent: HDF5Group) throws {
    guard !name.isEmpty, !name.contains("/") else {
      throw OmicsError(file: displayPath, location: parent.path, "key '\(name)' cannot be written (empty or contains '/')")
    }
    switch element {
    case .array(let a):
      let d = try parent.write(name, .numbers(a.values, shape: a.shape), compression: a.isScalar ? .none : compression)
      try d.stamp(a.isScalar ? .numericScalar : .array)
    case .stringArray(let s):
      let d = try parent.write(name, .strings(s.values, shape: s.shape), compression: compression)
      try d.stamp(.stringArray)
    case .string(let s):
      let d = try parent.write(name, .strings([s], shape: []))
      try d.stamp(.string)
    case .null:
      let d = try parent.write(name, .empty)
      try d.stamp(.null)
    case .sparse(let s):
      try writeSparse(s, named: name, in: parent)
    case .dataFrame(let frame):
      try writeDataFrame(frame, named: name, in: parent)
    case .categorical(let c):
      let g = try parent.createGroup(name)
      try g.stamp(.categorical)
      try g.setAttribute("ordered", .numbers(.bool([c.ordered]), shape: []))
      try g.write("codes", .numbers(Self.codes(c), shape: [c.count]), compression: compression)
      let categoriesName = "categories"
      switch c.categories {
      case .strings(let s): try write(.stringArray(StringArray(s)), named: categoriesName, in: g)
      case .numbers(let n): try write(.array(DenseArray(shape: [n.count], values: n)), named: categoriesName, in: g)
      }
    case .nullable(let n):
      let g = try parent.createGroup(name)
      switch n.values {
      case .strings(let s):
        try g.stamp(.nullableString)
        try write(.stringArray(StringArray(s)), named: "values", in: g)
        if let na = n.naValue { try g.setAttribute("na-value", string: na) }
      case .numbers(let v):
        try g.stamp(v.scalarType == .bool ? .nullableBoolean : .nullableInteger)
        try g.write("values", .numbers(v, shape: [v.count]), compression: compression)
      }
      try g.write("mask", .numbers(.bool(n.mask), shape: [n.count]), compression: compression)
    case .recordArray(let r):
      let d = try parent.write(name, .records(r, shape: [r.count]))
      try d.stamp(.recArray)
    case .dict(let d):
      let g = try parent.createGroup(name)
      try g.stamp(.dict)
      for (key, value) in d { try write(value, named: key, in: g) }
    }
  }

  /// Codes in the smallest signed type pandas would use (int8 up to 127 categories, …).
  static func codes(_ c: Categorical) -> NumericArray {
    let n = c.categories.count
    if n <= Int(Int8.max) { return .int8(c.codes.map { Int8(truncatingIfNeeded: $0) }) }
    if n <= Int(Int16.max) { return .int16(c.codes.map { Int16(truncatingIfNeeded: $0) }) }
    return .int32(c.codes)
  }

  func writeSparse(_ s: SparseMatrix, named name: String, in parent: HDF5Group) throws {
    let g = try parent.createGroup(name)
    try g.stamp(s.layout == .csr ? .csr : .csc)
    try g.setAttribute("shape", .numbers(.int64([Int64(s.rows), Int64(s.cols)]), shape: [2]))
    try g.write("data", .numbers(s.data, shape: [s.nnz]), compression: compression)
    try g.write("indices", .numbers(.int32(s.indices), shape: [s.nnz]), compression: compression)
    // scipy keeps int32 indptr while nnz fits.
    let indptr: NumericArray = s.nnz < Int(Int32.max) ? .int32(s.indptr.map { Int32(truncatingIfNeeded: $0) }) : .int64(s.indptr)
    try g.write("indptr", .numbers(indptr, shape: [s.indptr.count]), compression: compression)
  }

  func writeDataFrame(_ frame: DataFrame, named name: String, in parent: HDF5Group) throws {
    let g = try parent.createGroup(name)
    try g.stamp(.dataFrame)
    let indexName = frame.indexName.isEmpty ? "_index" : frame.indexName
    try g.setAttribute("_index", string: indexName)
    let order = Array(frame.columns.keys)
    // h5py cannot store an empty string array; anndata writes an empty float64 array instead.
    try g.setAttribute("column-order", order.isEmpty ? .numbers(.float64([]), shape: [0]) : .strings(order, shape: [order.count]))
    if frame.indexIsNullable {
      try write(.nullable(NullableArray(values: .strings(frame.index), mask: [Bool](repeating: false, count: frame.index.count), naValue: "NaN")), named: indexName, in: g)
    } else {
      try write(.stringArray(StringArray(frame.index)), named: indexName, in: g)
    }
    for (column, values) in frame.columns where column != indexName {
      try write(values, named: column, in: g)
    }
  }
}
