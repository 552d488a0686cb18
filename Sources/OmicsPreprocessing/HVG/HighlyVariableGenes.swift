import Foundation
import OmicsCore

/// scanpy's `highly_variable_genes` for the `seurat` and `cell_ranger` flavours (on log-normalized
/// data), with `n_top_genes` or the mean/dispersion cutoffs, and `batch_key`.
///
/// Per gene: mean and variance (ddof 1) of X (`seurat`: of expm1(X)); dispersion = var / mean
/// (`seurat`: log of it, mean log1p'd); genes are binned by mean (`seurat`: 20 equal-width bins as
/// `pd.cut`; `cell_ranger`: the 10th, 15th … 100th percentiles) and the dispersion is normalized
/// within its bin (`seurat`: mean and standard deviation; `cell_ranger`: median and MAD / 0.6745).
public enum HighlyVariableGenes {
  public enum Flavor: String, Sendable, CaseIterable { case seurat, cellRanger = "cell_ranger" }

  public struct Options: Sendable, Equatable {
    public var flavor: Flavor = .seurat
    public var nTop: Int?
    public var nBins = 20
    public var minMean = 0.0125, maxMean = 3.0, minDisp = 0.5, maxDisp = Double.infinity
    public var batchKey: String?
    public var layer: String?
    public init(flavor: Flavor = .seurat, nTop: Int? = nil, batchKey: String? = nil, layer: String? = nil) {
      self.flavor = flavor
      self.nTop = nTop
      self.batchKey = batchKey
      self.layer = layer
    }
  }

  public struct Result: Sendable, Equatable {
    public var highlyVariable: [Bool]
    public var means: [Double]
    public var dispersions: [Double]
    public var dispersionsNorm: [Double]
    /// With a batch key: in how many batches each gene was selected.
    public var nBatches: [Int]?
  }

  public static func compute(_ m: ExpressionMatrix, _ options: Options) throws -> Result {
    let matrix = try MatrixSlots.matrix(m, layer: options.layer)
    var logBase: Double?
    if case .dict(let d)? = m.uns["log1p"], case .array(let a)? = d["base"], a.values.count == 1 {
      logBase = a.values.double(at: 0)
    }
    if let bad = SeuratV3HighlyVariableGenes.scanValues(matrix).nonFinite {
      throw OmicsError("\(Clustering.slotName(options.layer)) holds a non-finite value (\(bad)); HVG needs finite numbers")
    }
    let transform: GroupedColumnSums.Transform =
      options.flavor == .seurat ? .expm1(factor: logBase.map { Foundation.log($0) } ?? 1) : .identity
    guard let key = options.batchKey else {
      let sums = GroupedColumnSums(matrix, group: nil, groups: 1, transform: transform)
      return singleBatch(sums, 0, rows: matrix.rows, options, filterUnexpressed: false)
    }
    guard let labels = m.obs.strings(key) else {
      throw OmicsError("no obs column named '\(key)' with batch labels (string or categorical)")
    }
    var batches: [String] = []
    if case .categorical(let c)? = m.obs.columns[key], case .strings(let cats) = c.categories {
      batches = cats.filter { cat in labels.contains { $0 == cat } }
    } else {
      batches = Array(Set(labels.compactMap { $0 })).sorted()
    }
    let g = matrix.cols
    let batchIndex = Dictionary(uniqueKeysWithValues: batches.enumerated().map { ($1, $0) })
    let groupOfRow = labels.map { $0.flatMap { batchIndex[$0] } ?? -1 }
    var batchSize = [Int](repeating: 0, count: batches.count)
    for b in groupOfRow where b >= 0 { batchSize[b] += 1 }
    let sums = GroupedColumnSums(matrix, group: groupOfRow, groups: batches.count, transform: transform)
    var sumMeans = [Double](repeating: 0, count: g), sumDisp = [Double](repeating: 0, count: g)
    var sumNorm = [Double](repeating: 0, count: g), nNorm = [Int](repeating: 0, count: g)
    var nDisp = [Int](repeating: 0, count: g)
    var counts = [Int](repeating: 0, count: g)
    for b in batches.indices {
      let r = singleBatch(sums, b, rows: batchSize[b], options, filterUnexpressed: true)
      for j in 0..<g {
        sumMeans[j] += r.means[j]
        if !r.dispersions[j].isNaN { sumDisp[j] += r.dispersions[j]; nDisp[j] += 1 }
        if !r.dispersionsNorm[j].isNaN { sumNorm[j] += r.dispersionsNorm[j]; nNorm[j] += 1 }
        if r.highlyVariable[j] { counts[j] += 1 }
      }
    }
    let nb = Double(batches.count)
    let means = sumMeans.map { $0 / nb }
    let disp = (0..<g).map { nDisp[$0] > 0 ? sumDisp[$0] / Double(nDisp[$0]) : .nan }
    var norm = (0..<g).map { nNorm[$0] > 0 ? sumNorm[$0] / Double(nNorm[$0]) : .nan }
    var hv = [Bool](repeating: false, count: g)
    if let n = options.nTop {
      // pandas: groupby sorts genes by name, then a stable sort on (n_batches desc, norm desc, NaN last)
      let byName = (0..<g).sorted { m.var.index[$0] < m.var.index[$1] }
      let order = byName.enumerated().sorted { a, b in
        let (i, j) = (a.element, b.element)
        if counts[i] != counts[j] { return counts[i] > counts[j] }
        let (x, y) = (norm[i], norm[j])
        if x.isNaN != y.isNaN { return !x.isNaN }
        if !x.isNaN && x != y { return x > y }
        return a.offset < b.offset
      }.map(\.element)
      for i in order.prefix(n) { hv[i] = true }
    } else {
      for j in 0..<g where norm[j].isNaN { norm[j] = 0 }
      for j in 0..<g { hv[j] = inBounds(means[j], norm[j], options) }
    }
    return Result(highlyVariable: hv, means: means, dispersions: disp, dispersionsNorm: norm, nBatches: counts)
  }

