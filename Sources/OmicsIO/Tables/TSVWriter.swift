import Foundation
import OmicsCore

/// Builds a tab-separated result table (a header row plus data rows) and writes it atomically.
///
/// Format: UTF-8 without BOM, fields separated by one tab, every row (header included) ended by `\n`,
/// every row as wide as the header.
///
/// Escaping policy (``Quoting``): by default (``Quoting/minimal``) a field that contains a tab, `\r`,
/// `\n` or a double quote is wrapped in double quotes with inner quotes doubled (`a"b` → `"a""b"`).
/// That is pandas' `to_csv(sep="\t")` behaviour (QUOTE_MINIMAL), so `pandas.read_csv(sep="\t")`,
/// R's `read.delim` and `data.table::fread` read such fields back unchanged; all other fields are
/// written verbatim. ``Quoting/reject`` instead makes such a field an error naming its row and column,
/// for consumers that split lines on tabs naively (strict IANA TSV forbids tabs in fields).
///
/// ```swift
/// var table = try TSVWriter(header: ["pathway", "ES", "size"])
/// try table.append(["Cell_Cycle", .double(0.5388), .int(369)])
/// try table.write(to: "results.tsv")
/// ```
public struct TSVWriter: Sendable {
  /// How fields that contain tabs, line breaks or double quotes are written.
  public enum Quoting: Sendable, Equatable {
    /// Quote such fields with `"` and double inner quotes (pandas/R compatible). The default.
    case minimal
    /// Throw an error naming the row and column.
    case reject
  }

  /// The column names.
  public let header: [String]
  /// The data rows added so far, already formatted.
  public private(set) var rows: [[String]] = []
  /// The escaping policy.
  public var quoting: Quoting
  /// The text written for ``TSVCell/missing`` and NaN. Default `NA` (read as missing by pandas and R).
  public var missingValue: String
  /// Significant digits for doubles, or nil (the default) for the shortest round-trip decimal.
  public var significantDigits: Int?

  /// A table with the given column names (at least one). Repeated or empty column names are allowed
  /// (result tables sometimes need them) but a header cell is escaped like any other field.
  public init(header: [String], quoting: Quoting = .minimal, missingValue: String = "NA") throws {
    guard !header.isEmpty else { throw OmicsError("a TSV table needs at least one column") }
    self.header = header
    self.quoting = quoting
    self.missingValue = missingValue
    self.significantDigits = nil
  }

  /// The number of data rows.
  public var rowCount: Int { rows.count }

  /// Adds a row of text fields; it must have one field per column.
  public mutating func append(_ fields: [String]) throws {
    guard fields.count == header.count else {
      throw OmicsError(
        location: "row \(rows.count + 1)", "has \(fields.count) field\(fields.count == 1 ? "" : "s"), the header has \(header.count)")
    }
    rows.append(fields)
  }

  /// Adds a row of typed cells, formatting numbers as described in ``TSVCell``.
  public mutating func append(_ cells: [TSVCell]) throws {
    try append(cells.map(format))
  }

  /// Formats one cell as text (before escaping).
  public func format(_ cell: TSVCell) -> String {
    switch cell {
    case .string(let text): return text
    case .int(let value): return String(value)
    case .bool(let value): return value ? "True" : "False"
    case .missing: return missingValue
    case .double(let value):
      if value.isNaN { return missingValue }
      if value.isInfinite { return value > 0 ? "Inf" : "-Inf" }
      if let digits = significantDigits {
        return String(format: "%.\(min(max(digits, 1), 17))g", value)
      }
      return "\(value)"
    }
  }

  /// The whole table as text.
  public func encoded() throws -> String {
    var out = ""
    try appendLine(header, row: 0, to: &out)
    for (index, row) in rows.enumerated() { try appendLine(row, row: index + 1, to: &out) }
    return out
  }

  /// Writes the table to `path` under a temporary name, renamed into place on success.
  public func write(to path: String) throws {
    let text: String
    do { text = try encoded() } catch let error as OmicsError { throw error.inFile(path) }
    try AtomicFileWriter.write(Data(text.utf8), to: path)
  }

  /// Writes `header` and `rows` to `path` in one call.
  public static func write(header: [String], rows: [[TSVCell]], to path: String, quoting: Quoting = .minimal) throws {
    var table = try TSVWriter(header: header, quoting: quoting)
    do { for row in rows { try table.append(row) } } catch let error as OmicsError { throw error.inFile(path) }
    try table.write(to: path)
  }

  private func appendLine(_ fields: [String], row: Int, to out: inout String) throws {
    for (column, field) in fields.enumerated() {
      if column > 0 { out += "\t" }
      out += try escaped(field, row: row, column: column)
    }
    out += "\n"
  }

  private func escaped(_ field: String, row: Int, column: Int) throws -> String {
    let special = field.utf8.contains { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == UInt8(ascii: "\"") }
    guard special else { return field }
    switch quoting {
    case .minimal:
      var quoted = String.UnicodeScalarView()
      quoted.append("\"")
      for scalar in field.unicodeScalars {
        quoted.append(scalar)
        if scalar == "\"" { quoted.append("\"") }
      }
      quoted.append("\"")
      return String(quoted)
    case .reject:
      let name = column < header.count ? header[column] : "\(column + 1)"
      let place = row == 0 ? "header" : "row \(row)"
      throw OmicsError(
        location: "\(place), column \(GeneSetText.quoted(name))",
        "field contains a tab, line break or double quote, which this table does not allow")
    }
  }
}
