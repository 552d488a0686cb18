import OmicsCore
import OmicsIO

/// What one mapping run did to a list of genes (a ranked list or the genes of a matrix).
public struct OrthologMappingSummary: Sendable, Equatable {
  /// Input genes with at least one target.
  public var mapped = 0
  /// Input genes with no target under the policy.
  public var dropped = 0
  /// Input genes with more than one target (their value goes to every target).
  public var ambiguous = 0
  /// Input genes matched only when case was ignored.
  public var caseInsensitiveMatches = 0
  /// Output genes that received more than one input gene (many-to-one, collapsed).
  public var collapsedTargets = 0
  /// Input genes that look like spreadsheet-converted dates (`1-MAR`, `2023-09-01`), in order.
  public var spreadsheetDamaged: [String] = []
  /// Output genes.
  public var outputGenes = 0

  public init() {}

  /// One line for the run summary.
  public var description: String {
    var text = "genes mapped \(mapped), dropped \(dropped), ambiguous \(ambiguous), case-insensitive \(caseInsensitiveMatches); "
      + "\(outputGenes) output genes, \(collapsedTargets) of them collapsed from several input genes"
    if !spreadsheetDamaged.isEmpty {
      let shown = spreadsheetDamaged.prefix(5).joined(separator: ", ") + (spreadsheetDamaged.count > 5 ? ", …" : "")
      text += "; \(spreadsheetDamaged.count) input gene\(spreadsheetDamaged.count == 1 ? " looks" : "s look") like spreadsheet-converted dates (\(shown))"
    }
    return text
  }
}

extension OrthologMapper {
  /// How several input scores that land on one output gene of a ranked list become one.
  public enum RankCollapse: String, Sendable, CaseIterable {
    /// The score of largest absolute value; on an exact tie of |score| the input ranked higher
    /// (so +s before −s) wins. The default: it keeps the strongest evidence, like GSEA's
    /// `Abs_max_of_probes` collapsing mode.
    case maxAbs = "max-abs"
    /// The arithmetic mean of the scores.
    case mean
  }

  /// Per-output-gene source positions: the targets in order of first appearance (input order)
  /// and, for each, the input positions that map to it.
  func groups(_ genes: [String], summary: inout OrthologMappingSummary) -> (targets: [String], sources: [[Int]]) {
    var index: [String: Int] = [:]
    var targets: [String] = []
    var sources: [[Int]] = []
    for (i, gene) in genes.enumerated() {
      if SpreadsheetDamage.looksDamaged(gene) { summary.spreadsheetDamaged.append(gene) }
      let (t, folded) = self.targets(of: gene)
      if t.isEmpty { summary.dropped += 1; continue }
      summary.mapped += 1
      if t.count > 1 { summary.ambiguous += 1 }
      if folded { summary.caseInsensitiveMatches += 1 }
      for g in t {
        if let k = index[g] {
          if sources[k].last != i { sources[k].append(i) }
        } else {
          index[g] = targets.count
          targets.append(g)
          sources.append([i])
        }
      }
    }
    summary.collapsedTargets = sources.filter { $0.count > 1 }.count
    summary.outputGenes = targets.count
    return (targets, sources)
  }

  /// Maps a ranked list: each input score goes to every target of its gene; an output gene that
  /// receives several scores keeps one by `collapse`. The result is ranked again (ties keep the
  /// order of first appearance in the input ranking).
  public func map(_ list: RankedList, collapse: RankCollapse = .maxAbs) throws -> (list: RankedList, summary: OrthologMappingSummary) {
    var summary = OrthologMappingSummary()
    let (targets, sources) = groups(list.genes, summary: &summary)
    let scores = sources.map { positions -> Double in
      switch collapse {
      case .maxAbs:
        var best = list.scores[positions[0]]
        for p in positions.dropFirst() where abs(list.scores[p]) > abs(best) { best = list.scores[p] }
        return best
      case .mean:
        return positions.reduce(0.0) { $0 + list.scores[$1] } / Double(positions.count)
      }
    }
    return (try RankedList(name: list.name, genes: targets, scores: scores), summary)
  }

  /// Maps gene sets like ``map(_:)-(GeneSetCollection)`` and also lists, per set, the genes
  /// that look like spreadsheet-converted dates.
  public func mapWithDamage(_ sets: GeneSetCollection) throws -> (sets: GeneSetCollection, counts: [Counts], damaged: [[String]]) {
    let (mapped, counts) = try map(sets)
    return (mapped, counts, sets.sets.map { SpreadsheetDamage.damaged(in: $0.genes) })
  }
}

/// Re-indexes the genes (var) of an expression matrix through an ``OrthologMapper``.
public enum OrthologMatrixMapping {
  /// How the columns of several input genes that map to one output gene are combined.
  public enum Aggregation: String, Sendable, CaseIterable {
    case sum, mean, max
  }

