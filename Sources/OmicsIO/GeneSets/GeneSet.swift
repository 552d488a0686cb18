/// One gene set: a name, an optional description, its genes in file order, and optional weights.
///
/// Weights come from `gene,weight` tokens (Enrichr-style libraries). When a set has weights, every
/// gene has one (a gene written without a weight in a weighted set gets `1.0`, Enrichr's "unweighted"
/// value). `metadata` holds extra scalar fields some formats carry (MSigDB JSON: `collection`,
/// `systematicName`, `pmid`, `exactSource`, `externalDetailsURL`, `msigdbURL`).
///
/// The model stores what it is given; the readers remove duplicate genes before building a set.
public struct GeneSet: Sendable, Hashable {
  /// The set name, verbatim (no case change).
  public var name: String
  /// Free-text description or URL; nil when the file had none, an empty field, or `na`/`NA`.
  public var description: String?
  /// Gene identifiers in file order.
  public private(set) var genes: [String]
  /// One weight per gene, aligned with `genes`, or nil for an unweighted set.
  public private(set) var weights: [Double]?
  /// Extra named fields from the source format (empty for GMT/GMX/GRP).
  public var metadata: [String: String]

  /// An unweighted set.
  public init(name: String, description: String? = nil, genes: [String], metadata: [String: String] = [:]) {
    self.name = name
    self.description = description
    self.genes = genes
    self.weights = nil
    self.metadata = metadata
  }

  /// A weighted set, from `(gene, weight)` pairs in order.
  public init(
    name: String, description: String? = nil, weightedGenes: [(gene: String, weight: Double)],
    metadata: [String: String] = [:]
  ) {
    self.name = name
    self.description = description
    self.genes = weightedGenes.map(\.gene)
    self.weights = weightedGenes.map(\.weight)
    self.metadata = metadata
  }

  /// The number of genes.
  public var count: Int { genes.count }

  /// True when the set has no genes.
  public var isEmpty: Bool { genes.isEmpty }

  /// The weight of `gene` (its first occurrence), or nil if it is absent or the set is unweighted.
  public func weight(of gene: String) -> Double? {
    guard let weights, let index = genes.firstIndex(of: gene), index < weights.count else { return nil }
    return weights[index]
  }
}
