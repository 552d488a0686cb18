import Dispatch
import Foundation
import OmicsCore
import OmicsIO

/// Preranked GSEA as fgsea computes it (`fgseaMultilevel` with `nPermSimple` = `permutations`),
/// plus Broad GSEA's statistics from the same null (``BroadStatistics``).
///
/// 1. ES and leading edge of every set (``EnrichmentScore``).
/// 2. `permutations` gene permutations (``GenePermutationNull``) give fgsea's counters:
///    NES = ES / mean(null ≥ 0) for ES > 0, ES / |mean(null ≤ 0)| otherwise;
///    pval = min((1+#null≤ES)/(1+#null≤0), (1+#null≥ES)/(1+#null≥0)).
/// 3. Sets whose simple estimate is less precise than multilevel splitting would be
///    (fgsea's `multilevelError((nMoreExtreme+1)/(nPerm+1)) < simpleError`) get the multilevel
///    estimate (``MultilevelRuler``) divided by the same-sign fraction `(modeFraction+1)/(nPerm+1)`;
///    p below `eps` is reported as `eps` with log2err NA. Sets with fewer than 10 null ES of their
///    sign get NA p-values (fgsea's "unbalanced" case).
/// 4. padj = Benjamini–Hochberg over the sets with a p-value.
public enum PrerankGSEA {
  /// Which p-value family to report.
  public enum Statistics: String, Sendable, CaseIterable {
    /// fgsea: (1+k)/(1+n), multilevel for small p, BH.
    case fgsea
    /// Broad GSEA: nominal p, FDR q and FWER from the permutation null.
    case broad
  }

  /// Run parameters.
  public struct Options: Sendable {
    public var minSize = 15
    public var maxSize = 500
    public var weight = 1.0
    public var permutations = 1000
    public var seed: UInt64 = 42
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public var statistics = Statistics.fgsea
    /// fgsea `sampleSize` for multilevel splitting (made odd).
    public var sampleSize = 101
    /// fgsea `eps`: the smallest p-value estimated; 0 disables multilevel splitting entirely.
    public var eps = 1e-50
    public init() {}
  }

  /// One tested set.
  public struct Result: Sendable {
    public var pathway: String
    public var size: Int
    public var es: Double
    public var nes: Double
    /// fgsea p-value (NaN when unbalanced).
    public var pval: Double
    public var padj: Double
    public var log2err: Double
    /// Leading-edge genes, in fgsea's order.
    public var leadingEdge: [String]
    /// 0-based rank of the running-sum peak (nil when ES = 0).
    public var peakRank: Int?
    /// Broad statistics when requested.
    public var broad: BroadStatistics.SetResult?
    /// The sorted ranks of the set's genes (for plots).
    public var positions: [Int32]
  }

  /// The whole run.
  public struct Report: Sendable {
    public var results: [Result]
    public var input: PrerankInput
    public var options: Options
    /// How many sets went to multilevel splitting.
    public var multilevelSets: Int
    /// How many sets had too few null ES of their sign for a p-value.
    public var unbalancedSets: Int
  }

  /// Runs the analysis.
  public static func run(ranking: RankedList, sets: GeneSetCollection, options: Options) throws -> Report {
    guard options.permutations >= 1 else { throw OmicsError("--permutations must be at least 1, got \(options.permutations)") }
    guard options.threads >= 1 else { throw OmicsError("--threads must be at least 1, got \(options.threads)") }
    guard options.eps >= 0, options.eps <= 1 else { throw OmicsError("eps must lie in 0...1, got \(options.eps)") }
    let input = try PrerankInput(
      ranking: ranking, sets: sets, minSize: options.minSize, maxSize: options.maxSize, weight: options.weight)
    try input.requireTestableSets(sets, minSize: options.minSize, maxSize: options.maxSize, genesDescription: "the ranked list")
    let observed = input.enrichmentScores()
    let es = observed.map(\.es)
    let sizes = input.pathways.map(\.positions.count)
    let nPerm = options.permutations
    let null = GenePermutationNull.run(
      weights: input.weights, sizes: sizes, es: es, permutations: nPerm, seed: options.seed,
      threads: options.threads, keepNullScores: options.statistics == .broad)

    let m = input.pathways.count
    var pval = [Double](repeating: .nan, count: m)
    var nes = [Double](repeating: .nan, count: m)
    var log2err = [Double](repeating: .nan, count: m)
    var nMoreExtreme = [Int](repeating: 0, count: m)
    var modeFraction = [Int](repeating: 0, count: m)
    var unbalanced = 0
    for i in 0..<m {
      let c = null.counts[i]
      let geMean = c.geZero > 0 ? c.geZeroSum / Double(c.geZero) : 0
      let leMean = c.leZero > 0 ? c.leZeroSum / Double(c.leZero) : 0
      if es[i] > 0 && geMean != 0 { nes[i] = es[i] / geMean }
      if es[i] <= 0 && leMean != 0 { nes[i] = es[i] / Swift.abs(leMean) }
      nMoreExtreme[i] = es[i] > 0 ? c.geEs : c.leEs
      modeFraction[i] = es[i] >= 0 ? c.geZero : c.leZero
      if modeFraction[i] < 10 {
        unbalanced += 1
        continue
      }
      pval[i] = min(Double(1 + c.leEs) / Double(1 + c.leZero), Double(1 + c.geEs) / Double(1 + c.geZero))
      log2err[i] = simpleError(nMoreExtreme[i], nPerm)
    }

    // Multilevel splitting where it is more precise than the simple estimate.
    let sampleSize = options.sampleSize % 2 == 0 ? options.sampleSize + 1 : max(3, options.sampleSize)
    var multilevel: [Int] = []
    if options.eps > 0 {
      for i in 0..<m where !pval[i].isNaN {
        let simple = simpleError(nMoreExtreme[i], nPerm)
        let mult = SpecialFunctions.multilevelError(
          Double(nMoreExtreme[i] + 1) / Double(nPerm + 1), sampleSize: sampleSize)
        if mult < simple { multilevel.append(i) }
      }
    }
    if !multilevel.isEmpty {
      let estimates = multilevelPValues(
        sets: multilevel, es: es, sizes: sizes, weights: input.weights, sampleSize: sampleSize,
        seed: options.seed, eps: options.eps, threads: options.threads)
      for (j, i) in multilevel.enumerated() {
        let denomProb = Double(modeFraction[i] + 1) / Double(nPerm + 1)
        let p = min(1, estimates[j].p / denomProb)
        pval[i] = p
        log2err[i] = estimates[j].cpGeHalf ? SpecialFunctions.multilevelError(p, sampleSize: sampleSize) : .nan
      }
    }
    for i in 0..<m where !pval[i].isNaN && pval[i] < options.eps {
      pval[i] = options.eps
      log2err[i] = .nan
    }
    let padj = SpecialFunctions.benjaminiHochberg(pval)
    let broad = options.statistics == .broad ? BroadStatistics.compute(es: es, null: null.nullScores ?? []) : nil

    var results: [Result] = []
    results.reserveCapacity(m)
    for i in 0..<m {
      let pathway = input.pathways[i]
      let hits = observed[i].leadingEdgeHits(count: pathway.positions.count)
      results.append(Result(
        pathway: pathway.name, size: pathway.positions.count, es: es[i], nes: nes[i], pval: pval[i],
        padj: padj[i], log2err: log2err[i],
        leadingEdge: hits.map { input.genes[Int(pathway.positions[$0])] },
        peakRank: observed[i].peakHit.map { Int(pathway.positions[$0]) },
        broad: broad?[i], positions: pathway.positions))
    }
    return Report(results: results, input: input, options: options, multilevelSets: multilevel.count, unbalancedSets: unbalanced)
  }

