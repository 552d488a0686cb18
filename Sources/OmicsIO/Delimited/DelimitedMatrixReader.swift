import Foundation
import OmicsCore

/// Reads a dense expression table in TSV/CSV form (`.tsv`, `.csv`, `.txt`, `.gz` of those): a header
/// row of column names, then one row per gene (or cell) whose first field is the row name.
///
/// - Delimiter: `options.delimiter`, else by extension (`.csv` → comma, `.tsv`/`.tab` → tab, after
///   removing `.gz`), else sniffed from the header line (tab, then comma, then runs of blanks).
/// - Header: either one field per data column plus a corner field naming the row names (pandas'
///   `to_csv`; the corner becomes the index name), or one field fewer than the data rows (R's
///   `write.table`, whose header has no corner). Decided by the first data row; every later row must
///   have the same number of fields (one extra empty trailing field is tolerated).
/// - Fields may be quoted (`"…"`, `""` for a quote inside); blanks around fields are ignored.
/// - Values: decimal numbers; empty, `NA`, `NaN`, `null`, `N/A`, … are NaN; anything else is an error
///   naming the line, the row and the column.
/// - Orientation: with `rowsAreGenes` (default, the usual GEO supplementary layout) the table is
///   transposed so obs = the header's columns (cells/samples) and var = the rows (genes).
/// - Names: the var names are made unique like anndata's `var_names_make_unique` unless
///   `makeVarNamesUnique` is off; obs names are kept as written.
///
/// X is dense Float32 (or Float64), cells × genes.
///
///     let m = try DelimitedMatrixReader.read("GSE1_counts.csv.gz")
public enum DelimitedMatrixReader {
  /// Reading options.
  public struct Options: Sendable, Equatable {
    /// The field separator; nil picks it from the extension or the header line. `" "` splits on runs of blanks.
    public var delimiter: Character?
    /// Rows are genes and columns are cells/samples (transposed on reading); false for cells × genes tables.
    public var rowsAreGenes: Bool
    public var precision: FloatPrecision
    /// Apply anndata's `make_index_unique` to the variable names.
    public var makeVarNamesUnique: Bool

    public init(
      delimiter: Character? = nil, rowsAreGenes: Bool = true, precision: FloatPrecision = .float32,
      makeVarNamesUnique: Bool = true
    ) {
      self.delimiter = delimiter
      self.rowsAreGenes = rowsAreGenes
      self.precision = precision
      self.makeVarNamesUnique = makeVarNamesUnique
    }
  }

  /// Reads `path` (gzip detected by content).
  public static func read(_ path: String, options: Options = Options()) throws -> ExpressionMatrix {
    try parse(TextFile(path: path), options: options)
  }

  /// Parses a table already in memory; `file.name` picks the delimiter by extension.
  public static func parse(_ file: TextFile, options: Options = Options()) throws -> ExpressionMatrix {
    switch options.precision {
    case .float32: return try parse(Float.self, file, options: options)
    case .float64: return try parse(Double.self, file, options: options)
    }
  }

  /// The delimiter a file name implies (`.csv` → comma, `.tsv`/`.tab` → tab), nil when it implies none.
  public static func delimiter(forFileName name: String) -> Character? {
    var lower = name.lowercased()
    for suffix in [".gz", ".bgz"] where lower.hasSuffix(suffix) { lower.removeLast(suffix.count) }
    if lower.hasSuffix(".csv") { return "," }
    if lower.hasSuffix(".tsv") || lower.hasSuffix(".tab") { return "\t" }
    return nil
  }

  /// Guesses the delimiter of a header line: tab if it has one, else comma, else blanks.
  static func sniff(_ line: UnsafeBufferPointer<UInt8>) -> UInt8 {
    var tabs = 0
    var commas = 0
    var inQuotes = false
    for b in line {
      if b == 0x22 { inQuotes.toggle() }
      if inQuotes { continue }
      if b == 0x09 { tabs += 1 }
      if b == 0x2C { commas += 1 }
    }
    if tabs > 0 { return 0x09 }
    if commas > 0 { return 0x2C }
    return 0x20
  }