  /// Maps `matrix`, whose genes are `genes` (the var index or a var column), through `mapper`.
  ///
  /// Each output gene is a column aggregated over the input genes that map to it (an input gene
  /// with several targets contributes its column to each). Output var: the target genes in order
  /// of first appearance, with columns `source_genes` (input genes joined by `;`) and `n_sources`.
  /// X and every layer are mapped; float32 stays float32, other types become float64; a sparse
  /// matrix stays sparse (CSR; CSC input is converted), implicit zeros count as values for `mean`
  /// and `max`. obs, obsm, obsp and uns are kept; varm, varp and raw (indexed by the old genes)
  /// are dropped and named in `droppedSlots`.
  public static func map(
    _ matrix: ExpressionMatrix, genes: [String], mapper: OrthologMapper, aggregate: Aggregation
  ) throws -> (matrix: ExpressionMatrix, summary: OrthologMappingSummary, droppedSlots: [String]) {
    guard genes.count == matrix.nVars else {
      throw OmicsError("internal: \(genes.count) gene names for \(matrix.nVars) genes")
    }
    var summary = OrthologMappingSummary()
    let (targets, sources) = mapper.groups(genes, summary: &summary)
    var out = matrix
    out.X = matrix.X.map { aggregateMatrix($0, sources: sources, aggregate) }
    for (name, layer) in matrix.layers { out.layers[name] = aggregateMatrix(layer, sources: sources, aggregate) }
    out.var = DataFrame(
      index: targets, indexName: matrix.var.indexName,
      columns: [
        "source_genes": .stringArray(StringArray(sources.map { $0.map { genes[$0] }.joined(separator: ";") })),
        "n_sources": .array(DenseArray(shape: [targets.count], values: .int64(sources.map { Int64($0.count) }))),
      ])
    var dropped: [String] = []
    if !matrix.varm.isEmpty { dropped.append("varm"); out.varm = [:] }
    if !matrix.varp.isEmpty { dropped.append("varp"); out.varp = [:] }
    if matrix.raw != nil { dropped.append("raw"); out.raw = nil }
    return (out, summary, dropped)
  }

  /// One matrix (cells × genes) aggregated to cells × targets.
  static func aggregateMatrix(_ m: Matrix, sources: [[Int]], _ aggregate: Aggregation) -> Matrix {
    let nTargets = sources.count
    // For each input column, the targets it feeds.
    var feeds = [[Int32]](repeating: [], count: m.cols)
    for (t, list) in sources.enumerated() { for s in list { feeds[s].append(Int32(t)) } }
    let counts = sources.map { Double($0.count) }
    switch m {
    case .dense(let d):
      let rows = m.rows
      let cols = m.cols
      let values = d.values.doubles()
      var result = [Double](repeating: 0, count: rows * nTargets)
      var seen = [Bool](repeating: false, count: nTargets)
      for r in 0..<rows {
        for k in 0..<nTargets { seen[k] = false }
        let base = r * nTargets
        for c in 0..<cols where !feeds[c].isEmpty {
          let v = values[r * cols + c]
          for t32 in feeds[c] {
            let t = Int(t32)
            if !seen[t] { seen[t] = true; result[base + t] = v; continue }
            result[base + t] = aggregate == .max ? Swift.max(result[base + t], v) : result[base + t] + v
          }
        }
        if aggregate == .mean { for t in 0..<nTargets { result[base + t] /= counts[t] } }
      }
      return .dense(DenseArray(shape: [rows, nTargets], values: storage(result, like: d.values.scalarType)))
    case .sparse(let s0):
      let s = s0.layout == .csr ? s0 : s0.converted(to: .csr)
      let data = s.data.doubles()
      var indptr: [Int64] = [0]
      var indices: [Int32] = []
      var values: [Double] = []
      var acc = [Double](repeating: 0, count: nTargets)
      var present = [Int32](repeating: 0, count: nTargets)
      var touched: [Int32] = []
      for r in 0..<s.rows {
        touched.removeAll(keepingCapacity: true)
        for p in Int(s.indptr[r])..<Int(s.indptr[r + 1]) {
          let v = data[p]
          for t32 in feeds[Int(s.indices[p])] {
            let t = Int(t32)
            if present[t] == 0 { touched.append(t32); acc[t] = v } else {
              acc[t] = aggregate == .max ? Swift.max(acc[t], v) : acc[t] + v
            }
            present[t] += 1
          }
        }
        touched.sort()
        for t32 in touched {
          let t = Int(t32)
          var v = acc[t]
          switch aggregate {
          case .sum: break
          case .mean: v /= counts[t]
          case .max: if Double(present[t]) < counts[t] { v = Swift.max(v, 0) }  // an implicit zero takes part
          }
          present[t] = 0
          if v != 0 { indices.append(t32); values.append(v) }
        }
        indptr.append(Int64(indices.count))
      }
      return .sparse(SparseMatrix(layout: .csr, rows: s.rows, cols: nTargets, indptr: indptr, indices: indices,
        data: storage(values, like: s.data.scalarType)))
    }
  }

  static func storage(_ values: [Double], like type: ScalarType) -> NumericArray {
    type == .float32 ? .float32(values.map { Float($0) }) : .float64(values)
  }
}
