import Foundation
import OmicsCore

/// scanpy's `highly_variable_genes(flavor="seurat_v3" | "seurat_v3_paper")` on raw counts
/// (Seurat's `FindVariableFeatures(method = "vst")`, and `SelectIntegrationFeatures` with batches).
///
/// Per batch: mean and variance (ddof 1) of every gene; a LOESS fit (span 0.3, degree 2) of
/// log10 variance on log10 mean over the non-constant genes gives the expected standard deviation
/// σ̂; counts are clipped at mean + σ̂·√n, and the normalized variance is the variance of the
/// clipped counts standardized by σ̂ (ddof 1). Genes are ranked by it within each batch; ranks
/// beyond `nTop` are dropped, the median of the rest and the number of batches where a gene made
/// the top decide the selection (`seurat_v3`: rank first; `seurat_v3_paper`: batches first).
/// Works on dense, CSR and CSC data in place, on all cores.
public enum SeuratV3HighlyVariableGenes {
  public struct Options: Sendable, Equatable {
    public var nTop = 2000
    public var span = 0.3
    /// `seurat_v3_paper`: sort by the number of batches first, then by median rank.
    public var paper = false
    public init(nTop: Int = 2000, span: Double = 0.3, paper: Bool = false) {
      self.nTop = nTop
      self.span = span
      self.paper = paper
    }
  }

  /// The var columns scanpy writes.
  public struct Result: Sendable, Equatable {
    public var highlyVariable: [Bool]
    /// Median rank over the batches where the gene is in the top `nTop` (NaN elsewhere).
    public var rank: [Double]
    public var means: [Double]
    public var variances: [Double]
    /// Normalized variance, averaged over batches.
    public var variancesNorm: [Double]
    /// In how many batches the gene is in the top `nTop` (written with a batch key).
    public var nBatches: [Int]
    /// Whether a batch key was used (scanpy writes `highly_variable_nbatches` only then).
    public var batched: Bool
    /// Set when the data are not non-negative integers (scanpy warns too).
    public var warning: String?
    /// Normalized variance per batch (batches × genes, row-major), for diagnostics and tests.
    var batchVariancesNorm: [Double] = []
  }

