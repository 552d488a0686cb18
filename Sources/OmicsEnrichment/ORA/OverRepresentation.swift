import Foundation
import OmicsCore
import OmicsIO

/// The hypergeometric upper tail P(X ≥ k) for X ~ Hypergeometric(N, M, n): k successes in n draws
/// without replacement from N items of which M are successes.
public enum Hypergeometric {
  /// log C(a, b) by `lgamma` (for reference; the tail uses ``logDensity(x:N:M:n:)``).
  static func logChoose(_ a: Int, _ b: Int) -> Double {
    lgamma(Double(a) + 1) - lgamma(Double(b) + 1) - lgamma(Double(a - b) + 1)
  }

  /// ln P(X = x), R's `dhyper(x, M, N − M, n, log = TRUE)`: Loader's saddle-point form (three
  /// binomial densities built from `stirlerr` and `bd0`), which keeps ~1e-15 relative accuracy
  /// where differences of `lgamma` values lose digits to their size.
  public static func logDensity(x: Int, N: Int, M: Int, n: Int) -> Double {
    guard x >= 0, x <= M, n - x >= 0, n - x <= N - M else { return -.infinity }
    let total = Double(N)
    let p = Double(n) / total
    let q = Double(N - n) / total
    return logBinomialRaw(x, M, p, q) + logBinomialRaw(n - x, N - M, p, q) - logBinomialRaw(n, N, p, q)
  }

  /// R's `dbinom_raw(x, n, p, q, log = TRUE)`.
  static func logBinomialRaw(_ xi: Int, _ ni: Int, _ p: Double, _ q: Double) -> Double {
    let x = Double(xi)
    let n = Double(ni)
    if p == 0 { return xi == 0 ? 0 : -.infinity }
    if q == 0 { return xi == ni ? 0 : -.infinity }
    if xi == 0 {
      if ni == 0 { return 0 }
      return p < q ? n * Foundation.log1p(-p) : n * Foundation.log(q)
    }
    if xi == ni { return q < p ? n * Foundation.log1p(-q) : n * Foundation.log(p) }
    if xi < 0 || xi > ni { return -.infinity }
    let lc = stirlerr(ni) - stirlerr(xi) - stirlerr(ni - xi) - bd0(x, n * p) - bd0(n - x, n * q)
    let lf = Foundation.log(2 * Double.pi) + Foundation.log(x) + Foundation.log1p(-x / n)
    return lc - 0.5 * lf
  }

  /// log(n!) − [(n + ½) log n − n + log √(2π)] (R's `stirlerr`): exact from `lgamma` for small n
  /// (where lgamma is accurate to ~1e-16 absolute), the asymptotic series above 15.
  static func stirlerr(_ ni: Int) -> Double {
    let n = Double(ni)
    if ni <= 15 {
      if ni == 0 { return 0 }  // never used: dbinom_raw calls it for 0 < x < n only
      return lgamma(n + 1) - (n + 0.5) * Foundation.log(n) + n - 0.5 * Foundation.log(2 * Double.pi)
    }
    let s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188
    let nn = n * n
    if ni > 500 { return (s0 - s1 / nn) / n }
    if ni > 80 { return (s0 - (s1 - s2 / nn) / nn) / n }
    if ni > 35 { return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n }
    return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n
  }

  /// x log(x/np) + np − x without cancellation (R's `bd0`).
  static func bd0(_ x: Double, _ np: Double) -> Double {
    if abs(x - np) < 0.1 * (x + np) {
      var v = (x - np) / (x + np)
      var s = (x - np) * v
      if abs(s) < Double.leastNormalMagnitude { return s }
      var ej = 2 * x * v
      v *= v
      for j in 1..<1000 {
        ej *= v
        let s1 = s + ej / Double(2 * j + 1)
        if s1 == s { return s1 }
        s = s1
      }
    }
    return x * Foundation.log(x / np) + np - x
  }

  /// Natural log of P(X ≥ k): the terms ln P(X = x), x = k … min(n, M), each from
  /// ``logDensity(x:N:M:n:)``, added relative to the largest (log-sum-exp, smallest first), so
  /// tails far below 1e-308 keep their value. 0 when k ≤ max(0, n + M − N).
  public static func logUpperTail(k: Int, N: Int, M: Int, n: Int) -> Double {
    precondition(N >= 0 && M >= 0 && n >= 0 && M <= N && n <= N, "invalid hypergeometric parameters")
    let lower = Swift.max(0, n + M - N)
    let upper = Swift.min(n, M)
    if k <= lower { return 0 }
    if k > upper { return -.infinity }
    var logs: [Double] = []
    logs.reserveCapacity(upper - k + 1)
    var top = -Double.infinity
    for x in k...upper {
      let value = logDensity(x: x, N: N, M: M, n: n)
      logs.append(value)
      top = Swift.max(top, value)
      // Terms fall geometrically past the mode; stop once they cannot change the sum.
      if value < top - 50 && x > k { break }
    }
    var sum = 0.0
    for value in logs.reversed() { sum += Foundation.exp(value - top) }
    return Swift.min(0, top + Foundation.log(sum))
  }

