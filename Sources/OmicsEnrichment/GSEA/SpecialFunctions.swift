import Foundation

/// Digamma and trigamma (recurrence to x ≥ 12, then the asymptotic series), and the
/// Benjamini–Hochberg adjustment; enough accuracy (≤ 1e-12 relative) for fgsea's error formulas.
enum SpecialFunctions {
  static func digamma(_ value: Double) -> Double {
    var x = value
    var result = 0.0
    while x < 12 { result -= 1 / x; x += 1 }
    let f = 1 / (x * x)
    result += Foundation.log(x) - 0.5 / x
      - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))))
    return result
  }

  static func trigamma(_ value: Double) -> Double {
    var x = value
    var result = 0.0
    while x < 12 { result += 1 / (x * x); x += 1 }
    let f = 1 / (x * x)
    result += 1 / x + f / 2
      + (1 / (x * x * x)) * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f * (1.0 / 30 - f * 5.0 / 66))))
    return result
  }

  /// `digamma(a) − digamma(b + 1)`: E[log X] for X ~ Beta(a, b − a + 1) (fgsea's betaMeanLog).
  static func betaMeanLog(_ a: Int, _ b: Int) -> Double { digamma(Double(a)) - digamma(Double(b + 1)) }

  /// fgsea's `multilevelError(pval, sampleSize)`.
  static func multilevelError(_ pval: Double, sampleSize: Int) -> Double {
    let s = Double(sampleSize)
    return (Foundation.floor(-Foundation.log2(pval) + 1) * (trigamma((s + 1) / 2) - trigamma(s + 1))).squareRoot()
      / Foundation.log(2.0)
  }

  /// R's `p.adjust(p, "BH")`; NaN entries stay NaN and do not count.
  static func benjaminiHochberg(_ p: [Double]) -> [Double] {
    let valid = p.indices.filter { !p[$0].isNaN }
    let n = valid.count
    var out = [Double](repeating: .nan, count: p.count)
    guard n > 0 else { return out }
    let order = valid.sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 > $1) }
    var running = Double.infinity
    for (i, index) in order.enumerated() {
      let rank = n - i
      running = Swift.min(running, Double(n) / Double(rank) * p[index])
      out[index] = Swift.min(1, running)
    }
    return out
  }
}
