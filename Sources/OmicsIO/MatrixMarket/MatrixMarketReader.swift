import Foundation
import OmicsCore

/// Reads Matrix Market files (`.mtx`, `.mtx.gz`): `coordinate` (sparse) and `array` (dense) matrices.
///
/// Coordinate files become a **CSR** `SparseMatrix` with rows = the file's rows (or its columns with
/// `transpose`), column indices sorted within each row, duplicate coordinates summed in file order,
/// explicit zeros kept — the matrix scipy builds with `mmread(...).tocsr()`. `symmetric` (and
/// `hermitian` on real data) files are expanded to both triangles, `skew-symmetric` ones with the
/// mirrored value negated; `pattern` entries become 1. Values are stored as Float32 by default
/// (integer files too, as scanpy's `read_mtx` does with `dtype="float32"`) or Float64 on request;
/// text is parsed as Float64 and then rounded, like `astype(float32)`.
///
/// `array` files are returned dense (row-major) by `read`, or as CSR without the zeros by
/// `readSparse` (as `scipy.sparse.csr_matrix` of the dense array).
///
/// Gzip is detected by content (`TextFile`). Entry lines are parsed in parallel slices straight from
/// the bytes. Errors name the file and line: a malformed banner or size line, a malformed entry, an
/// index outside the declared size, fewer or more entries than declared, a truncated gzip stream.
///
///     let m = try MatrixMarketReader.readSparse(path: "matrix.mtx.gz", options: .init(transpose: true))
public enum MatrixMarketReader {
  /// How values are stored and oriented.
  public struct Options: Sendable, Equatable {
    /// Float32 (default) or Float64 values.
    public var precision: FloatPrecision
    /// Returns the transpose (file columns become rows), as 10x MEX readers need.
    public var transpose: Bool
    /// Parses large files with one worker per core.
    public var parallel: Bool
    /// Number of slices to cut the entries into (tests only; nil = one per core for large files).
    var sliceCount: Int?

    public init(precision: FloatPrecision = .float32, transpose: Bool = false, parallel: Bool = true) {
      self.precision = precision
      self.transpose = transpose
      self.parallel = parallel
    }
  }

  /// Reads the file: coordinate files as `.sparse` (CSR), array files as `.dense`.
  public static func read(path: String, options: Options = Options()) throws -> Matrix {
    try parse(TextFile(path: path), options: options)
  }

  /// Reads the file as a CSR matrix, whatever its format.
  public static func readSparse(path: String, options: Options = Options()) throws -> SparseMatrix {
    try parseSparse(TextFile(path: path), options: options)
  }

  /// Reads only the banner, comments and size line.
  public static func readHeader(path: String) throws -> MatrixMarketHeader {
    try parseHeader(TextFile(path: path))
  }

  /// The banner, comments and size line of text already in memory.
  public static func parseHeader(_ file: TextFile) throws -> MatrixMarketHeader {
    try file.bytes.withUnsafeBytes { raw in
      var cursor = ByteLineCursor(raw)
      return try MatrixMarketHeader.parse(&cursor, file: file.name)
    }
  }

  /// Parses text already in memory (see `read`).
  public static func parse(_ file: TextFile, options: Options = Options()) throws -> Matrix {
    switch options.precision {
    case .float32: return try parse(Float.self, file, options: options, forceSparse: false)
    case .float64: return try parse(Double.self, file, options: options, forceSparse: false)
    }
  }

  /// Parses text already in memory as a CSR matrix (see `readSparse`).
  public static func parseSparse(_ file: TextFile, options: Options = Options()) throws -> SparseMatrix {
    let matrix: Matrix
    switch options.precision {
    case .float32: matrix = try parse(Float.self, file, options: options, forceSparse: true)
    case .float64: matrix = try parse(Double.self, file, options: options, forceSparse: true)
    }
    guard case .sparse(let sparse) = matrix else {
      throw OmicsError(file: file.name, "internal error: expected a sparse result")
    }
    return sparse
  }

  private static func parse<T: TextReaderFloat>(
    _ type: T.Type, _ file: TextFile, options: Options, forceSparse: Bool
  ) throws -> Matrix {
    try file.bytes.withUnsafeBytes { raw in
      var cursor = ByteLineCursor(raw)
      let header = try MatrixMarketHeader.parse(&cursor, file: file.name)
      switch header.format {
      case .coordinate:
        return .sparse(
          try coordinate(T.self, cursor: cursor, header: header, file: file.name, options: options))
      case .array:
        let dense = try DenseEntryParser.parse(T.self, cursor: cursor, header: header, file: file.name, transpose: options.transpose)
        if forceSparse {
          return .sparse(DenseEntryParser.csr(dense.values, rows: dense.rows, cols: dense.cols))
        }
        return .dense(
          DenseArray(shape: [dense.rows, dense.cols], values: T.numericArray(dense.values)))
      }
    }
  }

  private static func coordinate<T: TextReaderFloat>(
    _ type: T.Type, cursor: ByteLineCursor, header: MatrixMarketHeader, file: String, options: Options
  ) throws -> SparseMatrix {
    let buffer = cursor.buffer
    let dataStart = cursor.position
    let firstLine = header.sizeLine + 1
    var (chunks, bounds) = CoordinateEntryParser.parse(
      T.self, buffer: buffer, dataStart: dataStart, header: header, transpose: options.transpose,
      parallel: options.parallel, sliceCount: options.sliceCount)
    func line(at offset: Int) -> Int {
      CoordinateEntryParser.lineNumber(of: offset, buffer: buffer, dataStart: dataStart, firstLine: firstLine)
    }
    var seen = 0
    for (k, chunk) in chunks.enumerated() {
      // Too many entries before the first failure is the earlier problem.
      if seen + chunk.entryCount > header.entries, let base = buffer.baseAddress {
        let offset = CoordinateEntryParser.offsetOfEntry(
          header.entries - seen, base: base, from: bounds[k], to: bounds[k + 1])
        throw OmicsError.line(
          line(at: offset), file: file, "more entries than the \(header.entries) declared on the size line (line \(header.sizeLine))")
      }
      if let failure = chunk.failure {
        if seen + chunk.entryCount >= header.entries {
          throw OmicsError.line(
            line(at: failure.offset), file: file,
            "more entries than the \(header.entries) declared on the size line (line \(header.sizeLine))")
        }
        throw OmicsError.line(line(at: failure.offset), file: file, failure.message)
      }
      seen += chunk.entryCount
    }
    if seen < header.entries {
      let last = line(at: buffer.count) - (buffer.count > 0 && buffer[buffer.count - 1] == 0x0A ? 1 : 0)
      throw OmicsError.line(
        max(last, header.sizeLine), file: file,
        "file ends after \(seen) of the \(header.entries) entries declared on the size line (line \(header.sizeLine))")
    }
    let (rows, cols) = options.transpose ? (header.cols, header.rows) : (header.rows, header.cols)
    let (indptr, indices, values) = SparseAssembler.csr(&chunks, majorCount: rows)
    return SparseMatrix(
      layout: .csr, rows: rows, cols: cols, indptr: indptr, indices: indices, data: T.numericArray(values))
  }
}
