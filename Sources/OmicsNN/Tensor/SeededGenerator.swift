/// The engine's random stream: xoshiro256** seeded through SplitMix64 (Blackman & Vigna 2018).
///
/// Everything random in training (initialisation, dropout masks, shuffling, DAE masks) draws from
/// explicitly passed generators, never from a global one, so a seed fixes the run. The stream is
/// not PyTorch's: parity tests use dropout 0 or explicit masks.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var s: (UInt64, UInt64, UInt64, UInt64)

  public init(seed: UInt64) {
    var x = seed
    func splitmix() -> UInt64 {
      x &+= 0x9E37_79B9_7F4A_7C15
      var z = x
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    s = (splitmix(), splitmix(), splitmix(), splitmix())
  }

  public mutating func next() -> UInt64 {
    let result = rotl(s.1 &* 5, 7) &* 9
    let t = s.1 << 17
    s.2 ^= s.0
    s.3 ^= s.1
    s.1 ^= s.2
    s.0 ^= s.3
    s.2 ^= t
    s.3 = rotl(s.3, 45)
    return result
  }

  @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  /// Uniform in [0, 1) with 53 random bits.
  public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  /// Uniform in [low, high).
  public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * nextUnit() }

  /// Standard normal (Box–Muller, one value per call).
  public mutating func normal() -> Double {
    var u = nextUnit()
    while u == 0 { u = nextUnit() }
    let v = nextUnit()
    return (-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v)
  }

  /// A derived, independent generator (for per-layer or per-stage streams).
  public mutating func split() -> SeededGenerator { SeededGenerator(seed: next()) }

  /// A random permutation of 0..<n (Fisher–Yates).
  public mutating func permutation(_ n: Int) -> [Int] {
    var p = Array(0..<n)
    if n < 2 { return p }
    for i in stride(from: n - 1, to: 0, by: -1) {
      let j = Int(next() % UInt64(i + 1))
      p.swapAt(i, j)
    }
    return p
  }
}

@inline(__always) private func _log(_ x: Double) -> Double { Double.nnLog(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Double.nnCos(x) }
