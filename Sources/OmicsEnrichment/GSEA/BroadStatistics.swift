/// Broad GSEA's statistics from a permutation null (gsea-desktop `PValueCalculatorImpls`,
/// `Norms.MeanDivPosNegSeperate`, `FdrAlgs` skew-corrected FDR, `XMath`), reproduced exactly:
///
/// - NES: ES / mean(null ≥ 0) for ES ≥ 0, ES / |mean(null ≤ 0)| for ES < 0; every null value is
///   normalised the same way by its own set's means.
/// - Nominal p: #(null > ES)/#(null ≥ 0) for ES ≥ 0, #(null < ES)/#(null ≤ 0) for ES < 0 (no +1).
/// - FWER: the fraction of permutations whose largest normalised null over all sets exceeds NES
///   (smallest, below NES, for negative NES).
/// - FDR q: for NES ≥ 0, the mean over permutations (those with a non-negative normalised null) of
///   #(normalised null ≥ max(NES, 0))/#(normalised null ≥ 0) over all sets, divided by the fraction of
///   observed non-negative NES that are ≥ NES; capped at 1. Mirrored for NES < 0.
public enum BroadStatistics {
  /// Broad's numbers for one set.
  public struct SetResult: Sendable, Equatable {
    public var nes: Double
    public var nominalP: Double
    public var fdr: Double
    public var fwer: Double
  }

  /// `es[s]` is the observed score of set s and `null[s][π]` its null ES under permutation π
  /// (every row as long as the first).
  public static func compute(es: [Double], null: [[Double]]) -> [SetResult] {
    let m = es.count
    guard m > 0, null.count == m else { return [] }
    let nPerm = null.map(\.count).min() ?? 0
    var nes = [Double](repeating: .nan, count: m)
    var nominal = [Double](repeating: .nan, count: m)
    var normNull = [[Double]](repeating: [], count: m)
    for s in 0..<m {
      var posSum = 0.0, negSum = 0.0
      var posCount = 0, negCount = 0
      var above = 0, below = 0
      for v in null[s].prefix(nPerm) {
        if v >= 0 { posSum += v; posCount += 1 }
        if v <= 0 { negSum += v; negCount += 1 }
        if v > es[s] { above += 1 }
        if v < es[s] { below += 1 }
      }
      let posMean = posCount > 0 ? posSum / Double(posCount) : .nan
      let negMean = negCount > 0 ? Swift.abs(negSum / Double(negCount)) : .nan
      nes[s] = es[s] >= 0 ? es[s] / posMean : es[s] / negMean
      nominal[s] = es[s] >= 0
        ? (posCount > 0 ? Double(above) / Double(posCount) : .nan)
        : (negCount > 0 ? Double(below) / Double(negCount) : .nan)
      normNull[s] = null[s].prefix(nPerm).map { $0 >= 0 ? $0 / posMean : $0 / negMean }
    }
    // Per permutation: the max and min normalised null over sets, and per-column sorted values
    // for the FDR counts.
    var columnMax = [Double](repeating: -.infinity, count: nPerm)
    var columnMin = [Double](repeating: .infinity, count: nPerm)
    var columnPos: [[Double]] = Array(repeating: [], count: nPerm)
    var columnNeg: [[Double]] = Array(repeating: [], count: nPerm)
    for p in 0..<nPerm {
      for s in 0..<m {
        let v = normNull[s][p]
        if v.isNaN { continue }
        columnMax[p] = max(columnMax[p], v)
        columnMin[p] = min(columnMin[p], v)
        if v >= 0 { columnPos[p].append(v) }
        if v <= 0 { columnNeg[p].append(v) }
      }
      columnPos[p].sort()
      columnNeg[p].sort()
    }
    let observedPos = nes.filter { $0 >= 0 }.sorted()
    let observedNeg = nes.filter { $0 < 0 }.sorted()
    var out: [SetResult] = []
    for s in 0..<m {
      let x = nes[s]
      guard !x.isNaN, nPerm > 0 else {
        out.append(SetResult(nes: x, nominalP: nominal[s], fdr: .nan, fwer: .nan))
        continue
      }
      var fwerCount = 0
      var numer = 0.0
      var used = 0
      if x >= 0 {
        for p in 0..<nPerm {
          if columnMax[p] > x { fwerCount += 1 }
          let col = columnPos[p]
          guard !col.isEmpty else { continue }
          used += 1
          numer += Double(col.count - lowerBound(col, x)) / Double(col.count)
        }
        let denom = Double(observedPos.count - lowerBound(observedPos, x)) / Double(observedPos.count)
        let mean = used > 0 ? numer / Double(used) : 0
        out.append(SetResult(nes: x, nominalP: nominal[s], fdr: min(1, mean / denom), fwer: Double(fwerCount) / Double(nPerm)))
      } else {
        for p in 0..<nPerm {
          if columnMin[p] < x { fwerCount += 1 }
          let col = columnNeg[p]
          guard !col.isEmpty else { continue }
          used += 1
          numer += Double(upperBound(col, x)) / Double(col.count)
        }
        let denom = Double(upperBound(observedNeg, x)) / Double(observedNeg.count)
        let mean = used > 0 ? numer / Double(used) : 0
        out.append(SetResult(nes: x, nominalP: nominal[s], fdr: min(1, mean / denom), fwer: Double(fwerCount) / Double(nPerm)))
      }
    }
    return out
  }

  /// First index with `sorted[i] >= x`.
  static func lowerBound(_ sorted: [Double], _ x: Double) -> Int {
    var lo = 0, hi = sorted.count
    while lo < hi { let mid = (lo + hi) >> 1; if sorted[mid] < x { lo = mid + 1 } else { hi = mid } }
    return lo
  }

  /// First index with `sorted[i] > x`.
  static func upperBound(_ sorted: [Double], _ x: Double) -> Int {
    var lo = 0, hi = sorted.count
    while lo < hi { let mid = (lo + hi) >> 1; if sorted[mid] <= x { lo = mid + 1 } else { hi = mid } }
    return lo
  }
}
