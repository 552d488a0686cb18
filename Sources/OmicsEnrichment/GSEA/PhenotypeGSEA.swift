import Dispatch
import Foundation
import OmicsCore
import OmicsIO

/// GSEA with phenotype (label) permutation, as Broad GSEA and GSEApy's
/// `gsea(permutation_type="phenotype")` compute it.
///
/// 1. Genes are ranked by the metric of the observed phenotype (``PhenotypeLabels/Metric``);
///    ties keep matrix order. Genes that cannot be ranked are dropped first (GSEApy's
///    `_filter_data`): for two classes, genes constant within both classes (this includes
///    all-zero genes); for Pearson, constant genes.
/// 2. ES, leading edge and size filter exactly as preranked GSEA (``PrerankInput``,
///    ``EnrichmentScore``) on that ranking, weights |metric|^weight.
/// 3. Null: `permutations` shuffles of the labels (or numeric values); each recomputes the metric of
///    every gene, re-ranks, and recomputes the ES of every tested set. Permutation π shuffles with
///    its own stream `SeededGenerator(seed, stream: π)`, so the null depends on the seed only,
///    not on the thread count.
/// 4. Broad's NES, nominal p, FDR q and FWER (``BroadStatistics``) from that null; also fgsea's
///    (1+k)/(1+n) p-value, its NES, log2err and BH padj from the same null (no multilevel step).
public enum PhenotypeGSEA {
  /// Run parameters.
  public struct Options: Sendable {
    public var minSize = 15
    public var maxSize = 500
    public var weight = 1.0
    public var permutations = 1000
    public var seed: UInt64 = 42
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public init() {}
  }

  /// Genes × samples values, gene-major: gene g's samples are `values[g*sampleCount ..< (g+1)*sampleCount]`.
  public struct Expression: Sendable {
    public var genes: [String]
    public var sampleCount: Int
    public var values: [Double]
    public init(genes: [String], sampleCount: Int, values: [Double]) {
      self.genes = genes
      self.sampleCount = sampleCount
      self.values = values
    }

    /// The genes × kept-samples matrix of an obs × var matrix (`X` rows = samples), checking
    /// that every used value is finite.
    public init(matrix: ExpressionMatrix, samples: [Int]) throws {
      guard let x = matrix.X else { throw OmicsError("the matrix has no X") }
      let nObs = x.rows, nVar = x.cols
      let dense = x.denseDoubles()
      let s = samples.count
      var values = [Double](repeating: 0, count: nVar * s)
      var bad = 0
      var firstBad: (Int, Int)? = nil
      for (j, row) in samples.enumerated() {
        precondition(row < nObs)
        let base = row * nVar
        for g in 0..<nVar {
          let v = dense[base + g]
          if !v.isFinite { bad += 1; if firstBad == nil { firstBad = (row, g) } }
          values[g * s + j] = v
        }
      }
      if let (row, g) = firstBad {
        throw OmicsError(
          "X has \(bad) NaN or infinite value\(bad == 1 ? "" : "s") in the samples used (first: sample \(matrix.obs.index[row]), gene \(matrix.var.index[g]))")
      }
      self.init(genes: matrix.var.index, sampleCount: s, values: values)
    }
  }

  /// The whole run.
  public struct Report: Sendable {
    /// Results in the preranked layout (Broad statistics filled), for the writers and plots.
    public var prerank: PrerankGSEA.Report
    /// The phenotype used.
    public var phenotype: PhenotypeLabels
    /// Genes dropped before ranking (constant within both classes, or constant).
    public var droppedGenes: [String]
    /// The null ES: `null[s][π]` for tested set s (order of `prerank.results`) and permutation π.
    public var null: [[Double]]
  }

