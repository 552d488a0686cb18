import OmicsCore
import OrderedCollections

/// `omics filter`: scanpy's `filter_cells`/`filter_genes` thresholds, then DeepProfile's MAD gene
/// filter, on X or a layer. Cells are filtered first, then genes by their counts over the remaining
/// cells, then genes by MAD.
public struct GeneFilter: Sendable {
  public struct Options: Sendable, Equatable {
    /// Keep cells with at least this many genes > 0 (scanpy `filter_cells(min_genes=)`).
    public var minGenes: Int?
    /// Keep cells with at least this total (scanpy `filter_cells(min_counts=)`).
    public var minCellCounts: Double?
    /// Keep genes > 0 in at least this many cells (scanpy `filter_genes(min_cells=)`).
    public var minCells: Int?
    /// Keep genes with at least this total (scanpy `filter_genes(min_counts=)`).
    public var minCounts: Double?
    /// The MAD rule, or nil for no MAD filtering.
    public var mad: MADFilter.Rule?
    /// Multiply MADs by this (1, or 1.4826 for `--scale normal`) before the rule and in reports.
    public var madScale: Double = 1
    /// Filter on this layer instead of X.
    public var layer: String?
    public init() {}
  }

  /// What the filter did.
  public struct Report: Sendable, Equatable {
    public var cellsIn = 0, cellsKept = 0, genesIn = 0, genesKept = 0
    /// Per gene (after the cell and count filters): its name, scaled MAD and whether it was kept.
    public var madGenes: [String] = []
    public var mads: [Double] = []
    public var madKept: [Bool] = []
    public var madThreshold: Double?
  }

  public var options: Options
  public init(_ options: Options) { self.options = options }

  /// Runs the filter. Throws when nothing is left (no output should be written) or the data are not finite.
  public func apply(_ input: ExpressionMatrix) throws -> (ExpressionMatrix, Report) {
    var m = input
    var report = Report()
    report.cellsIn = m.nObs
    report.genesIn = m.nVars
    _ = try MatrixSlots.matrix(m, layer: options.layer)

    if options.minGenes != nil || options.minCellCounts != nil {
      let counts = AxisCounts(try MatrixSlots.matrix(m, layer: options.layer))
      var keep = [Bool](repeating: true, count: m.nObs)
      if let v = options.minGenes {
        m.obs.columns["n_genes"] = .array(DenseArray(shape: [m.nObs], values: .int64(counts.rowPositive.map(Int64.init))))
        for i in keep.indices where counts.rowPositive[i] < v { keep[i] = false }
      }
      if let v = options.minCellCounts {
        m.obs.columns["n_counts"] = .array(DenseArray(shape: [m.nObs], values: sumValues(counts.rowSums, m, options.layer)))
        for i in keep.indices where counts.rowSums[i] < v { keep[i] = false }
      }
      let positions = keep.indices.filter { keep[$0] }
      guard !positions.isEmpty else {
        throw OmicsError("no cells pass the cell filters (\(cellRuleText)); nothing written")
      }
      if positions.count < m.nObs { m = ExpressionMatrixSubset.selectingObs(m, positions) }
    }

    if options.minCells != nil || options.minCounts != nil {
      let counts = AxisCounts(try MatrixSlots.matrix(m, layer: options.layer))
      var keep = [Bool](repeating: true, count: m.nVars)
      if let v = options.minCounts {
        m.var.columns["n_counts"] = .array(DenseArray(shape: [m.nVars], values: sumValues(counts.colSums, m, options.layer)))
        for i in keep.indices where counts.colSums[i] < v { keep[i] = false }
      }
      if let v = options.minCells {
        m.var.columns["n_cells"] = .array(DenseArray(shape: [m.nVars], values: .int64(counts.colPositive.map(Int64.init))))
        for i in keep.indices where counts.colPositive[i] < v { keep[i] = false }
      }
      let positions = keep.indices.filter { keep[$0] }
      guard !positions.isEmpty else {
        throw OmicsError("no genes pass the gene filters (\(geneRuleText)); nothing written")
      }
      if positions.count < m.nVars { m = MatrixSlots.selectingVars(m, positions) }
    }

    if let rule = options.mad {
      let matrix = try MatrixSlots.matrix(m, layer: options.layer)
      var mads: [Double]
      do {
        mads = try MADFilter.mads(of: matrix)
      } catch let bad as MADFilter.NonFiniteValue {
        let slot = options.layer.map { "layers/\($0)" } ?? "X"
        throw OmicsError(
          "\(slot) holds a NaN or infinite value at obs '\(m.obs.index[bad.row])', var '\(m.var.index[bad.column])'; the MAD needs finite numbers")
      }
      if options.madScale != 1 { for i in mads.indices { mads[i] *= options.madScale } }
      let (kept, threshold) = MADFilter.select(mads, rule: rule)
      report.madGenes = m.var.index
      report.mads = mads
      var flags = [Bool](repeating: false, count: mads.count)
      for k in kept { flags[k] = true }
      report.madKept = flags
      report.madThreshold = threshold
      guard !kept.isEmpty else {
        throw OmicsError("no genes pass the MAD filter (threshold \(threshold)); nothing written")
      }
      m.var.columns["mad"] = .array(DenseArray(shape: [mads.count], values: .float64(mads)))
      if kept.count < m.nVars { m = MatrixSlots.selectingVars(m, kept) }
    }
    report.cellsKept = m.nObs
    report.genesKept = m.nVars
    return (m, report)
  }

  private var cellRuleText: String {
    var parts: [String] = []
    if let v = options.minGenes { parts.append("min genes \(v)") }
    if let v = options.minCellCounts { parts.append("min cell counts \(formatNumber(v))") }
    return parts.joined(separator: ", ")
  }

  private var geneRuleText: String {
    var parts: [String] = []
    if let v = options.minCells { parts.append("min cells \(v)") }
    if let v = options.minCounts { parts.append("min counts \(formatNumber(v))") }
    return parts.joined(separator: ", ")
  }

  /// scanpy stores `n_counts` in X's dtype: float32 for float32 data, float64 otherwise (int64 for integers).
  private func sumValues(_ sums: [Double], _ m: ExpressionMatrix, _ layer: String?) -> NumericArray {
    let type = (try? MatrixSlots.matrix(m, layer: layer))?.scalarType
    switch type {
    case .float32: return .float32(sums.map(Float.init))
    case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64, .bool:
      return .int64(sums.map { Int64(exactly: $0.rounded()) ?? 0 })
    default: return .float64(sums)
    }
  }
}

/// A number as a person writes it: `10`, `0.5`.
func formatNumber(_ v: Double) -> String {
  if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
  return "\(v)"
}