  /// - Parameters:
  ///   - counts: cells × genes raw counts.
  ///   - batches: the batch label of each cell, or nil for one batch.
  public static func compute(_ counts: Matrix, batches: [String?]?, _ options: Options) throws -> Result {
    let n = counts.rows, g = counts.cols
    guard n >= 2 else { throw OmicsError("seurat_v3 needs at least 2 cells, the matrix has \(n)") }
    guard options.nTop >= 1 else { throw OmicsError("n_top must be at least 1") }
    let scan = scanValues(counts)
    if let bad = scan.nonFinite {
      throw OmicsError("the counts hold a non-finite value (\(bad)); seurat_v3 needs finite counts")
    }
    var warning: String?
    if !scan.nonNegativeIntegers {
      warning = "flavor seurat_v3 expects raw count data, but non-integers or negative values were found"
    }

    // batches in numpy's np.unique order (sorted labels)
    var labels: [String] = []
    var groupOfRow: [Int]?
    if let batches {
      if let missing = batches.firstIndex(where: { $0 == nil }) {
        throw OmicsError("the batch column is missing for cell \(missing)")
      }
      labels = Array(Set(batches.compactMap { $0 })).sorted { Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes($1.unicodeScalars.map(\.value)) }
      let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
      groupOfRow = batches.map { index[$0!]! }
    } else {
      labels = ["all"]
    }
    let nb = labels.count
    var batchSize = [Int](repeating: 0, count: nb)
    if let groupOfRow { for b in groupOfRow { batchSize[b] += 1 } } else { batchSize[0] = n }
    for (b, size) in batchSize.enumerated() where size < 2 {
      throw OmicsError("batch '\(labels[b])' has \(size) cell; seurat_v3 needs at least 2 cells per batch")
    }

    // overall and per-batch moments in one pass each
    let overall = GroupedColumnSums(counts, group: nil, groups: 1)
    let (means, variances) = moments(overall, 0, rows: n)
    let perBatch = groupOfRow == nil ? overall : GroupedColumnSums(counts, group: groupOfRow, groups: nb)

    var clip = [Double](repeating: 0, count: nb * g)
    var regStd = [Double](repeating: 0, count: nb * g)
    var batchMeans = [Double](repeating: 0, count: nb * g)
    for b in 0..<nb {
      let (mean, variance) = moments(perBatch, b, rows: batchSize[b])
      let nonConstant = (0..<g).filter { variance[$0] > 0 }
      var estimate = [Double](repeating: 0, count: g)
      if !nonConstant.isEmpty {
        let fitted: [Double]
        do {
          fitted = try Loess.fit(
            x: nonConstant.map { Foundation.log10(mean[$0]) }, y: nonConstant.map { Foundation.log10(variance[$0]) },
            span: options.span, degree: 2)
        } catch let error as OmicsError {
          throw OmicsError("batch '\(labels[b])': \(error.message) (\(nonConstant.count) genes vary)")
        }
        for (t, j) in nonConstant.enumerated() { estimate[j] = fitted[t] }
      }
      let vmax = Double(batchSize[b]).squareRoot()
      for j in 0..<g {
        let s = Foundation.pow(10, estimate[j]).squareRoot()
        regStd[b * g + j] = s
        clip[b * g + j] = s * vmax + mean[j]
        batchMeans[b * g + j] = mean[j]
      }
    }
    let clipped = GroupedColumnSums(counts, group: groupOfRow, groups: nb, clip: clip)

    var normVar = [Double](repeating: 0, count: nb * g)
    for b in 0..<nb {
      let nObs = Double(batchSize[b])
      for j in 0..<g {
        let i = b * g + j
        let mean = batchMeans[i], s = regStd[i]
        normVar[i] = (1 / ((nObs - 1) * (s * s))) * ((nObs * (mean * mean)) + clipped.squares[i] - 2 * clipped.sums[i] * mean)
      }
    }

    // rank within each batch: 0 = largest normalized variance (numpy argsort of −v, ties by gene order)
    var ranks = [Float](repeating: 0, count: nb * g)
    for b in 0..<nb {
      let order = (0..<g).sorted { x, y in
        let (vx, vy) = (-normVar[b * g + x], -normVar[b * g + y])
        if vx.isNaN != vy.isNaN { return !vx.isNaN }
        if !vx.isNaN && vx != vy { return vx < vy }
        return x < y
      }
      for (r, j) in order.enumerated() { ranks[b * g + j] = Float(r) }
    }
    let top = Float(options.nTop)
    var nBatches = [Int](repeating: 0, count: g)
    var medianRank = [Double](repeating: .nan, count: g)
    var variancesNorm = [Double](repeating: 0, count: g)
    for j in 0..<g {
      var kept: [Float] = []
      var sum = 0.0
      for b in 0..<nb {
        let r = ranks[b * g + j]
        if r < top { kept.append(r) }
        sum += normVar[b * g + j]
      }
      nBatches[j] = kept.count
      variancesNorm[j] = sum / Double(nb)
      if !kept.isEmpty {
        kept.sort()
        let c = kept.count
        // numpy's masked median: the mean of the two middle values, in float32
        medianRank[j] = c % 2 == 1 ? Double(kept[c / 2]) : Double((kept[c / 2 - 1] + kept[c / 2]) / 2)
      }
    }
    // pandas sort_values on (rank ascending, nbatches descending) or the reverse, NaN last, stable
    let order = (0..<g).sorted { x, y in
      func byRank() -> Bool? {
        let (a, b) = (medianRank[x], medianRank[y])
        if a.isNaN != b.isNaN { return !a.isNaN }
        if !a.isNaN && a != b { return a < b }
        return nil
      }
      func byBatches() -> Bool? { nBatches[x] != nBatches[y] ? nBatches[x] > nBatches[y] : nil }
      if options.paper {
        if let d = byBatches() { return d }
        if let d = byRank() { return d }
      } else {
        if let d = byRank() { return d }
        if let d = byBatches() { return d }
      }
      return x < y
    }
    var hv = [Bool](repeating: false, count: g)
    for j in order.prefix(options.nTop) { hv[j] = true }
    return Result(
      highlyVariable: hv, rank: medianRank, means: means, variances: variances, variancesNorm: variancesNorm,
      nBatches: nBatches, batched: batches != nil, warning: warning, batchVariancesNorm: normVar)
  }