  /// fgsea's error of the simple estimate: sqrt(ψ′(nME+1) − ψ′(nPerm+1)) / ln 2.
  static func simpleError(_ nMoreExtreme: Int, _ nPerm: Int) -> Double {
    let v = SpecialFunctions.trigamma(Double(nMoreExtreme + 1)) - SpecialFunctions.trigamma(Double(nPerm + 1))
    return max(0, v).squareRoot() / Foundation.log(2.0)
  }

  /// Multilevel P(ES± ≥ |ES|) for the given sets: one ruler per (size, sign), run in parallel;
  /// the ruler of group g uses random stream g of the seed, so results do not depend on threads.
  static func multilevelPValues(
    sets: [Int], es: [Double], sizes: [Int], weights: [Double], sampleSize: Int, seed: UInt64, eps: Double,
    threads: Int
  ) -> [(p: Double, cpGeHalf: Bool)] {
    struct Key: Hashable { let size: Int; let positive: Bool }
    var groups: [Key: [Int]] = [:]
    for (j, i) in sets.enumerated() { groups[Key(size: sizes[i], positive: es[i] > 0), default: []].append(j) }
    let keys = groups.keys.sorted { ($0.size, $0.positive ? 1 : 0) < ($1.size, $1.positive ? 1 : 0) }
    let absWeights = weights.map { Swift.abs($0) }
    let reversed = Array(absWeights.reversed())
    let out = ResultSlots(count: sets.count)
    let workers = max(1, min(threads, keys.count))
    // Largest groups first, handed out one at a time, so one long ladder does not wait behind others.
    let order = keys.indices.sorted { keys[$0].size > keys[$1].size || (keys[$0].size == keys[$1].size && $0 < $1) }
    let keyList = keys
    let groupList = keys.map { groups[$0] ?? [] }
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while let next = out.nextGroup(), next < order.count {
        let g = order[next]
        let key = keyList[g]
        let members = groupList[g]
        var ruler = MultilevelRuler(weights: key.positive ? absWeights : reversed, sampleSize: sampleSize, pathwaySize: key.size)
        let target = members.map { Swift.abs(es[sets[$0]]) }.max() ?? 0
        ruler.extend(to: target, seed: seed ^ 0x5EED_0F_F6_5EA, stream: UInt64(key.size * 2 + (key.positive ? 1 : 0)), eps: eps)
        for j in members { out.set(j, ruler.pValue(for: Swift.abs(es[sets[j]]))) }
      }
    }
    return out.values
  }
}

/// Result slots written by worker threads (each index once).
final class ResultSlots: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var values: [(p: Double, cpGeHalf: Bool)]
  private var handedOut = 0
  init(count: Int) { values = Array(repeating: (1, true), count: count) }
  /// The next work item index (0, 1, 2, …), shared by all workers.
  func nextGroup() -> Int? {
    lock.lock(); defer { lock.unlock() }
    handedOut += 1
    return handedOut - 1
  }
  func set(_ index: Int, _ value: (p: Double, cpGeHalf: Bool)) {
    lock.lock(); values[index] = value; lock.unlock()
  }
}