  /// P(X ≥ k).
  public static func upperTail(k: Int, N: Int, M: Int, n: Int) -> Double {
    Foundation.exp(logUpperTail(k: k, N: N, M: M, n: n))
  }
}

/// Over-representation analysis: a hypergeometric test of every gene set against a query list
/// within a universe, with Benjamini–Hochberg adjustment.
///
/// Universe rule (GSEApy's `enrich` with a background list, `gseapy.stats.calc_pvalues`): the
/// query and every set are intersected with the universe first; N = |universe|,
/// n = |query ∩ universe|, M = |set ∩ universe|, k = |query ∩ set ∩ universe|. Sets whose M lies
/// outside [minSize, maxSize] and sets with k = 0 are not tested (as GSEApy and clusterProfiler do),
/// and BH runs over the tested sets. (clusterProfiler's `enricher` differs: its N counts only the
/// universe genes that belong to some set, and its n the query genes annotated to some set.)
public enum OverRepresentation {
  /// One tested set.
  public struct Result: Sendable, Equatable {
    public var term: String
    public var description: String?
    /// k: query genes in the set.
    public var overlap: Int
    /// M: set genes in the universe.
    public var setSize: Int
    /// n: query genes in the universe.
    public var querySize: Int
    /// N: universe size.
    public var universeSize: Int
    /// ln P(X ≥ k).
    public var logPValue: Double
    /// ln of the BH-adjusted p-value.
    public var logAdjustedPValue: Double
    /// The overlapping genes, in query order.
    public var genes: [String]

    public var pValue: Double { Foundation.exp(logPValue) }
    public var adjustedPValue: Double { Foundation.exp(logAdjustedPValue) }
    /// n·M/N.
    public var expected: Double { Double(querySize) * Double(setSize) / Double(universeSize) }
    /// k / expected.
    public var foldEnrichment: Double { Double(overlap) / expected }
  }

  /// What was not tested, for the run summary.
  public struct Summary: Sendable, Equatable {
    public var queryGenes = 0
    public var queryOutsideUniverse = 0
    public var sets = 0
    public var outsideSizeRange = 0
    public var withoutOverlap = 0
    public var tested = 0
  }

  /// Runs the test. `query` and `universe` may repeat genes (each counts once).
  public static func run(
    query: [String], universe: [String], sets: GeneSetCollection, minSize: Int = 10, maxSize: Int = 500
  ) -> (results: [Result], summary: Summary) {
    let universeSet = Set(universe)
    var summary = Summary()
    var seen = Set<String>()
    var q: [String] = []
    for g in query where seen.insert(g).inserted {
      if universeSet.contains(g) { q.append(g) } else { summary.queryOutsideUniverse += 1 }
    }
    summary.queryGenes = seen.count
    let N = universeSet.count
    let n = q.count
    summary.sets = sets.count
    var raw: [Result] = []
    for set in sets.sets {
      let members = Set(set.genes).intersection(universeSet)
      let M = members.count
      guard M >= minSize && M <= maxSize else { summary.outsideSizeRange += 1; continue }
      let hits = q.filter { members.contains($0) }
      guard !hits.isEmpty else { summary.withoutOverlap += 1; continue }
      raw.append(Result(
        term: set.name, description: set.description, overlap: hits.count, setSize: M, querySize: n, universeSize: N,
        logPValue: Hypergeometric.logUpperTail(k: hits.count, N: N, M: M, n: n), logAdjustedPValue: 0, genes: hits))
    }
    summary.tested = raw.count
    let adjusted = logBenjaminiHochberg(raw.map(\.logPValue))
    for i in raw.indices { raw[i].logAdjustedPValue = adjusted[i] }
    raw.sort { $0.logPValue < $1.logPValue || ($0.logPValue == $1.logPValue && $0.term < $1.term) }
    return (raw, summary)
  }

  /// Benjamini–Hochberg (R `p.adjust(p, "BH")`) on natural-log p-values: ln padj_(i) =
  /// min over j ≥ i of (ln m − ln j + ln p_(j)), capped at 0.
  public static func logBenjaminiHochberg(_ logP: [Double]) -> [Double] {
    let m = logP.count
    guard m > 0 else { return [] }
    let order = logP.indices.sorted { logP[$0] > logP[$1] || (logP[$0] == logP[$1] && $0 > $1) }
    var out = [Double](repeating: 0, count: m)
    var running = Double.infinity
    let logM = Foundation.log(Double(m))
    for (i, index) in order.enumerated() {
      let rank = m - i
      running = Swift.min(running, logM - Foundation.log(Double(rank)) + logP[index])
      out[index] = Swift.min(0, running)
    }
    return out
  }
}