  /// The metric of every gene of `values` (gene-major, `sampleCount` per gene) for a phenotype.
  /// Two classes: means and sample standard deviations in sample order, two passes (GSEApy's
  /// arithmetic). Pearson: `centered` is the centered phenotype; gene rows must be centered already
  /// with their norms in `norms`.
  static func twoClassMetric(
    values: UnsafePointer<Double>, geneCount: Int, sampleCount s: Int, isPositive: UnsafePointer<Bool>,
    metric: PhenotypeLabels.Metric, out: UnsafeMutablePointer<Double>
  ) {
    var nPos = 0
    for j in 0..<s where isPositive[j] { nPos += 1 }
    let nNeg = s - nPos
    let dPos = Double(nPos), dNeg = Double(nNeg)
    for g in 0..<geneCount {
      let row = values + g * s
      var sumP = 0.0, sumN = 0.0
      for j in 0..<s {
        if isPositive[j] { sumP += row[j] } else { sumN += row[j] }
      }
      let meanP = sumP / dPos, meanN = sumN / dNeg
      var ssP = 0.0, ssN = 0.0
      for j in 0..<s {
        if isPositive[j] {
          let d = meanP - row[j]; ssP += d * d
        } else {
          let d = meanN - row[j]; ssN += d * d
        }
      }
      let sdP = (ssP / Double(nPos - 1)).squareRoot()
      let sdN = (ssN / Double(nNeg - 1)).squareRoot()
      switch metric {
      case .signalToNoise, .pearson, .absSignalToNoise:
        var cP = Swift.max(sdP, 0.2 * Swift.abs(meanP))
        if cP == 0 { cP = 0.2 }
        var cN = Swift.max(sdN, 0.2 * Swift.abs(meanN))
        if cN == 0 { cN = 0.2 }
        let s2n = (meanP - meanN) / (cP + cN)
        out[g] = metric == .absSignalToNoise ? Swift.abs(s2n) : s2n
      case .diffOfClasses:
        out[g] = meanP - meanN
      case .ratioOfClasses:
        out[g] = Swift.max(meanP, ratioFloor) / Swift.max(meanN, ratioFloor)
      case .log2RatioOfClasses:
        out[g] = Foundation.log2(Swift.max(meanP, ratioFloor) / Swift.max(meanN, ratioFloor))
      case .tTest:
        let denom = (sdP * sdP / dPos + sdN * sdN / dNeg).squareRoot()
        // Both classes constant (possible only under a permutation of a gene with few distinct
        // values): t is undefined; rank it as no difference.
        out[g] = denom > 0 ? (meanP - meanN) / denom : 0
      }
    }
  }

  /// Pearson r of every (centered) gene row with the centered phenotype `y`.
  static func pearsonMetric(
    centered: UnsafePointer<Double>, norms: UnsafePointer<Double>, geneCount: Int, sampleCount s: Int,
    y: UnsafePointer<Double>, yNorm: Double, out: UnsafeMutablePointer<Double>
  ) {
    for g in 0..<geneCount {
      let row = centered + g * s
      var dot = 0.0
      for j in 0..<s { dot += row[j] * y[j] }
      out[g] = dot / (norms[g] * yNorm)
    }
  }

