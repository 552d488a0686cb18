import OmicsCore

/// A ranked gene list (the input of preranked GSEA): genes with scores, ordered by decreasing score.
///
/// Ties keep their input order (a stable sort, as Broad GSEA does), so the ranking is deterministic.
/// Genes are unique and scores finite; the initializer checks both. `notes` carries what the RNK
/// reader skipped or resolved.
public struct RankedList: Sendable, Equatable, RandomAccessCollection {
  /// One ranked gene.
  public struct Entry: Sendable, Equatable {
    /// The gene identifier.
    public var gene: String
    /// Its score (ranking metric).
    public var score: Double

    /// Creates an entry.
    public init(gene: String, score: Double) {
      self.gene = gene
      self.score = score
    }
  }

  /// A name for the list (the file name without `.rnk`/`.gz` when read from a file).
  public var name: String
  /// Genes in rank order (highest score first).
  public private(set) var genes: [String]
  /// Scores aligned with `genes`, non-increasing.
  public private(set) var scores: [Double]
  /// What the reader skipped or resolved.
  public internal(set) var notes: [GeneSetReadNote]
  private var rankByGene: [String: Int]

  /// Ranks `genes` by `scores` (decreasing; ties keep input order). Throws when the counts differ,
  /// a gene repeats or is empty, or a score is not finite.
  public init(name: String = "", genes: [String], scores: [Double]) throws {
    guard genes.count == scores.count else {
      throw OmicsError("ranked list \(GeneSetText.quoted(name)): \(genes.count) genes but \(scores.count) scores")
    }
    var seen = Set<String>()
    for (gene, score) in zip(genes, scores) {
      guard !gene.isEmpty else { throw OmicsError("ranked list \(GeneSetText.quoted(name)): empty gene name") }
      guard seen.insert(gene).inserted else {
        throw OmicsError("ranked list \(GeneSetText.quoted(name)): gene \(GeneSetText.quoted(gene)) occurs more than once")
      }
      guard score.isFinite else {
        throw OmicsError("ranked list \(GeneSetText.quoted(name)): gene \(GeneSetText.quoted(gene)) has non-finite score \(score)")
      }
    }
    self.init(validatedName: name, entries: zip(genes, scores).map { Entry(gene: $0, score: $1) })
  }

  /// Ranks entries already checked for unique genes and finite scores.
  init(validatedName name: String, entries: [Entry], notes: [GeneSetReadNote] = []) {
    let order = entries.indices.sorted { left, right in
      let a = entries[left].score
      let b = entries[right].score
      return a > b || (a == b && left < right)
    }
    self.name = name
    self.genes = order.map { entries[$0].gene }
    self.scores = order.map { entries[$0].score }
    self.notes = notes
    var ranks: [String: Int] = [:]
    ranks.reserveCapacity(order.count)
    for (rank, gene) in genes.enumerated() { ranks[gene] = rank }
    self.rankByGene = ranks
  }

  public var startIndex: Int { genes.startIndex }
  public var endIndex: Int { genes.endIndex }
  public subscript(position: Int) -> Entry { Entry(gene: genes[position], score: scores[position]) }

  /// The 0-based rank of `gene` (0 = highest score), or nil if it is absent.
  public func rank(of gene: String) -> Int? { rankByGene[gene] }

  /// The score of `gene`, or nil if it is absent.
  public func score(of gene: String) -> Double? {
    guard let rank = rankByGene[gene] else { return nil }
    return scores[rank]
  }

  /// How many genes share their score with the gene ranked just above them.
  public var tieCount: Int {
    guard scores.count > 1 else { return 0 }
    return (1..<scores.count).reduce(0) { $0 + (scores[$1] == scores[$1 - 1] ? 1 : 0) }
  }

  public static func == (lhs: RankedList, rhs: RankedList) -> Bool {
    lhs.name == rhs.name && lhs.genes == rhs.genes && lhs.scores == rhs.scores && lhs.notes == rhs.notes
  }
}
