/// What a reader does when a gene-set name occurs more than once in one file (names compare exactly,
/// case-sensitively, after trimming surrounding white space).
///
/// Tools disagree (see `docs/background/gsea_xgsea_orthologs.md` §D): GSEApy's dict keeps the last
/// set, R lists keep both under one name, and the recommended rule is to warn and keep the first or to
/// suffix the rest. Every policy except `.error` records a ``GeneSetReadNote`` for each repeat.
public enum DuplicateSetNamePolicy: String, Sendable, Equatable, CaseIterable {
  /// Keep the first set with the name and drop later ones (the default).
  case keepFirst
  /// Keep every set, renaming repeats `NAME_2`, `NAME_3`, … (skipping names already taken).
  case rename
  /// Add the genes of later sets to the first set with the name (duplicates removed; the first set's
  /// description is kept).
  case merge
  /// Throw an ``OmicsCore/OmicsError`` that names both lines.
  case error
}
