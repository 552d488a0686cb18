import OmicsNN

/// The Trainer's `group_by_length` order (transformers `get_length_grouped_indices`): a random
/// permutation cut into mega-batches of `min(n / (4·batch), 50)·batch` cells (at least one batch),
/// each sorted by length, longest first (stable); then the longest cell of all is swapped into the
/// very first position, so that an out-of-memory batch shows up at the first step. Consecutive
/// `batch`-sized slices of the result are the batches.
public enum LengthGroupedSampler {
  public static func order(lengths: [Int], batchSize: Int, rng: inout SeededGenerator) -> [Int] {
    order(lengths: lengths, batchSize: batchSize, permutation: rng.permutation(lengths.count))
  }

  /// The order made of a given random `permutation` of `0 ..< lengths.count`.
  public static func order(lengths: [Int], batchSize: Int, permutation: [Int]) -> [Int] {
    let n = lengths.count
    guard n > 0 else { return [] }
    let multiple = max(1, min(n / (batchSize * 4), 50))
    let mega = multiple * batchSize
    var groups: [[Int]] = stride(from: 0, to: n, by: mega).map { start in
      let group = Array(permutation[start..<min(n, start + mega)])
      return group.enumerated().sorted { a, b in
        lengths[a.element] != lengths[b.element] ? lengths[a.element] > lengths[b.element] : a.offset < b.offset
      }.map(\.element)
    }
    let longest = groups.indices.max { lengths[groups[$0][0]] < lengths[groups[$1][0]] } ?? 0
    (groups[0][0], groups[longest][0]) = (groups[longest][0], groups[0][0])
    return groups.flatMap { $0 }
  }

  /// The order cut into batches (the last may be smaller).
  public static func batches(lengths: [Int], batchSize: Int, rng: inout SeededGenerator) -> [[Int]] {
    let flat = order(lengths: lengths, batchSize: batchSize, rng: &rng)
    return stride(from: 0, to: flat.count, by: batchSize).map { Array(flat[$0..<min(flat.count, $0 + batchSize)]) }
  }
}
