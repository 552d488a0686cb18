/// Options shared by the gene-set readers (GMT, GMX, GRP, MSigDB JSON).
public struct GeneSetReadOptions: Sendable, Equatable {
  /// What to do with a set name seen before in the same file. Default: keep the first.
  public var duplicateSetNames: DuplicateSetNamePolicy
  /// Split `gene,weight` tokens into a gene and a weight (default true). The split happens at the
  /// last comma and only when the rest is a finite number, so other commas stay part of the gene.
  public var parseWeights: Bool
  /// Upper-case every gene (as blitzGSEA does), for case-insensitive matching. Default false: genes
  /// are kept as written. Deduplication happens after upper-casing.
  public var uppercaseGenes: Bool

  /// Creates options; the defaults follow the recommended rules in the background document.
  public init(
    duplicateSetNames: DuplicateSetNamePolicy = .keepFirst, parseWeights: Bool = true,
    uppercaseGenes: Bool = false
  ) {
    self.duplicateSetNames = duplicateSetNames
    self.parseWeights = parseWeights
    self.uppercaseGenes = uppercaseGenes
  }
}
