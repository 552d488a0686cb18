import OmicsCore
import OmicsIO

/// A ranked list and gene sets prepared for preranked GSEA: hit weights `|score|^weight` in rank
/// order, and every set mapped to the sorted ranks of its genes present in the list.
///
/// Rules (fgsea's `preparePathwaysAndStats`, GSEApy and Broad agree on these):
/// - genes absent from the ranking are dropped; a gene listed twice in a set counts once;
/// - the size of a set is the number of its genes in the ranking; sets outside
///   `minSize...maxSize` are skipped and counted, as are sets with no gene in the ranking;
/// - a set must also leave at least one gene outside it (size < N), else the running sum is
///   undefined.
public struct PrerankInput: Sendable {
  /// One gene set kept for testing.
  public struct Pathway: Sendable, Equatable {
    /// The set name.
    public var name: String
    /// 0-based ranks of its genes in the ranking, ascending.
    public var positions: [Int32]
  }

  /// Gene names in rank order (highest score first; ties in file order).
  public let genes: [String]
  /// Scores in rank order.
  public let scores: [Double]
  /// Hit weights `|score|^weight`, aligned with `genes`.
  public let weights: [Double]
  /// The kept sets, in the order of the gene-set collection.
  public let pathways: [Pathway]
  /// How many sets had no gene in the ranking.
  public let unmatchedSets: Int
  /// How many sets were skipped by the size filter (with at least one gene in the ranking).
  public let sizeFilteredSets: Int

  /// Prepares `ranking` and `sets` for GSEA.
  public init(ranking: RankedList, sets: GeneSetCollection, minSize: Int, maxSize: Int, weight: Double) throws {
    guard weight >= 0, weight.isFinite else {
      throw OmicsError("the weight (GSEA parameter p) must be a finite number ≥ 0, got \(weight)")
    }
    guard minSize >= 1, maxSize >= minSize else {
      throw OmicsError("the size range must satisfy 1 ≤ min-size ≤ max-size, got \(minSize)...\(maxSize)")
    }
    let n = ranking.count
    genes = ranking.genes
    scores = ranking.scores
    weights = ranking.scores.map { weight == 1 ? Swift.abs($0) : (weight == 0 ? 1.0 : Foundation_pow(Swift.abs($0), weight)) }
    var kept: [Pathway] = []
    var unmatched = 0
    var filtered = 0
    for set in sets.sets {
      var seen = Set<Int32>()
      var positions: [Int32] = []
      positions.reserveCapacity(set.genes.count)
      for gene in set.genes {
        if let rank = ranking.rank(of: gene), seen.insert(Int32(rank)).inserted { positions.append(Int32(rank)) }
      }
      if positions.isEmpty { unmatched += 1; continue }
      guard positions.count >= minSize, positions.count <= maxSize, positions.count < n else { filtered += 1; continue }
      positions.sort()
      kept.append(Pathway(name: set.name, positions: positions))
    }
    pathways = kept
    unmatchedSets = unmatched
    sizeFilteredSets = filtered
  }

  /// The number of ranked genes.
  public var geneCount: Int { genes.count }

  /// Observed ES and peak of every kept set, in order.
  public func enrichmentScores() -> [EnrichmentScore] {
    weights.withUnsafeBufferPointer { w in
      pathways.map { pathway in
        pathway.positions.withUnsafeBufferPointer { EnrichmentScore.compute(positions: $0, weights: w, geneCount: geneCount) }
      }
    }
  }
}

#if canImport(Glibc)
  import Glibc
  @inline(__always) func Foundation_pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
#else
  import Darwin
  @inline(__always) func Foundation_pow(_ x: Double, _ y: Double) -> Double { Darwin.pow(x, y) }
#endif

extension PrerankInput {
  /// Throws when no gene set survived the size filter, saying how many shared no gene with the
  /// genes and how many fell outside the range (`genesDescription`: what the genes come from).
  func requireTestableSets(_ sets: GeneSetCollection, minSize: Int, maxSize: Int, genesDescription: String) throws {
    guard pathways.isEmpty else { return }
    throw OmicsError(
      file: sets.source,
      "no gene set has between \(minSize) and \(maxSize) genes in \(genesDescription) "
        + "(\(sets.count) sets: \(unmatchedSets) share no gene with it, \(sizeFilteredSets) outside the size range)")
  }
}
