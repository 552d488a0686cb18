import Foundation
import OmicsCore
import OmicsNN

/// In-silico perturbation of tokenized cells with a BERT encoder, as Geneformer's
/// `InSilicoPerturber` defines it (geneformer-model.md §4.2), on CPU with cells in parallel.
///
/// A perturbation edits the token list: `delete` removes the genes; `overexpress` moves them to
/// the front (after `<cls>` for V2 cells), inserting listed genes the cell lacks, and truncates the
/// result to the model's length keeping `<eos>`. The effect on a cell is the cosine similarity
/// between its embedding before and after — the `<cls>` vectors, or (cell mode) the mean over the
/// genes that were not perturbed, each in its own context — and, with a goal state, the shift
/// `cos(perturbed, goal) − cos(original, goal)`.
public struct InSilicoPerturber: @unchecked Sendable {
  public enum Kind: String, Sendable { case delete, overexpress }
  public enum EmbeddingMode: String, Sendable { case cell, cls }

  public struct Options: Sendable {
    public var kind: Kind = .delete
    public var mode: EmbeddingMode = .cell
    public var embLayer = -1
    public var hasCLS = true
    public var hasEOS = true
    public var batchSize = 16
    public init() {}
  }

  /// The effect of one perturbation of one cell.
  public struct Effect: Sendable {
    public var cosineSimilarity: Double
    public var goalShift: Double?
  }

  /// Per gene, over the cells where it was perturbed (`--genes all`).
  public struct GeneEffect: Sendable {
    public var token: Int32
    public var cells: Int
    public var meanCosineSimilarity: Double
    public var meanGoalShift: Double?
  }

  public let model: BertEncoder
  public let options: Options
  let stateIndex: Int

  public init(model: BertEncoder, options: Options) throws {
    self.model = model
    self.options = options
    stateIndex = try EmbeddingPooling.hiddenStateIndex(layers: model.config.layers, embLayer: options.embLayer)
  }

  /// A perturbed copy of `cell` and, for cell mode, the pairs (original position, perturbed
  /// position) of the genes that were not perturbed and survive truncation. Nil for `delete`
  /// when the cell has none of the genes.
  public func perturb(_ cell: [Int32], genes: [Int32]) -> (tokens: [Int32], pairs: [(Int, Int)])? {
    let special = (options.hasCLS && cell.first == 2) ? 1 : 0
    let end = (options.hasEOS && cell.last == 3 && cell.count > special) ? cell.count - 1 : cell.count
    let targets = Set(genes)
    let body = Array(special..<end)
    let kept = body.filter { !targets.contains(cell[$0]) }
    var tokens: [Int32] = special == 1 ? [cell[0]] : []
    switch options.kind {
    case .delete:
      guard kept.count < body.count else { return nil }
      tokens += kept.map { cell[$0] }
    case .overexpress:
      tokens += genes
      tokens += kept.map { cell[$0] }
    }
    let limit = model.config.maxPositions - (end < cell.count ? 1 : 0)
    if tokens.count > limit { tokens.removeLast(tokens.count - limit) }
    if end < cell.count { tokens.append(cell[end]) }
    let offset = special + (options.kind == .overexpress ? genes.count : 0)
    let lastGene = tokens.count - (end < cell.count ? 1 : 0)
    let pairs = kept.enumerated().compactMap { k, p in offset + k < lastGene ? (p, offset + k) : nil }
    return (tokens, pairs)
  }

  /// Embeddings (`H` floats each) of `sequences`, pooled over `positions[i]` (cell mode) or position 0.
  func embeddings(_ sequences: [[Int32]], positions: [[Int]]) throws -> [[Float]] {
    let h = model.config.hiddenSize
    var out: [[Float]] = []
    for start in stride(from: 0, to: sequences.count, by: options.batchSize) {
      let range = start..<min(sequences.count, start + options.batchSize)
      let batch = BertEncoder.Batch(sequences: Array(sequences[range]))
      let hidden = try model.forward(batch, keepHiddenStates: true, throughHiddenState: stateIndex).hiddenStates[stateIndex]
      for (r, i) in range.enumerated() {
        let rows = options.mode == .cls ? [0] : positions[i]
        var v = [Float](repeating: 0, count: h)
        for p in rows { for j in 0..<h { v[j] += hidden.scalars[(r * batch.width + p) * h + j] } }
        let inv = 1 / Float(max(rows.count, 1))
        out.append(v.map { $0 * inv })
      }
    }
    return out
  }

