import Foundation
import OmicsCore
import OmicsEnrichment
import OmicsIO

/// Pathway enrichment of each node's top genes (background §1.5, `PATHWAY_ANALYSIS/Fishers_Test.py`):
/// the top N genes of a node by attribution weight (ties by gene order), N = the mean size of the
/// collection's sets within the training genes (upstream: the average pathway size per collection),
/// a one-sided Fisher exact test (= hypergeometric upper tail P(X ≥ k), universe = the training
/// genes) for every set, then Benjamini–Hochberg **across nodes** for each set.
///
/// Upstream fills cell [1,1] of the 2×2 table with G − in_pathway_other (l.128) instead of
/// G − N − in_pathway_other; the table here is the correct one (its margins are N, M and G).
public enum NodePathways {
  public struct Row: Sendable, Equatable {
    public var node: Int
    public var pathway: String
    /// k: top genes in the set; M: set genes among the training genes; N: top genes.
    public var overlap: Int
    public var setSize: Int
    public var topGenes: Int
    public var pValue: Double
    public var fdr: Double
    public var genes: [String]
  }

  /// Rows with at least one overlapping gene, by node then p-value. `weights` is nodes × genes.
  public static func test(weights: [Double], nodes: Int, genes: [String], sets: GeneSetCollection, top: Int? = nil) throws
    -> (rows: [Row], topN: Int)
  {
    let g = genes.count
    var position: [String: Int] = [:]
    for (j, gene) in genes.enumerated() where position[gene] == nil { position[gene] = j }
    let members: [(String, Set<Int>)] = sets.sets.map { s in (s.name, Set(s.genes.compactMap { position[$0] })) }.filter { !$0.1.isEmpty }
    guard !members.isEmpty else { throw OmicsError(file: sets.source, "no gene set shares a gene with the training genes") }
    let n = top ?? max(1, Int((Double(members.map(\.1.count).reduce(0, +)) / Double(members.count)).rounded()))
    var tops: [[Int]] = []
    for c in 0..<nodes {
      let order = (0..<g).sorted { a, b in
        let wa = weights[c * g + a], wb = weights[c * g + b]
        return wa != wb ? wa > wb : a < b
      }
      tops.append(Array(order.prefix(n)))
    }
    var rows: [Row] = []
    for (name, set) in members {
      var logP: [Double] = [], pending: [Row] = []
      for c in 0..<nodes {
        let hits = tops[c].filter { set.contains($0) }
        let lp = Hypergeometric.logUpperTail(k: hits.count, N: g, M: set.count, n: min(n, g))
        logP.append(lp)
        pending.append(Row(node: c, pathway: name, overlap: hits.count, setSize: set.count, topGenes: min(n, g),
                           pValue: exp(lp), fdr: 1, genes: hits.map { genes[$0] }))
      }
      let adjusted = OverRepresentation.logBenjaminiHochberg(logP)
      for i in pending.indices where pending[i].overlap > 0 {
        var r = pending[i]
        r.fdr = exp(adjusted[i])
        rows.append(r)
      }
    }
    rows.sort { $0.node != $1.node ? $0.node < $1.node : ($0.pValue != $1.pValue ? $0.pValue < $1.pValue : $0.pathway < $1.pathway) }
    return (rows, n)
  }

  /// `node_pathways.tsv`.
  public static func tsv(_ rows: [Row]) throws -> Data {
    var text = "node\tpathway\toverlap\tset_size\ttop_genes\tp_value\tfdr\tgenes\n"
    for r in rows {
      text += "node_\(r.node)\t\(r.pathway)\t\(r.overlap)\t\(r.setSize)\t\(r.topGenes)\t\(r.pValue)\t\(r.fdr)\t\(r.genes.joined(separator: ","))\n"
    }
    return Data(text.utf8)
  }
}
