/// Small text helpers shared by the gene-set and ranked-list parsers.
///
/// Fields are split on the tab *scalar* (not on `Character`), so a tab followed by a combining mark
/// still separates fields, and trimming works on Unicode scalars with the `White_Space` property
/// (spaces, tabs, `\r`, no-break spaces and the like).
enum GeneSetText {
  /// Splits `line` on every tab, keeping empty fields (`a\t\tb` has three fields).
  static func tabFields(_ line: String) -> [String] {
    line.unicodeScalars.split(separator: "\t", omittingEmptySubsequences: false).map {
      String(String.UnicodeScalarView($0))
    }
  }

  /// `text` without leading and trailing white space.
  static func trimmed<S: StringProtocol>(_ text: S) -> String {
    let scalars = text.unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
      let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
    else { return "" }
    return String(String.UnicodeScalarView(scalars[first...last]))
  }

  /// True for a line that holds only white space.
  static func isBlank(_ line: String) -> Bool {
    line.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
  }

  /// True for a comment line: its first non-white-space character is `#`.
  static func isComment(_ line: String) -> Bool {
    line.unicodeScalars.first(where: { !$0.properties.isWhitespace }) == "#"
  }

  /// True when `text` is one of the spellings that mean "no description": empty, `na`, `NA` (any case).
  static func isNoDescription(_ text: String) -> Bool {
    text.isEmpty || text.lowercased() == "na"
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

  /// True for a symbol that looks like a spreadsheet-converted date (`1-MAR`, `2-Sep`, `10-dec`): Excel
  /// turns MARCH1, SEPT2, DEC1 … into dates (24 such symbols occur in XGSEA's homology lists). The
  /// current HGNC symbols are MARCHF1, SEPTIN2, DELEC1 ….
  static func looksLikeSpreadsheetDate(_ gene: String) -> Bool {
    let parts = gene.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, (1...2).contains(parts[0].count), parts[0].allSatisfy({ $0.isASCII && $0.isNumber }) else {
      return false
    }
    return spreadsheetMonths.contains(parts[1].lowercased())
  }

  private static let spreadsheetMonths: Set<String> = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
  ]
}
