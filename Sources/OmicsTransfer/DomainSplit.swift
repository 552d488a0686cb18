import OmicsNN

/// Random row splits of one domain, drawn from the run's generator.
///
/// Source (labelled bulk): 20 % test, then 20 % of the rest validation, the rest training (≈ 64/16/20,
/// as scDEAL, not stratified). Target (unlabelled cells): 20 % validation, 80 % training.
public struct DomainSplit: Sendable, Equatable {
  public var train: [Int]
  public var validation: [Int]
  public var test: [Int]

  /// Source split: `⌊0.2n⌋` test, then `⌊0.2·rest⌋` validation.
  public static func source(count n: Int, rng: inout SeededGenerator) -> DomainSplit {
    let p = rng.permutation(n)
    let nTest = Int(0.2 * Double(n))
    let rest = Array(p[nTest...])
    let nVal = Int(0.2 * Double(rest.count))
    return DomainSplit(train: Array(rest[nVal...]), validation: Array(rest[..<nVal]), test: Array(p[..<nTest]))
  }

  /// Target split: `⌊0.2n⌋` validation, the rest training; no test part.
  public static func target(count n: Int, rng: inout SeededGenerator) -> DomainSplit {
    let p = rng.permutation(n)
    let nVal = Int(0.2 * Double(n))
    return DomainSplit(train: Array(p[nVal...]), validation: Array(p[..<nVal]), test: [])
  }
}

/// Shuffled mini-batches of `0..<n` (the last one may be smaller).
func shuffledBatches(_ n: Int, size: Int, rng: inout SeededGenerator) -> [[Int]] {
  let p = rng.permutation(n)
  return stride(from: 0, to: n, by: size).map { Array(p[$0..<min($0 + size, n)]) }
}
