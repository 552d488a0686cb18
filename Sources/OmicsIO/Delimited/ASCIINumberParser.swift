/// Parses decimal numbers straight from bytes, without building Strings (internal to the text readers).
///
/// `double` accepts what Python's `float()` accepts for decimal text: an optional sign, digits with an
/// optional fraction, an optional exponent, and `nan`/`inf`/`infinity` in any case. Results are
/// correctly rounded: short inputs take Clinger's exact fast path (≤ 19 significant digits with a
/// mantissa ≤ 2^53 and a power of ten ≤ 22), everything else goes through the standard library's
/// correctly rounded conversion. Leading/trailing blanks must be removed by the caller.
enum ASCIINumberParser {
  private static let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  ]

  /// A signed decimal integer (no fraction, no exponent), or nil when malformed or out of Int64 range.
  @inline(__always)
  static func int64(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
    let n = bytes.count
    guard n > 0, let base = bytes.baseAddress else { return nil }
    var i = 0
    var negative = false
    if base[0] == 0x2D {
      negative = true
      i = 1
    } else if base[0] == 0x2B {
      i = 1
    }
    guard i < n else { return nil }
    var value: Int64 = 0
    while i < n {
      let d = base[i] &- 0x30
      guard d < 10 else { return nil }
      let (m, o1) = value.multipliedReportingOverflow(by: 10)
      let (s, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
      if o1 || o2 { return nil }
      value = s
      i += 1
    }
    return value
  }

  /// A decimal floating-point number, or nil when the bytes are not one.
  static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    let n = bytes.count
    guard n > 0, let base = bytes.baseAddress else { return nil }
    var i = 0
    var negative = false
    if base[0] == 0x2D {
      negative = true
      i = 1
    } else if base[0] == 0x2B {
      i = 1
    }
    var mantissa: UInt64 = 0
    var significant = 0
    var exponent = 0
    var sawDigit = false
    var inexact = false
    while i < n {
      let d = base[i] &- 0x30
      if d >= 10 { break }
      sawDigit = true
      if mantissa != 0 || d != 0 {
        if significant < 19 {
          mantissa = mantissa &* 10 &+ UInt64(d)
          significant += 1
        } else {
          inexact = true
        }
      }
      i += 1
    }
    if i < n && base[i] == 0x2E {
      i += 1
      while i < n {
        let d = base[i] &- 0x30
        if d >= 10 { break }
        sawDigit = true
        if mantissa == 0 && d == 0 {
          exponent -= 1
        } else if significant < 19 {
          mantissa = mantissa &* 10 &+ UInt64(d)
          significant += 1
          exponent -= 1
        } else {
          inexact = true
        }
        i += 1
      }
    }
    guard sawDigit else { return special(UnsafeBufferPointer(rebasing: bytes[i...]), negative: negative) }
    if i < n && (base[i] | 0x20) == 0x65 {  // e or E
      i += 1
      var expNegative = false
      if i < n && (base[i] == 0x2D || base[i] == 0x2B) {
        expNegative = base[i] == 0x2D
        i += 1
      }
      var expValue = 0
      var expDigits = 0
      while i < n {
        let d = base[i] &- 0x30
        if d >= 10 { break }
        if expValue < 100_000 { expValue = expValue * 10 + Int(d) }
        expDigits += 1
        i += 1
      }
      guard expDigits > 0 else { return nil }
      exponent += expNegative ? -expValue : expValue
    }
    guard i == n else { return nil }
    if mantissa == 0 { return negative ? -0.0 : 0.0 }
    if !inexact && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
      var value = Double(mantissa)
      if exponent >= 0 { value *= powersOfTen[exponent] } else { value /= powersOfTen[-exponent] }
      return negative ? -value : value
    }
    // Slow path: syntax already validated as decimal; the standard library rounds correctly.
    return Double(bytes.decodedString)
  }

  /// `nan`, `inf`, `infinity` (any case) after an optional sign.
  private static func special(_ rest: UnsafeBufferPointer<UInt8>, negative: Bool) -> Double? {
    if rest.equalsIgnoringASCIICase("nan") { return Double.nan }
    if rest.equalsIgnoringASCIICase("inf") || rest.equalsIgnoringASCIICase("infinity") {
      return negative ? -Double.infinity : Double.infinity
    }
    return nil
  }
}
