import Foundation
import OmicsCore

/// The banner, comments and size line of a Matrix Market file
/// (https://math.nist.gov/MatrixMarket/formats.html).
///
///     %%MatrixMarket matrix coordinate integer general
///     %metadata_json: {...}
///     33538 1222 2661873
///
/// Banner tokens are matched case-insensitively. `entries` is the declared number of entry lines for
/// `coordinate` files (each symmetric off-diagonal entry counts once), and the number of stored values
/// for `array` files (`M·N`, or one triangle for symmetric/skew-symmetric).
public struct MatrixMarketHeader: Sendable, Equatable {
  /// `coordinate` (sparse triplets) or `array` (dense, column-major).
  public enum Format: String, Sendable, Equatable { case coordinate, array }
  /// The value type declared in the banner.
  public enum Field: String, Sendable, Equatable { case real, double, integer, pattern, complex }
  /// Which part of the matrix is stored.
  public enum Symmetry: String, Sendable, Equatable {
    case general, symmetric
    case skewSymmetric = "skew-symmetric"
    case hermitian
  }

  public var format: Format
  public var field: Field
  public var symmetry: Symmetry
  /// M: number of rows.
  public var rows: Int
  /// N: number of columns.
  public var cols: Int
  /// L for coordinate files; the number of stored values for array files.
  public var entries: Int
  /// Comment lines between the banner and the size line, without the leading `%`.
  public var comments: [String]
  /// 1-based number of the size line (entries start after it).
  public var sizeLine: Int

  public init(
    format: Format, field: Field, symmetry: Symmetry, rows: Int, cols: Int, entries: Int,
    comments: [String] = [], sizeLine: Int = 2
  ) {
    self.format = format
    self.field = field
    self.symmetry = symmetry
    self.rows = rows
    self.cols = cols
    self.entries = entries
    self.comments = comments
    self.sizeLine = sizeLine
  }

  /// Reads the banner, comments and size line with `cursor`, leaving it on the first entry line.
  static func parse(_ cursor: inout ByteLineCursor, file: String) throws -> MatrixMarketHeader {
    guard let bannerLine = cursor.next() else {
      throw OmicsError.line(1, file: file, "empty file, expected a '%%MatrixMarket matrix …' header")
    }
    let banner = bannerLine.decodedString
    let tokens = banner.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.lowercased() }
    let expected = "expected '%%MatrixMarket matrix coordinate|array <field> <symmetry>'"
    guard tokens.count == 5, tokens[0] == "%%matrixmarket" else {
      throw OmicsError.line(1, file: file, "\(expected), found '\(banner.prefix(80))'")
    }
    guard tokens[1] == "matrix" else {
      throw OmicsError.line(1, file: file, "object '\(tokens[1])' is not supported, expected 'matrix'")
    }
    guard let format = Format(rawValue: tokens[2]) else {
      throw OmicsError.line(1, file: file, "unknown format '\(tokens[2])', expected 'coordinate' or 'array'")
    }
    guard let field = Field(rawValue: tokens[3]) else {
      throw OmicsError.line(
        1, file: file, "unknown field '\(tokens[3])', expected real, double, integer, pattern or complex")
    }
    guard let symmetry = Symmetry(rawValue: tokens[4]) else {
      throw OmicsError.line(
        1, file: file, "unknown symmetry '\(tokens[4])', expected general, symmetric, skew-symmetric or hermitian")
    }
    if field == .complex {
      throw OmicsError.line(1, file: file, "complex Matrix Market files are not supported")
    }
    if field == .pattern && format == .array {
      throw OmicsError.line(1, file: file, "'array pattern' is not a valid Matrix Market type")
    }
    if field == .pattern && symmetry == .skewSymmetric {
      throw OmicsError.line(1, file: file, "'pattern skew-symmetric' is not a valid Matrix Market type")
    }
    var comments: [String] = []
    while let line = cursor.next() {
      let trimmed = line.trimmingBlanks
      if trimmed.isEmpty { continue }
      if trimmed[0] == 0x25 {  // %
        comments.append(UnsafeBufferPointer(rebasing: trimmed[1...]).decodedString)
        continue
      }
      let numbers = try sizeNumbers(trimmed, line: cursor.lineNumber, file: file, count: format == .coordinate ? 3 : 2)
      let (rows, cols) = (numbers[0], numbers[1])
      if symmetry != .general && rows != cols {
        throw OmicsError.line(
          cursor.lineNumber, file: file, "a \(symmetry.rawValue) matrix must be square, the size line says \(rows) × \(cols)")
      }
      var entries: Int
      if format == .coordinate {
        entries = numbers[2]
      } else {
        switch symmetry {
        case .general:
          let (product, overflow) = rows.multipliedReportingOverflow(by: cols)
          if overflow { throw OmicsError.line(cursor.lineNumber, file: file, "matrix size \(rows) × \(cols) is too large") }
          entries = product
        case .symmetric, .hermitian: entries = rows * (rows + 1) / 2
        case .skewSymmetric: entries = rows * (rows - 1) / 2
        }
      }
      return MatrixMarketHeader(
        format: format, field: field, symmetry: symmetry, rows: rows, cols: cols, entries: entries,
        comments: comments, sizeLine: cursor.lineNumber)
    }
    throw OmicsError.line(cursor.lineNumber + 1, file: file, "file ends before the size line ('rows columns entries')")
  }

  private static func sizeNumbers(
    _ line: UnsafeBufferPointer<UInt8>, line number: Int, file: String, count: Int
  ) throws -> [Int] {
    var values: [Int] = []
    var i = 0
    let n = line.count
    let what = count == 3 ? "'rows columns entries'" : "'rows columns'"
    while i < n {
      while i < n && isBlankByte(line[i]) { i += 1 }
      if i == n { break }
      var j = i
      while j < n && !isBlankByte(line[j]) { j += 1 }
      let token = UnsafeBufferPointer(rebasing: line[i..<j])
      guard let value = ASCIINumberParser.int64(token), value >= 0 else {
        throw OmicsError.line(
          number, file: file, "malformed size line: expected \(what) as non-negative integers, found '\(line.decodedString.prefix(80))'")
      }
      values.append(Int(value))
      i = j
    }
    guard values.count == count else {
      throw OmicsError.line(
        number, file: file, "malformed size line: expected \(what), found '\(line.decodedString.prefix(80))'")
    }
    let limit = Int(Int32.max)
    if values[0] > limit || values[1] > limit {
      throw OmicsError.line(
        number, file: file, "matrix size \(values[0]) × \(values[1]) exceeds the supported \(limit) rows or columns")
    }
    return values
  }
}
