import Foundation

/// log(1 + x) for Float arrays, branch-free so the loop vectorizes: u = 1 + x is split into
/// 2^e · m (m in [√½, √2)), log m by Cephes' `logf` polynomial, and the rounding of 1 + x is
/// corrected with (x − (u − 1)) / u. Within 2 ulp of `log1pf` for finite x ≥ 0 (tested); other
/// inputs (negative, infinite, NaN) go through `log1pf`.
enum FastLog1p {
  /// Replaces every value of `p[0..<n]` by log1p of it.
  static func apply(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
    var i = 0
    while i < n {
      let end = min(n, i + 4096)
      var usual = true
      for k in i..<end { usual = usual && p[k] >= 0 && p[k] < 1e30 }  // false for NaN too
      if usual {
        for k in i..<end { p[k] = kernel(p[k]) }
      } else {
        for k in i..<end { p[k] = p[k] >= 0 && p[k] < 1e30 ? kernel(p[k]) : Foundation.log1p(p[k]) }
      }
      i = end
    }
  }

  /// The polynomial path for finite x ≥ 0.
  @inline(__always)
  static func kernel(_ x: Float) -> Float {
    let u = 1 + x
    let bits = u.bitPattern
    var e = Float(Int32(bitPattern: bits >> 23) - 126)
    var m = Float(bitPattern: (bits & 0x007F_FFFF) | 0x3F00_0000)  // [0.5, 1)
    let small = m < 0.707106781186547524
    e = small ? e - 1 : e
    m = small ? m + m - 1 : m - 1
    let z = m * m
    var y: Float = 7.0376836292e-2
    y = y * m - 1.1514610310e-1
    y = y * m + 1.1676998740e-1
    y = y * m - 1.2420140846e-1
    y = y * m + 1.4249322787e-1
    y = y * m - 1.6668057665e-1
    y = y * m + 2.0000714765e-1
    y = y * m - 2.4999993993e-1
    y = y * m + 3.3333331174e-1
    y = y * m * z
    y += -2.12194440e-4 * e
    y += -0.5 * z
    var r = m + y
    r += 0.693359375 * e
    // correction for the rounding of 1 + x (exact when u − 1 == x)
    let correction = (x - (u - 1)) / u
    return x == 0 ? 0 : r + correction
  }
}