  private static func parse<T: TextReaderFloat>(_ type: T.Type, _ file: TextFile, options: Options) throws
    -> ExpressionMatrix
  {
    let name = file.name
    return try file.bytes.withUnsafeBytes { raw -> ExpressionMatrix in
      var cursor = ByteLineCursor(raw)
      var headerLine: UnsafeBufferPointer<UInt8>?
      while let line = cursor.next() {
        if !line.trimmingBlanks.isEmpty {
          headerLine = line
          break
        }
      }
      guard let header = headerLine else {
        throw OmicsError.line(max(cursor.lineNumber, 1), file: name, "empty file, expected a header row of column names")
      }
      let headerNumber = cursor.lineNumber
      let delimiter: UInt8
      if let chosen = options.delimiter ?? Self.delimiter(forFileName: name) {
        guard let ascii = chosen.asciiValue, chosen != "\"" else {
          throw OmicsError(file: name, "the delimiter must be one ASCII character other than '\"', got '\(chosen)'")
        }
        delimiter = ascii
      } else {
        delimiter = sniff(header)
      }
      var splitter = DelimitedFieldSplitter(delimiter: delimiter, quoteAware: true)
      func split(_ line: UnsafeBufferPointer<UInt8>, _ number: Int) throws {
        do { try splitter.split(line) } catch {
          switch error {
          case .unterminatedQuote(let field):
            throw OmicsError.line(number, file: name, "field \(field) has an opening quote without a closing one")
          case .textAfterQuote(let field):
            throw OmicsError.line(number, file: name, "field \(field) has text after its closing quote")
          }
        }
      }
      try split(header, headerNumber)
      var headerFields = (0..<splitter.count).map { splitter.string($0, in: header) }
      // A trailing delimiter on the header line: data rows likely end with one too.
      let headerHasTrailingDelimiter = headerFields.count > 1 && headerFields.last == ""
      if headerHasTrailingDelimiter { headerFields.removeLast() }

      var rowNames: [String] = []
      var values: [T] = []
      var width = -1  // value columns per row, fixed by the first data row
      var corner = ""
      while let line = cursor.next() {
        if line.trimmingBlanks.isEmpty { continue }
        let number = cursor.lineNumber
        try split(line, number)
        var fields = splitter.count
        if width < 0 {
          // Decide the header style from the first data row.
          let fits = { (n: Int) in n == headerFields.count || n == headerFields.count + 1 }
          let lastEmpty = fields > 1 && splitter.bytes(fields - 1, in: line).isEmpty
          if lastEmpty && fits(fields - 1) && (headerHasTrailingDelimiter || !fits(fields)) {
            fields -= 1
          }
          if fields == headerFields.count + 1 {
            width = headerFields.count
          } else if fields == headerFields.count {
            corner = headerFields.removeFirst()
            width = headerFields.count
          } else {
            throw OmicsError.line(
              number, file: name,
              "has \(fields) fields but the header (line \(headerNumber)) has \(headerFields.count); expected \(headerFields.count) (header with a corner field) or \(headerFields.count + 1) (R write.table header)")
          }
          values.reserveCapacity(width * max(16, raw.count / max(1, line.count + 1)))
        } else if fields == width + 2 && splitter.bytes(fields - 1, in: line).isEmpty {
          fields -= 1
        }
        guard fields == width + 1 else {
          throw OmicsError.line(number, file: name, "has \(fields) fields, expected \(width + 1) like the rows above")
        }
        let rowName = splitter.string(0, in: line)
        var k = 1
        while k <= width {
          defer { k += 1 }
          let cell = splitter.bytes(k, in: line)
          if MissingValueTokens.isMissing(cell) {
            values.append(T.nan)
          } else if let v = ASCIINumberParser.double(cell) {
            values.append(T(v))
          } else {
            throw OmicsError.line(
              number, file: name,
              "value '\(cell.decodedString.prefix(40))' in column '\(headerFields[k - 1])' (row '\(rowName)') is not a number")
          }
        }
        rowNames.append(rowName)
      }
      if width < 0 {
        // Header only: pandas' reading, the first field names the row-name column.
        corner = headerFields.isEmpty ? "" : headerFields.removeFirst()
        width = headerFields.count
      }
      let nRows = rowNames.count
      let columns = headerFields
      let indexName = corner.isEmpty ? "_index" : corner
      if options.rowsAreGenes {
        var transposed = [T](repeating: 0, count: values.count)
        for r in 0..<nRows {
          for c in 0..<width { transposed[c * nRows + r] = values[r * width + c] }
        }
        let genes = options.makeVarNamesUnique ? makeUniqueNames(rowNames) : rowNames
        return ExpressionMatrix(
          X: .dense(DenseArray(shape: [width, nRows], values: T.numericArray(transposed))),
          obs: DataFrame(index: columns), var: DataFrame(index: genes, indexName: indexName))
      }
      let genes = options.makeVarNamesUnique ? makeUniqueNames(columns) : columns
      return ExpressionMatrix(
        X: .dense(DenseArray(shape: [nRows, width], values: T.numericArray(values))),
        obs: DataFrame(index: rowNames, indexName: indexName), var: DataFrame(index: genes))
    }
  }
}
