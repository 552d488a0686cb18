/// e^x for Float, branch-free so that loops over arrays vectorize (libm's `expf` is a call per
/// element). Cephes' `expf`: x = n·ln 2 + r with n rounded to nearest by the 1.5·2²³ trick
/// (plain adds, so no SSE4.1 `roundps` is needed), ln 2 split in two for an exact reduction, a
/// degree-6 polynomial for e^r on [−ln2/2, ln2/2], and 2ⁿ built in the exponent bits. Within
/// 2 ulp of `expf` for x in [−87.3, 88.3] (tested); inputs below −87.3 give ~1e-38 instead of a
/// denormal or 0, which is harmless where it is used (softmax after subtracting the row maximum).
public enum FastExp {
  @inlinable @inline(__always)
  public static func exp(_ value: Float) -> Float {
    let x0 = min(max(value, -87.3), 88.3)
    let t = x0 * 1.44269504088896341 + 12582912.0
    let n = t - 12582912.0
    var x = x0 - n * 0.693359375
    x -= n * -2.12194440e-4
    let z = x * x
    var y: Float = 1.9875691500e-4
    y = y * x + 1.3981999507e-3
    y = y * x + 8.3334519073e-3
    y = y * x + 4.1665795894e-2
    y = y * x + 1.6666665459e-1
    y = y * x + 5.0000001201e-1
    y = y * z + x + 1
    let k = Int32(bitPattern: t.bitPattern) &- 0x4B40_0000
    return y * Float(bitPattern: UInt32(bitPattern: (k &+ 127) &<< 23))
  }
}
