import Foundation
import OmicsCore

/// A tab-delimited table inside a SOFT file (`!platform_table_begin` … `!platform_table_end`,
/// `!sample_table_…`, `!dataset_table_…`, `!series_table_…`), or a plain platform table.
///
/// Rows stay as byte ranges into the file's text and are split on demand, so a family file with
/// hundreds of sample tables costs no more memory than its text. Cells are text (GEO ids can look
/// numeric: keep them as strings); `doubles` parses one column as numbers. Column names may repeat
/// (`GO:Function` twice in `.annot` files); lookups by name return the first match. Surrounding blanks
/// of cells are removed; missing trailing cells read as empty.
public struct SOFTTable: Sendable, Equatable {
  /// What the begin marker called the table (`platform`, `sample`, `dataset`, `series`, …; lower case),
  /// or `table` for a plain file.
  public var kind: String
  /// The header row.
  public var columns: [String]
  /// 1-based line of the header row.
  public var headerLine: Int
  /// The file the table came from (for error messages).
  public var file: String
  let text: Data
  let rowRanges: [Range<Int>]
  let rowLines: [Int]

  init(kind: String, columns: [String], headerLine: Int, file: String, text: Data, rowRanges: [Range<Int>], rowLines: [Int]) {
    self.kind = kind
    self.columns = columns
    self.headerLine = headerLine
    self.file = file
    self.text = text
    self.rowRanges = rowRanges
    self.rowLines = rowLines
  }

  public var rowCount: Int { rowRanges.count }

  /// 1-based file line of row `row` (0-based).
  public func line(ofRow row: Int) -> Int { rowLines[row] }

  /// Index of the first column named `name`: exact match first, then ignoring case and surrounding blanks.
  public func columnIndex(named name: String) -> Int? {
    if let exact = columns.firstIndex(of: name) { return exact }
    let wanted = name.trimmingCharacters(in: .whitespaces).lowercased()
    return columns.firstIndex { $0.trimmingCharacters(in: .whitespaces).lowercased() == wanted }
  }

  /// The cells of column `column` as text (`""` where a row is short).
  public func strings(_ column: Int) -> [String] {
    var out: [String] = []
    out.reserveCapacity(rowCount)
    forEachCell(column) { bytes, _ in out.append(bytes.map { $0.decodedString } ?? "") }
    return out
  }

  /// The cells of the first column named `name`, or nil when there is no such column.
  public func strings(named name: String) -> [String]? {
    columnIndex(named: name).map { strings($0) }
  }

  /// All rows as text, each padded to the header's width (small tables and tests).
  public var rows: [[String]] {
    let columnsText = (0..<columns.count).map { strings($0) }
    return (0..<rowCount).map { r in columnsText.map { $0[r] } }
  }

  /// Column `column` as numbers: missing tokens (`null`, `NA`, empty, …) are NaN, anything else that is
  /// not a number is an error naming the line, the column and the row id (first column).
  public func doubles(_ column: Int) throws -> [Double] {
    var out: [Double] = []
    out.reserveCapacity(rowCount)
    var failure: OmicsError?
    forEachCell(column) { bytes, row in
      guard failure == nil else { return }
      guard let cell = bytes, !MissingValueTokens.isMissing(cell) else {
        out.append(.nan)
        return
      }
      if let v = ASCIINumberParser.double(cell) {
        out.append(v)
      } else {
        let id = cellString(row: row, column: 0)
        failure = OmicsError.line(
          rowLines[row], file: file,
          "value '\(cell.decodedString.prefix(40))' in column \(columns[column]) for \(id) is not a number")
      }
    }
    if let failure { throw failure }
    return out
  }

  /// Calls `body` with the trimmed bytes of `column` in each row (nil when the row is short) and the row number.
  func forEachCell(_ column: Int, _ body: (UnsafeBufferPointer<UInt8>?, Int) -> Void) {
    text.withUnsafeBytes { raw in
      let all = raw.bindMemory(to: UInt8.self)
      for (r, range) in rowRanges.enumerated() {
        let line = UnsafeBufferPointer(rebasing: all[range])
        body(SOFTTable.field(column, of: line), r)
      }
    }
  }

  func cellString(row: Int, column: Int) -> String {
    text.withUnsafeBytes { raw in
      let line = UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[rowRanges[row]])
      return SOFTTable.field(column, of: line)?.decodedString ?? ""
    }
  }

  /// The trimmed bytes of tab-separated field `k` of `line`, nil when the line has fewer fields.
  static func field(_ k: Int, of line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
    var start = 0
    var index = 0
    let n = line.count
    while index < k {
      while start < n && line[start] != 0x09 { start += 1 }
      if start >= n { return nil }
      start += 1
      index += 1
    }
    var end = start
    while end < n && line[end] != 0x09 { end += 1 }
    return UnsafeBufferPointer(rebasing: line[start..<end]).trimmingBlanks
  }

  public static func == (a: SOFTTable, b: SOFTTable) -> Bool {
    a.kind == b.kind && a.columns == b.columns && a.rowCount == b.rowCount && a.rows == b.rows
  }
}
