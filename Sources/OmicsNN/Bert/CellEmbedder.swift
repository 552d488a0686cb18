import OmicsCore

/// Embeds tokenized cells with a `BertEncoder` as Geneformer's `EmbExtractor` defines the
/// embeddings, but on every cell and with rows in input order: cells are batched by length
/// (longest first, so little padding is computed) and the results are put back in place.
public struct CellEmbedder {
  /// What one row of the output is.
  public enum Mode: String, Sendable, CaseIterable {
    /// Mean of the gene positions of a cell (specials excluded).
    case cell
    /// The hidden state of `<cls>` (position 0).
    case cls
    /// Per token, the mean over cells.
    case gene
  }

  public struct Options: Sendable {
    public var mode: Mode = .cell
    /// −1: second-to-last layer (Geneformer's default); 0: last layer.
    public var embLayer = -1
    public var batchSize = 32
    /// Whether the vocabulary has `<cls>` / `<eos>` (V2) — decides which positions `cell` averages.
    public var hasCLS = true
    public var hasEOS = true
    public init() {}
  }

  /// Embeddings: one row per cell (cell, cls) or per token (gene; `tokens` gives the ids).
  public struct Result {
    public var values: Tensor<Float>
    public var tokens: [Int]?
  }

  public let model: BertEncoder
  public let options: Options

  public init(model: BertEncoder, options: Options) {
    self.model = model
    self.options = options
  }

  /// Embeds `cells` (token ids, no padding). `progress` is advanced by the number of cells done.
  public func embed(_ cells: [[Int32]], progress: ProgressBar? = nil) throws -> Result {
    var genes = EmbeddingPooling.GeneAccumulator(features: model.config.hiddenSize)
    let rows = try embedChunk(cells, genes: &genes, progress: progress)
    if options.mode == .gene {
      let (tokens, means) = genes.means()
      return Result(values: means, tokens: tokens)
    }
    return Result(values: rows, tokens: nil)
  }

  /// One chunk of a stream of cells: cell/cls rows (`cells.count × H`, input order), or, in gene
  /// mode, the chunk's per-token vectors added to `genes` (and an empty tensor returned).
  public func embedChunk(_ cells: [[Int32]], genes: inout EmbeddingPooling.GeneAccumulator,
                         progress: ProgressBar? = nil) throws -> Tensor<Float> {
    let h = model.config.hiddenSize
    let index = try EmbeddingPooling.hiddenStateIndex(layers: model.config.layers, embLayer: options.embLayer)
    if options.mode == .cls, let first = cells.first(where: { !$0.isEmpty }), !options.hasCLS || first.first != 2 {
      throw OmicsError("cls embeddings need a <cls> token (id 2) at the start of every cell (V2 tokenization); use --mode cell")
    }
    if let empty = cells.firstIndex(where: { $0.isEmpty }) { throw OmicsError("cell \(empty) has no tokens") }
    let order = cells.indices.sorted { cells[$0].count != cells[$1].count ? cells[$0].count > cells[$1].count : $0 < $1 }
    var rows = [Float](repeating: 0, count: options.mode == .gene ? 0 : cells.count * h)
    var start = 0
    while start < order.count {
      let members = Array(order[start..<min(order.count, start + max(1, options.batchSize))])
      let batch = BertEncoder.Batch(sequences: members.map { cells[$0] })
      let out = try model.forward(batch, keepHiddenStates: true, throughHiddenState: index)
      let hidden = out.hiddenStates[index]
      switch options.mode {
      case .gene:
        genes.add(hidden, ids: batch.ids, lengths: batch.lengths)
      case .cell, .cls:
        let pooled = options.mode == .cls
          ? EmbeddingPooling.cls(hidden)
          : EmbeddingPooling.cell(hidden, lengths: batch.lengths, hasCLS: options.hasCLS, hasEOS: options.hasEOS)
        for (r, cell) in members.enumerated() {
          for j in 0..<h { rows[cell * h + j] = pooled.scalars[r * h + j] }
        }
      }
      progress?.advance(members.count)
      start += members.count
    }
    return Tensor(shape: [options.mode == .gene ? 0 : cells.count, h], scalars: rows)
  }
}