  static func inBounds(_ mean: Double, _ disp: Double, _ o: Options) -> Bool {
    mean > o.minMean && mean < o.maxMean && disp > o.minDisp && disp < o.maxDisp
  }

  /// One batch's statistics from its column sums (group `b` of `sums`, `n` rows).
  static func singleBatch(_ sums: GroupedColumnSums, _ b: Int, rows n: Int, _ options: Options, filterUnexpressed: Bool) -> Result {
    let g = sums.cols
    let sum = Array(sums.sums[(b * g)..<((b + 1) * g)]), sq = Array(sums.squares[(b * g)..<((b + 1) * g)])
    let expressed = sums.positives[(b * g)..<((b + 1) * g)].map { $0 > 0 }
    let seurat = options.flavor == .seurat
    let genes = filterUnexpressed ? (0..<g).filter { expressed[$0] } : Array(0..<g)
    var means = [Double](repeating: 0, count: g), disp = [Double](repeating: 0, count: g)
    var norm = [Double](repeating: 0, count: g)
    var hv = [Bool](repeating: false, count: g)
    var gm: [Double] = [], gd: [Double] = []
    for j in genes {
      var mean = sum[j] / Double(n)
      let variance = (sq[j] / Double(n) - mean * mean) * Double(n) / Double(max(n - 1, 1))
      if mean == 0 { mean = 1e-12 }
      var d = variance / mean
      if seurat {
        d = d == 0 ? .nan : Foundation.log(d)
        mean = Foundation.log1p(mean)
      }
      gm.append(mean)
      gd.append(d)
    }
    let bins = meanBins(gm, options)
    var members: [Int: [Int]] = [:]
    for (i, b) in bins.enumerated() { members[b, default: []].append(i) }
    var gn = [Double](repeating: .nan, count: gm.count)
    for (_, idx) in members {
      let values = idx.map { gd[$0] }.filter { !$0.isNaN }
      var avg: Double, dev: Double
      if seurat {
        avg = values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        if values.count >= 2 {
          dev = (values.map { ($0 - avg) * ($0 - avg) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
        } else {
          dev = avg  // one gene in the bin: scanpy sets dev = avg, avg = 0 (normalized dispersion 1)
          avg = 0
        }
      } else {
        let all = idx.map { gd[$0] }
        avg = median(all)
        dev = median(all.map { abs($0 - avg) / 0.6744897501960817 })
      }
      for i in idx { gn[i] = (gd[i] - avg) / dev }
    }
    for (t, j) in genes.enumerated() {
      means[j] = gm[t]
      disp[j] = gd[t]
      norm[j] = gn[t]
    }
    if let nTop = options.nTop {
      var finite = genes.map { norm[$0] }.filter { !$0.isNaN }
      finite.sort(by: >)
      if !finite.isEmpty {
        let cut = finite[min(nTop, finite.count) - 1]
        for j in genes { hv[j] = (norm[j].isNaN ? -Double.infinity : norm[j]) >= cut }
      }
    } else {
      for j in genes { hv[j] = inBounds(means[j], norm[j].isNaN ? 0 : norm[j], options) }
    }
    return Result(highlyVariable: hv, means: means, dispersions: disp, dispersionsNorm: norm, nBatches: nil)
  }

  /// Bin of every mean: `pd.cut(means, 20)` (seurat) or `pd.cut(means, [-inf, percentiles 10…100 by 5, inf])`.
  static func meanBins(_ means: [Double], _ options: Options) -> [Int] {
    guard !means.isEmpty else { return [] }
    var edges: [Double]
    if options.flavor == .seurat {
      let lo = means.min() ?? 0, hi = means.max() ?? 0
      let nb = options.nBins
      if lo == hi {
        // pandas widens a zero range by 0.1% on each side
        let adj = lo != 0 ? abs(lo) * 0.001 : 0.001
        edges = (0...nb).map { (lo - adj) + Double($0) * (2 * adj) / Double(nb) }
      } else {
        edges = (0...nb).map { lo + Double($0) * (hi - lo) / Double(nb) }
        edges[0] -= (hi - lo) * 0.001
      }
    } else {
      let sorted = means.sorted()
      edges = [-Double.infinity]
      for q in stride(from: 10.0, through: 100.0, by: 5.0) { edges.append(percentile(sorted, q)) }
      edges.append(.infinity)
    }
    // right-closed bins (edges[i], edges[i+1]]: the first edge ≥ v, minus one (numpy searchsorted left)
    return means.map { v in
      var lo = 0, hi = edges.count
      while lo < hi {
        let mid = (lo + hi) / 2
        if edges[mid] < v { lo = mid + 1 } else { hi = mid }
      }
      return max(0, lo - 1)
    }
  }

  /// numpy's default (linear) percentile of sorted values.
  static func percentile(_ sorted: [Double], _ q: Double) -> Double {
    let pos = q / 100 * Double(sorted.count - 1)
    let i = Int(pos.rounded(.down))
    let frac = pos - Double(i)
    if i + 1 >= sorted.count { return sorted[sorted.count - 1] }
    return sorted[i] + (sorted[i + 1] - sorted[i]) * frac
  }

  static func median(_ v: [Double]) -> Double {
    if v.contains(where: { $0.isNaN }) || v.isEmpty { return .nan }
    let s = v.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
  }

  /// Writes scanpy's var columns.
  public static func store(_ r: Result, in m: inout ExpressionMatrix) {
    let g = r.means.count
    m.var.columns["highly_variable"] = .array(DenseArray(shape: [g], values: .bool(r.highlyVariable)))
    m.var.columns["means"] = .array(DenseArray(shape: [g], values: .float64(r.means)))
    m.var.columns["dispersions"] = .array(DenseArray(shape: [g], values: .float64(r.dispersions)))
    m.var.columns["dispersions_norm"] = .array(DenseArray(shape: [g], values: .float32(r.dispersionsNorm.map(Float.init))))
    if let nb = r.nBatches {
      m.var.columns["highly_variable_nbatches"] = .array(DenseArray(shape: [g], values: .int64(nb.map(Int64.init))))
    }
  }
}
