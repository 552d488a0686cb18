/// The genes both domains share, matched by identifier, in **source** order (`aligned` mode).
///
/// A gene id that occurs twice on one side is matched through its first occurrence; the later
/// copies count as dropped. Comparison is exact (case-sensitive), as ids are.
public struct GeneAlignment: Sendable, Equatable {
  /// Shared gene ids, in source order.
  public var genes: [String]
  /// Column of each shared gene in the source matrix.
  public var sourceColumns: [Int]
  /// Column of each shared gene in the target matrix.
  public var targetColumns: [Int]
  /// Source genes not used (absent from the target, or repeated).
  public var droppedFromSource: Int
  /// Target genes not used.
  public var droppedFromTarget: Int

  public init(source: [String], target: [String]) {
    var firstInTarget: [String: Int] = [:]
    for (j, g) in target.enumerated() where firstInTarget[g] == nil { firstInTarget[g] = j }
    var seen = Set<String>()
    genes = []
    sourceColumns = []
    targetColumns = []
    for (i, g) in source.enumerated() where !seen.contains(g) {
      seen.insert(g)
      if let j = firstInTarget[g] {
        genes.append(g)
        sourceColumns.append(i)
        targetColumns.append(j)
      }
    }
    droppedFromSource = source.count - genes.count
    droppedFromTarget = target.count - genes.count
  }
}
