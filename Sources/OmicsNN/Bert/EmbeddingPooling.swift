import OmicsCore

/// Geneformer's `EmbExtractor` pooling of hidden states into cell, `<cls>` and gene embeddings
/// (`geneformer/emb_extractor.py`; `Docs/neural-engine.md`, "BERT"):
///
/// * layer −1 is `hidden_states[L − 1]` (the second-to-last layer's output), layer 0 the last;
/// * `cell`: mean over the real positions, excluding position 0 when the vocabulary has `<cls>`
///   and the last real position too when it also has `<eos>`;
/// * `cls`: the hidden state at position 0;
/// * `gene`: per token id, the mean over cells of its vector (a token repeated within a cell keeps
///   its last occurrence); special tokens get rows as well.
public enum EmbeddingPooling {
  /// Which hidden state: −1 (second-to-last layer) or 0 (last).
  public static func hiddenStateIndex(layers: Int, embLayer: Int) throws -> Int {
    guard embLayer == -1 || embLayer == 0 else { throw OmicsError("emb-layer must be -1 or 0, got \(embLayer)") }
    return layers + embLayer
  }

  /// Cell embeddings (B × H) from hidden states B × T × H.
  public static func cell(_ hidden: Tensor<Float>, lengths: [Int], hasCLS: Bool, hasEOS: Bool) -> Tensor<Float> {
    let (b, t, h) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
    var out = [Float](repeating: 0, count: b * h)
    for s in 0..<b {
      let first = hasCLS ? 1 : 0
      let last = hasCLS && hasEOS ? lengths[s] - 1 : lengths[s]  // exclusive
      let count = max(0, last - first)
      var sum = [Float](repeating: 0, count: h)
      for p in first..<max(first, last) {
        let row = (s * t + p) * h
        for j in 0..<h { sum[j] += hidden.scalars[row + j] }
      }
      for j in 0..<h { out[s * h + j] = count > 0 ? sum[j] / Float(count) : .nan }
    }
    return Tensor(shape: [b, h], scalars: out)
  }

  /// The hidden state at position 0 of every sequence (B × H).
  public static func cls(_ hidden: Tensor<Float>) -> Tensor<Float> {
    let (b, t, h) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
    var out = [Float](repeating: 0, count: b * h)
    for s in 0..<b { for j in 0..<h { out[s * h + j] = hidden.scalars[s * t * h + j] } }
    return Tensor(shape: [b, h], scalars: out)
  }

  /// Running per-token sums for gene embeddings over many batches.
  public struct GeneAccumulator {
    public let features: Int
    /// Token ids in first-seen order.
    public private(set) var tokens: [Int] = []
    private var slot: [Int: Int] = [:]
    private var sums: [Double] = []
    private var counts: [Int] = []

    public init(features: Int) { self.features = features }

    /// Adds one batch: for each sequence, each token's vector at its last occurrence.
    public mutating func add(_ hidden: Tensor<Float>, ids: [Int32], lengths: [Int]) {
      let (b, t, h) = (hidden.shape[0], hidden.shape[1], hidden.shape[2])
      for s in 0..<b {
        var lastPosition: [Int: Int] = [:]
        for p in 0..<lengths[s] { lastPosition[Int(ids[s * t + p])] = p }
        for (token, p) in lastPosition {
          let k: Int
          if let existing = slot[token] {
            k = existing
          } else {
            k = tokens.count
            slot[token] = k
            tokens.append(token)
            sums += [Double](repeating: 0, count: h)
            counts.append(0)
          }
          let row = (s * t + p) * h
          for j in 0..<h { sums[k * h + j] += Double(hidden.scalars[row + j]) }
          counts[k] += 1
        }
      }
    }

    /// Mean vector per token, rows in ascending token id order (tokens, tokens × H).
    public func means() -> (tokens: [Int], values: Tensor<Float>) {
      let order = tokens.indices.sorted { tokens[$0] < tokens[$1] }
      var out = [Float](repeating: 0, count: order.count * features)
      for (r, k) in order.enumerated() {
        for j in 0..<features { out[r * features + j] = Float(sums[k * features + j] / Double(counts[k])) }
      }
      return (order.map { tokens[$0] }, Tensor(shape: [order.count, features], scalars: out))
    }
  }
}