  /// Runs the analysis on `expression` (its samples are the phenotype's kept samples, in order).
  public static func run(
    expression: Expression, phenotype: PhenotypeLabels, sets: GeneSetCollection, options: Options
  ) throws -> Report {
    guard options.permutations >= 1 else { throw OmicsError("--permutations must be at least 1, got \(options.permutations)") }
    guard options.threads >= 1 else { throw OmicsError("--threads must be at least 1, got \(options.threads)") }
    let s = expression.sampleCount
    guard s == phenotype.samples.count, expression.values.count == expression.genes.count * s else {
      throw OmicsError("the expression matrix has \(s) samples but the phenotype \(phenotype.samples.count)")
    }
    if let bad = expression.values.firstIndex(where: { !$0.isFinite }) {
      throw OmicsError("the expression matrix has a NaN or infinite value (gene \(expression.genes[bad / s]))")
    }
    let metric = phenotype.metric
    switch phenotype.kind {
    case .numeric where metric.needsTwoClasses:
      throw OmicsError("--metric \(metric.rawValue) needs two classes; the phenotype is numeric (use pearson)")
    case .classes where !metric.needsTwoClasses:
      throw OmicsError("--metric pearson needs a numeric phenotype; the phenotype has two classes")
    default: break
    }
    if metric.needsNonNegativeValues, let bad = expression.values.firstIndex(where: { $0 < 0 }) {
      throw OmicsError(
        "--metric \(metric.rawValue) needs non-negative expression; gene \(expression.genes[bad / s]) has \(expression.values[bad]) (use diff_of_classes or signal_to_noise for log-scale data)")
    }

    // 1. Drop genes that cannot be ranked.
    var keep: [Int] = []
    var dropped: [String] = []
    expression.values.withUnsafeBufferPointer { v in
      for g in 0..<expression.genes.count {
        let row = v.baseAddress! + g * s
        var constant = true
        switch phenotype.kind {
        case .classes(_, _, let isPositive):
          var first: [Bool: Double] = [:]
          for j in 0..<s {
            if let f = first[isPositive[j]] { if row[j] != f { constant = false; break } } else { first[isPositive[j]] = row[j] }
          }
        case .numeric:
          for j in 1..<s where row[j] != row[0] { constant = false; break }
        }
        if constant { dropped.append(expression.genes[g]) } else { keep.append(g) }
      }
    }
    guard keep.count >= 2 else {
      throw OmicsError("fewer than 2 genes vary within the classes (\(dropped.count) of \(expression.genes.count) dropped as constant)")
    }
    let geneCount = keep.count
    let genes = keep.map { expression.genes[$0] }
    var data = [Double](repeating: 0, count: geneCount * s)
    for (i, g) in keep.enumerated() {
      for j in 0..<s { data[i * s + j] = expression.values[g * s + j] }
    }
    // Pearson: center rows and the phenotype once.
    var yCentered: [Double] = []
    var yNorm = 0.0
    var norms: [Double] = []
    if case .numeric(let y) = phenotype.kind {
      let yMean = y.reduce(0, +) / Double(s)
      yCentered = y.map { $0 - yMean }
      yNorm = yCentered.reduce(0) { $0 + $1 * $1 }.squareRoot()
      norms = [Double](repeating: 0, count: geneCount)
      for g in 0..<geneCount {
        var sum = 0.0
        for j in 0..<s { sum += data[g * s + j] }
        let mean = sum / Double(s)
        var ss = 0.0
        for j in 0..<s { data[g * s + j] -= mean; ss += data[g * s + j] * data[g * s + j] }
        norms[g] = ss.squareRoot()
      }
    }
    let isPositiveObserved: [Bool]
    if case .classes(_, _, let p) = phenotype.kind { isPositiveObserved = p } else { isPositiveObserved = [] }

    func computeMetric(labels: [Bool], y: [Double], into out: UnsafeMutablePointer<Double>) {
      data.withUnsafeBufferPointer { d in
        if metric == .pearson {
          norms.withUnsafeBufferPointer { n in
            y.withUnsafeBufferPointer { yy in
              pearsonMetric(
                centered: d.baseAddress!, norms: n.baseAddress!, geneCount: geneCount, sampleCount: s, y: yy.baseAddress!,
                yNorm: yNorm, out: out)
            }
          }
        } else {
          labels.withUnsafeBufferPointer { l in
            twoClassMetric(
              values: d.baseAddress!, geneCount: geneCount, sampleCount: s, isPositive: l.baseAddress!, metric: metric, out: out)
          }
        }
      }
    }

    // 2. Observed ranking and ES.
    var observedMetric = [Double](repeating: 0, count: geneCount)
    observedMetric.withUnsafeMutableBufferPointer { computeMetric(labels: isPositiveObserved, y: yCentered, into: $0.baseAddress!) }
    let ranking = try RankedList(name: "phenotype", genes: genes, scores: observedMetric)
    let input = try PrerankInput(
      ranking: ranking, sets: sets, minSize: options.minSize, maxSize: options.maxSize, weight: options.weight)
    try input.requireTestableSets(sets, minSize: options.minSize, maxSize: options.maxSize, genesDescription: "the expression matrix")
    let observed = input.enrichmentScores()
    let es = observed.map(\.es)
    let m = input.pathways.count
    var geneIndex: [String: Int32] = [:]
    for (i, g) in genes.enumerated() { geneIndex[g] = Int32(i) }
    let setGenes: [[Int32]] = input.pathways.map { p in p.positions.map { geneIndex[input.genes[Int($0)]]! } }

    // 3. Null by label permutation.
    let nPerm = options.permutations
    let nullStore = NullStore(count: m * nPerm)
    let workers = max(1, min(options.threads, nPerm))
    let weight = options.weight
    DispatchQueue.concurrentPerform(iterations: workers) { w in
      let lo = nPerm * w / workers, hi = nPerm * (w + 1) / workers
      guard lo < hi else { return }
      var labels = isPositiveObserved
      var y = yCentered
      var values = [Double](repeating: 0, count: geneCount)
      var order = [Int32](repeating: 0, count: geneCount)
      var rankOf = [Int32](repeating: 0, count: geneCount)
      var weights = [Double](repeating: 0, count: geneCount)
      var positions = [Int32](repeating: 0, count: options.maxSize + 1)
      for perm in lo..<hi {
        var rng = SeededGenerator(seed: options.seed, stream: UInt64(perm))
        if metric == .pearson {
          y = yCentered
          for i in stride(from: s - 1, to: 0, by: -1) { y.swapAt(i, rng.below(i + 1)) }
        } else {
          labels = isPositiveObserved
          for i in stride(from: s - 1, to: 0, by: -1) { labels.swapAt(i, rng.below(i + 1)) }
        }
        values.withUnsafeMutableBufferPointer { computeMetric(labels: labels, y: y, into: $0.baseAddress!) }
        for i in 0..<geneCount { order[i] = Int32(i) }
        values.withUnsafeBufferPointer { v in
          order.sort { a, b in
            let x = v[Int(a)], z = v[Int(b)]
            return x > z || (x == z && a < b)
          }
        }
        for r in 0..<geneCount {
          let g = Int(order[r])
          rankOf[g] = Int32(r)
          let a = Swift.abs(values[g])
          weights[r] = weight == 1 ? a : (weight == 0 ? 1.0 : Foundation_pow(a, weight))
        }
        weights.withUnsafeBufferPointer { wp in
          positions.withUnsafeMutableBufferPointer { pos in
            for si in 0..<m {
              let members = setGenes[si]
              let k = members.count
              for i in 0..<k { pos[i] = rankOf[Int(members[i])] }
              var slice = UnsafeMutableBufferPointer(rebasing: pos[0..<k])
              slice.sort()
              nullStore.set(si * nPerm + perm, EnrichmentScore.value(
                positions: UnsafePointer(pos.baseAddress!), count: k, weights: wp.baseAddress!, geneCount: geneCount))
            }
          }
        }
      }
    }
    let flat = nullStore.values
    let null: [[Double]] = (0..<m).map { Array(flat[($0 * nPerm)..<(($0 + 1) * nPerm)]) }

    // 4. Statistics.
    let broad = BroadStatistics.compute(es: es, null: null)
    var pval = [Double](repeating: .nan, count: m)
    var nes = [Double](repeating: .nan, count: m)
    var log2err = [Double](repeating: .nan, count: m)
    var unbalanced = 0
    for i in 0..<m {
      var c = GenePermutationNull.Counts()
      for v in null[i] {
        if v <= es[i] { c.leEs += 1 }
        if v >= es[i] { c.geEs += 1 }
        if v <= 0 { c.leZero += 1; c.leZeroSum += v }
        if v >= 0 { c.geZero += 1; c.geZeroSum += v }
      }
      let geMean = c.geZero > 0 ? c.geZeroSum / Double(c.geZero) : 0
      let leMean = c.leZero > 0 ? c.leZeroSum / Double(c.leZero) : 0
      if es[i] > 0 && geMean != 0 { nes[i] = es[i] / geMean }
      if es[i] <= 0 && leMean != 0 { nes[i] = es[i] / Swift.abs(leMean) }
      let modeFraction = es[i] >= 0 ? c.geZero : c.leZero
      if modeFraction < 10 { unbalanced += 1; continue }
      pval[i] = min(Double(1 + c.leEs) / Double(1 + c.leZero), Double(1 + c.geEs) / Double(1 + c.geZero))
      log2err[i] = PrerankGSEA.simpleError(es[i] > 0 ? c.geEs : c.leEs, nPerm)
    }
    let padj = SpecialFunctions.benjaminiHochberg(pval)
    var results: [PrerankGSEA.Result] = []
    results.reserveCapacity(m)
    for i in 0..<m {
      let pathway = input.pathways[i]
      let hits = observed[i].leadingEdgeHits(count: pathway.positions.count)
      results.append(PrerankGSEA.Result(
        pathway: pathway.name, size: pathway.positions.count, es: es[i], nes: nes[i], pval: pval[i], padj: padj[i],
        log2err: log2err[i], leadingEdge: hits.map { input.genes[Int(pathway.positions[$0])] },
        peakRank: observed[i].peakHit.map { Int(pathway.positions[$0]) }, broad: broad[i], positions: pathway.positions))
    }
    var prerankOptions = PrerankGSEA.Options()
    prerankOptions.minSize = options.minSize
    prerankOptions.maxSize = options.maxSize
    prerankOptions.weight = options.weight
    prerankOptions.permutations = nPerm
    prerankOptions.seed = options.seed
    prerankOptions.threads = options.threads
    prerankOptions.statistics = .broad
    prerankOptions.eps = 0
    let report = PrerankGSEA.Report(
      results: results, input: input, options: prerankOptions, multilevelSets: 0, unbalancedSets: unbalanced)
    return Report(prerank: report, phenotype: phenotype, droppedGenes: dropped, null: null)
  }
}

/// Class means below this are raised to it in the ratio metrics, so that a class of zeros gives a
/// large finite ratio instead of a division by zero (GSEApy adds 1e-8 to every value instead).
let ratioFloor = 1e-8

/// The null ES matrix written by worker threads (each slot once, disjoint slots).
final class NullStore: @unchecked Sendable {
  private let buffer: UnsafeMutableBufferPointer<Double>
  init(count: Int) {
    buffer = .allocate(capacity: count)
    buffer.initialize(repeating: 0)
  }
  deinit { buffer.deallocate() }
  @inline(__always) func set(_ index: Int, _ value: Double) { buffer[index] = value }
  var values: [Double] { Array(buffer) }
}
