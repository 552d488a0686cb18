/// Small text helpers shared by the gene-set and ranked-list parsers.
///
/// They work on UTF-8 bytes for speed (a 50 MB MSigDB GMT file holds millions of fields). Fields are
/// split on the tab byte, so a tab followed by a combining mark still separates fields (splitting on
/// `Character` would not). Trimming removes Unicode `White_Space` (ASCII blanks, `\r`, no-break
/// spaces, …): ASCII on the byte fast path, anything else by a scalar check at the edges.
enum GeneSetText {
  /// Splits `line` on every tab, keeping empty fields (`a\t\tb` has three fields); fields untrimmed.
  static func tabFields(_ line: String) -> [String] {
    split(line, trim: false)
  }

  /// Splits `line` on every tab and trims each field.
  static func trimmedTabFields(_ line: String) -> [String] {
    split(line, trim: true)
  }

  private static func split(_ line: String, trim: Bool) -> [String] {
    var line = line
    return line.withUTF8 { bytes in
      var fields: [String] = []
      var start = 0
      for index in 0...bytes.count where index == bytes.count || bytes[index] == 0x09 {
        let field = UnsafeBufferPointer(rebasing: bytes[start..<index])
        fields.append(trim ? trimmed(field) : String(decoding: field, as: UTF8.self))
        start = index + 1
      }
      return fields
    }
  }

  /// `text` without leading and trailing white space.
  static func trimmed<S: StringProtocol>(_ text: S) -> String {
    var string = String(text)
    return string.withUTF8 { trimmed($0) }
  }

  /// The UTF-8 `bytes` as a string without leading and trailing white space.
  static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    var start = 0
    var end = bytes.count
    while start < end && isASCIIWhitespace(bytes[start]) { start += 1 }
    while end > start && isASCIIWhitespace(bytes[end - 1]) { end -= 1 }
    let core = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    guard start < end, bytes[start] >= 0x80 || bytes[end - 1] >= 0x80 else { return core }
    return scalarTrimmed(core)
  }

  /// Trimming by Unicode scalar properties (the slow path, for non-ASCII edges).
  private static func scalarTrimmed(_ text: String) -> String {
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(String.UnicodeScalarView(scalars[first...last]))
  }

  /// True for the ASCII `White_Space` bytes: tab, LF, VT, FF, CR, space.
  static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
  }

  /// True when `text` has white space at its start or end (so trimming would change it).
  static func hasSurroundingWhitespace(_ text: String) -> Bool {
    guard let first = text.utf8.first, let last = text.utf8.last else { return false }
    if isASCIIWhitespace(first) || isASCIIWhitespace(last) { return true }
    if first < 0x80 && last < 0x80 { return false }
    return scalarTrimmed(text) != text
  }

  /// True for a line that holds only white space.
  static func isBlank(_ line: String) -> Bool {
    line.utf8.allSatisfy(isASCIIWhitespace) || (line.utf8.contains { $0 >= 0x80 } && scalarTrimmed(line).isEmpty)
  }

  /// True for a comment line: its first non-white-space character is `#`.
  static func isComment(_ line: String) -> Bool {
    guard let first = line.utf8.first(where: { !isASCIIWhitespace($0) }) else { return false }
    if first == UInt8(ascii: "#") { return true }
    if first < 0x80 { return false }
    return line.unicodeScalars.first(where: { !$0.properties.isWhitespace }) == "#"
  }

  /// True when `text` contains a tab, `\n` or `\r`.
  static func containsTabOrLineBreak(_ text: String) -> Bool {
    text.utf8.contains { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
  }

  /// True when `text` is one of the spellings that mean "no description": empty, `na`, `NA` (any case).
  static func isNoDescription(_ text: String) -> Bool {
    text.isEmpty || (text.utf8.count == 2 && text.lowercased() == "na")
  }

  /// The last path component of `path` (the whole string when it has no `/`).
  static func baseName(_ path: String) -> String {
    if let slash = path.lastIndex(of: "/") { return String(path[path.index(after: slash)...]) }
    return path
  }

  /// `name` without a trailing `.gz` and then without a trailing `.<ext>` (both case-insensitive).
  static func stripExtensions(_ name: String, _ ext: String) -> String {
    var out = name
    for suffix in [".gz", "." + ext] where out.lowercased().hasSuffix(suffix) && out.count > suffix.count {
      out = String(out.dropLast(suffix.count))
    }
    return out
  }

  /// Quotes a value for a message, shortening very long ones.
  static func quoted(_ text: String) -> String {
    let limit = 60
    if text.count <= limit { return "'\(text)'" }
    return "'\(text.prefix(limit))…'"
  }

  /// True for a symbol that looks like a spreadsheet-converted date. Excel turns MARCH1, SEPT2,
  /// DEC1 … into dates (24 such symbols occur in XGSEA's homology lists; the current HGNC symbols
  /// are MARCHF1, SEPTIN2, DELEC1 …), shown as `1-MAR`, `2-Sep`, `10-dec`, `Mar-01`, `1-Mar-2023`,
  /// or, after a round trip through a date column, `2023-09-01` or `9/1/2023`. Recognised:
  /// - day-month: 1–2 digits, `-`, a three-letter month (any case), optionally `-` and a 2- or
  ///   4-digit year;
  /// - month-day: a three-letter month, `-`, 1–2 digits;
  /// - ISO dates `YYYY-MM-DD` (month 01–12, day 01–31);
  /// - slashed dates `M/D/YY`, `M/D/YYYY`, `D/M/YYYY` (1–2, 1–2 and 2 or 4 digits).
  static func looksLikeSpreadsheetDate(_ gene: String) -> Bool {
    let utf8 = gene.utf8
    guard utf8.count >= 5 && utf8.count <= 11 else { return false }
    func digits<S: StringProtocol>(_ s: S, _ counts: ClosedRange<Int>) -> Bool {
      counts.contains(s.utf8.count) && s.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
    func month<S: StringProtocol>(_ s: S) -> Bool { s.utf8.count == 3 && spreadsheetMonths.contains(s.lowercased()) }
    if utf8.contains(UInt8(ascii: "/")) {
      let parts = gene.split(separator: "/", omittingEmptySubsequences: false)
      return parts.count == 3 && digits(parts[0], 1...2) && digits(parts[1], 1...2)
        && (digits(parts[2], 2...2) || digits(parts[2], 4...4))
    }
    guard utf8.contains(UInt8(ascii: "-")) else { return false }
    let parts = gene.split(separator: "-", omittingEmptySubsequences: false)
    if parts.count == 2 {
      return (digits(parts[0], 1...2) && month(parts[1])) || (month(parts[0]) && digits(parts[1], 1...2))
    }
    guard parts.count == 3 else { return false }
    if digits(parts[0], 1...2) && month(parts[1]) { return digits(parts[2], 2...2) || digits(parts[2], 4...4) }
    if digits(parts[0], 4...4) && digits(parts[1], 2...2) && digits(parts[2], 2...2),
      let m = Int(parts[1]), let d = Int(parts[2])
    {
      return (1...12).contains(m) && (1...31).contains(d)
    }
    return false
  }

  private static let spreadsheetMonths: Set<String> = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
  ]
}