  /// Mean and variance (ddof 1) of group `b`, as scanpy's `_get_mean_var`.
  static func moments(_ s: GroupedColumnSums, _ b: Int, rows: Int) -> ([Double], [Double]) {
    let g = s.cols, n = Double(rows)
    let correction = n / (n - 1)
    var mean = [Double](repeating: 0, count: g), variance = [Double](repeating: 0, count: g)
    for j in 0..<g {
      let m = s.sums[b * g + j] / n
      mean[j] = m
      variance[j] = (s.squares[b * g + j] / n - m * m) * correction
    }
    return (mean, variance)
  }

  static func firstNonFinite(_ m: Matrix) -> Double? { scanValues(m).nonFinite }

  /// One parallel pass over the stored values: the first non-finite value met (if any) and
  /// whether all values are non-negative integers.
  static func scanValues(_ m: Matrix) -> (nonFinite: Double?, nonNegativeIntegers: Bool) {
    var result: (Double?, Bool) = (nil, true)
    withStoredValues(m) { buffer in
      func scan<T: DoubleReadable>(_ p: UnsafeBufferPointer<T>) -> (Double?, Bool) {
        let lock = NSLock()
        var bad: Double?
        var integers = true
        Parallel.forEachChunk(p.count, minimumPerChunk: 1 << 16) { range in
          // branch-free counts so the loop vectorizes; the offending value is looked up only if any
          var nonFinite = 0, nonInteger = 0
          for i in range {
            let v = p[i].asDouble
            nonFinite &+= v.isFinite ? 0 : 1
            nonInteger &+= v >= 0 && v == v.rounded(.towardZero) ? 0 : 1
          }
          let localBad = nonFinite > 0 ? range.lazy.map { p[$0].asDouble }.first { !$0.isFinite } : nil
          lock.lock()
          if bad == nil { bad = localBad }
          integers = integers && nonInteger == 0
          lock.unlock()
        }
        return (bad, integers)
      }
      switch buffer {
      case .float32(let p): result = scan(p)
      case .float64(let p): result = scan(p)
      case .int32(let p): result = (nil, !p.contains { $0 < 0 })
      case .int64(let p): result = (nil, !p.contains { $0 < 0 })
      }
    }
    return result
  }

  private static func withStoredValues(_ m: Matrix, _ body: (ReadableBuffer) -> Void) {
    switch m {
    case .dense(let d): withReadableValues(d.values, body)
    case .sparse(let s): withReadableValues(s.data, body)
    }
  }

  /// Writes scanpy's var columns (and `uns['hvg']`).
  public static func store(_ r: Result, flavor: String, in m: inout ExpressionMatrix) {
    let g = r.means.count
    m.var.columns["highly_variable"] = .array(DenseArray(shape: [g], values: .bool(r.highlyVariable)))
    m.var.columns["highly_variable_rank"] = .array(DenseArray(shape: [g], values: .float32(r.rank.map(Float.init))))
    m.var.columns["means"] = .array(DenseArray(shape: [g], values: .float64(r.means)))
    m.var.columns["variances"] = .array(DenseArray(shape: [g], values: .float64(r.variances)))
    m.var.columns["variances_norm"] = .array(DenseArray(shape: [g], values: .float64(r.variancesNorm)))
    if r.batched {
      m.var.columns["highly_variable_nbatches"] = .array(DenseArray(shape: [g], values: .int64(r.nBatches.map(Int64.init))))
    }
    m.uns["hvg"] = .dict(["flavor": .string(flavor)])
  }
}
