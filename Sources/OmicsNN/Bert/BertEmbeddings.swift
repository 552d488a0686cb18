import OmicsCore

/// BERT's input embeddings as transformers computes them:
/// `dropout(LayerNorm((W_word[id] + W_type[0]) + W_pos[t]))` (token types are never passed by
/// Geneformer, so row 0 of the type table is added everywhere; positions are `0 ..< T`).
///
/// The word table's lookup gradient skips the padding id (`nn.Embedding(padding_idx=0)`); the tied
/// MLM decoder adds its own gradient to the same table (`MaskedLMHead`).
public final class BertEmbeddings<Scalar: NNScalar> {
  public let word: Embedding<Scalar>
  public let position: Embedding<Scalar>
  public let tokenType: Embedding<Scalar>
  public let norm: LayerNorm<Scalar>
  public let dropout: Dropout<Scalar>

  public init(config c: BertConfig, store: ParameterStore<Scalar>, rng: inout SeededGenerator) {
    let h = c.hiddenSize
    word = Embedding(c.vocabSize, h, paddingIndex: c.padTokenId, name: "bert.embeddings.word_embeddings", store: store, rng: &rng)
    position = Embedding(c.maxPositions, h, name: "bert.embeddings.position_embeddings", store: store, rng: &rng)
    tokenType = Embedding(c.typeVocabSize, h, name: "bert.embeddings.token_type_embeddings", store: store, rng: &rng)
    norm = LayerNorm(h, eps: c.layerNormEps, name: "bert.embeddings.LayerNorm", store: store)
    dropout = Dropout(p: c.hiddenDropout, seed: rng.next())
  }

  /// `(B, T, H)` for right-padded ids `(B, T)`.
  public func forward(ids: [Int], batch b: Int, width t: Int, training: Bool) throws -> Tensor<Scalar> {
    var x = try word.forward(ids: ids, shape: [b, t])
    let type = try tokenType.forward(ids: [Int](repeating: 0, count: b * t), shape: [b, t])
    let pos = try position.forward(ids: (0..<(b * t)).map { $0 % t }, shape: [b, t])
    x.scalars.withUnsafeMutableBufferPointer { xp in
      type.scalars.withUnsafeBufferPointer { tp in
        pos.scalars.withUnsafeBufferPointer { pp in
          for i in 0..<xp.count { xp[i] = (xp[i] + tp[i]) + pp[i] }
        }
      }
    }
    return try dropout.forward(norm.forward(x, training: training), training: training)
  }

  /// Accumulates the three tables' and the LayerNorm's gradients.
  public func backward(_ dy: Tensor<Scalar>) throws {
    let dx = try norm.backward(dropout.backward(dy))
    try word.backward(dx)
    try tokenType.backward(dx)
    try position.backward(dx)
  }
}
