import OmicsCore
import OmicsNN

/// Geneformer's masked-LM collator as it executes (`DataCollatorForLanguageModeling` with
/// `GeneformerPreCollator`, geneformer-model.md §3.1): right-pad with `<pad>` to the longest cell;
/// every position whose token is neither `<pad>` nor `<mask>` is selected with probability
/// `maskProbability` (so `<cls>` and `<eos>` are maskable); a selected position becomes `<mask>`
/// (80 %), a uniformly random id in `0 ..< vocabulary` (10 %, specials included) or stays (10 %).
/// Labels are the original ids at selected positions and −100 elsewhere.
///
/// One deviation, stated: a batch in which nothing was selected would give transformers a NaN
/// loss; here the first eligible position of the first cell is selected instead.
public struct MaskedLMCollator: Sendable {
  public var vocabulary: Int
  public var maskProbability = 0.15
  public var padToken = 0
  public var maskToken = 1

  public init(vocabulary: Int, maskProbability: Double = 0.15, padToken: Int = 0, maskToken: Int = 1) {
    self.vocabulary = vocabulary
    self.maskProbability = maskProbability
    self.padToken = padToken
    self.maskToken = maskToken
  }

  /// A masked, padded batch: ids and labels (`B × T`, row-major) and the real lengths.
  public struct Batch: Sendable {
    public var ids: [Int]
    public var labels: [Int]
    public var lengths: [Int]
    public var width: Int
  }

  public func collate(_ cells: [[Int32]], rng: inout SeededGenerator) -> Batch {
    let width = cells.map(\.count).max() ?? 0
    var ids = [Int](repeating: padToken, count: cells.count * width)
    var labels = [Int](repeating: -100, count: ids.count)
    var selected = 0
    for (s, cell) in cells.enumerated() {
      for (p, token) in cell.enumerated() { ids[s * width + p] = Int(token) }
    }
    for i in ids.indices where ids[i] != padToken && ids[i] != maskToken && rng.nextUnit() < maskProbability {
      labels[i] = ids[i]
      selected += 1
    }
    if selected == 0, let first = ids.firstIndex(where: { $0 != padToken && $0 != maskToken }) { labels[first] = ids[first] }
    for i in ids.indices where labels[i] != -100 {
      let r = rng.nextUnit()
      if r < 0.8 { ids[i] = maskToken } else if r < 0.9 { ids[i] = Int(rng.next() % UInt64(vocabulary)) }
    }
    return Batch(ids: ids, labels: labels, lengths: cells.map(\.count), width: width)
  }
}
