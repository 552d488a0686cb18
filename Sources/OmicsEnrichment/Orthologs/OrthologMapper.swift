import OmicsCore
import OmicsIO

/// Maps gene identifiers from the source to the target species of an ``OrthologTable`` under a
/// policy, and gene sets through it with per-set counts.
///
/// Matching: a gene that is a source id in the table (stable id, or an alias such as an NCBI GeneID,
/// `HGNC:…` or `MGI:…` id) is matched by id; otherwise by source
/// symbol (exactly, or ignoring case with `caseInsensitive`, counted separately). Targets are
/// written as symbols (or ids with `targetIDs`; a pair missing the wanted identifier is skipped).
public struct OrthologMapper: Sendable {
  /// Which pairs count.
  public enum Policy: Sendable, Equatable {
    /// Only one-to-one pairs (the default).
    case oneToOne
    /// One-to-one pairs flagged high-confidence (BioMart) or supported by ≥ 2 predictors (HCOP).
    case oneToOneHighConfidence
    /// Any pair supported by at least this many predictors (a gene may then map to several).
    case minimumSupport(Int)
  }

  /// Per-gene-set (or whole-list) counts.
  public struct Counts: Sendable, Equatable {
    /// Input genes with at least one target.
    public var mapped = 0
    /// Input genes with no target under the policy.
    public var dropped = 0
    /// Input genes with more than one target (all kept).
    public var ambiguous = 0
    /// Genes matched only when case was ignored.
    public var caseInsensitiveMatches = 0

    /// Counts.
    public init(mapped: Int = 0, dropped: Int = 0, ambiguous: Int = 0, caseInsensitiveMatches: Int = 0) {
      self.mapped = mapped
      self.dropped = dropped
      self.ambiguous = ambiguous
      self.caseInsensitiveMatches = caseInsensitiveMatches
    }
  }

  let byID: [String: [String]]
  let bySymbol: [String: [String]]
  let byFoldedSymbol: [String: [String]]
  public let caseInsensitive: Bool

  /// A mapper for `table` under `policy`.
  public init(table: OrthologTable, policy: Policy = .oneToOne, caseInsensitive: Bool = false, targetIDs: Bool = false) {
    var byID: [String: [String]] = [:]
    var bySymbol: [String: [String]] = [:]
    var folded: [String: [String]] = [:]
    for edge in table.edges {
      let keep: Bool
      switch policy {
      case .oneToOne: keep = edge.type == .oneToOne
      case .oneToOneHighConfidence: keep = edge.type == .oneToOne && (edge.highConfidence ?? (edge.support >= 2))
      case .minimumSupport(let k): keep = edge.support >= k
      }
      guard keep, let target = targetIDs ? edge.targetID : edge.targetSymbol else { continue }
      byID[edge.sourceID, default: []].append(target)
      for alias in edge.sourceAliases where alias != edge.sourceID { byID[alias, default: []].append(target) }
      if let symbol = edge.sourceSymbol {
        bySymbol[symbol, default: []].append(target)
        folded[symbol.uppercased(), default: []].append(target)
      }
    }
    func unique(_ d: [String: [String]]) -> [String: [String]] {
      d.mapValues { list in var seen = Set<String>(); return list.filter { seen.insert($0).inserted } }
    }
    self.byID = unique(byID)
    self.bySymbol = unique(bySymbol)
    self.byFoldedSymbol = unique(folded)
    self.caseInsensitive = caseInsensitive
  }

  /// The targets of one gene (empty when none) and whether only a case-insensitive match found it.
  public func targets(of gene: String) -> (targets: [String], caseFolded: Bool) {
    if let t = byID[gene] { return (t, false) }
    if let t = bySymbol[gene] { return (t, false) }
    if caseInsensitive, let t = byFoldedSymbol[gene.uppercased()] { return (t, true) }
    return ([], false)
  }

  /// Maps every set; genes of a set map to the union of their targets (XGSEA's rule), in order.
  public func map(_ sets: GeneSetCollection) throws -> (sets: GeneSetCollection, counts: [Counts]) {
    var out: [GeneSet] = []
    var counts: [Counts] = []
    for set in sets.sets {
      var c = Counts()
      var seen = Set<String>()
      var genes: [String] = []
      for gene in set.genes {
        let (t, folded) = targets(of: gene)
        if t.isEmpty { c.dropped += 1; continue }
        c.mapped += 1
        if t.count > 1 { c.ambiguous += 1 }
        if folded { c.caseInsensitiveMatches += 1 }
        for g in t where seen.insert(g).inserted { genes.append(g) }
      }
      out.append(GeneSet(name: set.name, description: set.description, genes: genes, metadata: set.metadata))
      counts.append(c)
    }
    return (try GeneSetCollection(out, source: sets.source), counts)
  }
}