  static func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var ab = 0.0, aa = 0.0, bb = 0.0
    for j in a.indices { ab += Double(a[j]) * Double(b[j]); aa += Double(a[j]) * Double(a[j]); bb += Double(b[j]) * Double(b[j]) }
    return ab / max((aa * bb).squareRoot(), 1e-12)
  }

  func effect(original: [Float], perturbed: [Float], goal: [Float]?) -> Effect {
    Effect(cosineSimilarity: Self.cosine(original, perturbed),
           goalShift: goal.map { Self.cosine(perturbed, $0) - Self.cosine(original, $0) })
  }

  /// Runs `body` over the cells on all cores (one BLAS thread each); results in input order.
  func parallelMap<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
    var results = [Result<T, Error>?](repeating: nil, count: count)
    let threads = BLASThreads.current
    if count > 1 { BLASThreads.set(1) }
    defer { BLASThreads.set(threads) }
    let lock = NSLock()
    DispatchQueue.concurrentPerform(iterations: count) { i in
      let r = Result { try body(i) }
      lock.lock(); results[i] = r; lock.unlock()
    }
    return try results.map { try $0!.get() }
  }

  /// Perturbs `genes` together in every cell; nil where `delete` found none of them.
  public func perturbCells(_ cells: [[Int32]], genes: [Int32], goal: [Float]?, progress: ProgressBar? = nil) throws -> [Effect?] {
    try parallelMap(cells.count) { i in
      defer { progress?.advance() }
      guard let (tokens, pairs) = perturb(cells[i], genes: genes) else { return nil }
      let e = try embeddings([cells[i], tokens], positions: [pairs.map(\.0), pairs.map(\.1)])
      return effect(original: e[0], perturbed: e[1], goal: goal)
    }
  }

  /// Perturbs each gene of each cell on its own; effects averaged per gene.
  public func perturbEachGene(_ cells: [[Int32]], goal: [Float]?, progress: ProgressBar? = nil) throws -> [GeneEffect] {
    let perCell: [[(Int32, Effect)]] = try parallelMap(cells.count) { i in
      defer { progress?.advance() }
      let cell = cells[i]
      let special = (options.hasCLS && cell.first == 2) ? 1 : 0
      let end = (options.hasEOS && cell.last == 3 && cell.count > special) ? cell.count - 1 : cell.count
      let genes = Array(Set(cell[special..<end])).sorted()
      var sequences: [[Int32]] = [], positions: [[Int]] = [], originals: [[Int]] = []
      for g in genes {
        guard let (tokens, pairs) = perturb(cell, genes: [g]) else { continue }
        sequences.append(tokens)
        positions.append(pairs.map(\.1))
        originals.append(pairs.map(\.0))
      }
      let perturbed = try embeddings(sequences, positions: positions)
      let base = try model.forward(BertEncoder.Batch(sequences: [cell]), keepHiddenStates: true, throughHiddenState: stateIndex).hiddenStates[stateIndex]
      let h = model.config.hiddenSize
      return zip(genes, zip(perturbed, originals)).map { g, pair in
        let rows = options.mode == .cls ? [0] : pair.1
        var v = [Float](repeating: 0, count: h)
        for p in rows { for j in 0..<h { v[j] += base.scalars[p * h + j] } }
        let inv = 1 / Float(max(rows.count, 1))
        return (g, effect(original: v.map { $0 * inv }, perturbed: pair.0, goal: goal))
      }
    }
    var sums: [Int32: (n: Int, cos: Double, shift: Double)] = [:]
    for list in perCell {
      for (g, e) in list {
        var s = sums[g] ?? (0, 0, 0)
        s.n += 1
        s.cos += e.cosineSimilarity
        s.shift += e.goalShift ?? 0
        sums[g] = s
      }
    }
    return sums.keys.sorted().map { g in
      let s = sums[g]!
      return GeneEffect(token: g, cells: s.n, meanCosineSimilarity: s.cos / Double(s.n),
                        meanGoalShift: goal == nil ? nil : s.shift / Double(s.n))
    }
  }
}
