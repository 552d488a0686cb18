/// The cell texts that mean "missing" in numeric tables (internal to the text readers).
///
/// The union of R's `na.strings` used by GEOquery (`NA`, `null`, `NULL`, `Null`) and pandas'
/// default NA values that can appear in expression tables; an empty cell is missing too.
enum MissingValueTokens {
  static let all: [StaticString] = [
    "NA", "N/A", "n/a", "na", "NaN", "nan", "-NaN", "-nan", "null", "NULL", "Null", "None", "#N/A", "<NA>",
  ]

  /// True when the (trimmed) bytes spell a missing value.
  @inline(__always)
  static func isMissing(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    if bytes.isEmpty { return true }
    if bytes.count > 4 { return false }
    let first = bytes[0]
    // Quick reject: every token starts with one of N n - # < (case-folded: n - # <).
    let f = asciiLower(first)
    guard f == 0x6E || f == 0x2D || f == 0x23 || f == 0x3C else { return false }
    for token in all where token.utf8CodeUnitCount == bytes.count {
      let t = token.utf8Start
      var same = true
      for i in 0..<bytes.count where bytes[i] != t[i] {
        same = false
        break
      }
      if same { return true }
    }
    return false
  }
}
