import Foundation
import OmicsCore
import OmicsIO

/// A trainable BERT (`BertForMaskedLM` or `BertForSequenceClassification` as transformers builds
/// them for Geneformer's configs), written once for `Float` (training) and `Double` (gradient checks).
///
/// All tensors live in one `ParameterStore` under the Hugging Face state-dict names, so a store
/// loads from and saves to checkpoints that `from_pretrained` reads. Forward with `training: true`
/// applies dropout; every module caches what its backward needs, and `backward` runs the mirror
/// image (`Docs/neural-engine.md`, "BERT training").
///
///     let net = try BertNetwork<Float>.load(directory: "model", head: .maskedLM)
///     let loss = try net.maskedLMLoss(ids: batch, labels: labels, training: true)   // also backpropagates
public final class BertNetwork<Scalar: NNScalar> {
  /// Which head sits on the encoder.
  public enum Head: Sendable, Equatable {
    case maskedLM
    case classifier(labels: Int)
  }

  public private(set) var config: BertConfig
  public let head: Head
  public let store: ParameterStore<Scalar>
  public let embeddings: BertEmbeddings<Scalar>
  public let layers: [BertLayer<Scalar>]
  public let maskedLM: MaskedLMHead<Scalar>?
  public let classification: SequenceClassificationHead<Scalar>?
  private var batchShape: (b: Int, t: Int)?
  private var selectedRows: [Int] = []

  /// A new model with transformers' initialisation (`_init_weights`): weights and embeddings
  /// `N(0, initializer_range)`, biases 0, LayerNorm 1/0, the padding row 0.
  public init(config: BertConfig, head: Head, seed: UInt64) {
    self.config = config
    self.head = head
    let store = ParameterStore<Scalar>()
    self.store = store
    var rng = SeededGenerator(seed: seed)
    embeddings = BertEmbeddings(config: config, store: store, rng: &rng)
    var built: [BertLayer<Scalar>] = []
    for i in 0..<config.layers { built.append(BertLayer(config: config, index: i, store: store, rng: &rng)) }
    layers = built
    switch head {
    case .maskedLM:
      maskedLM = MaskedLMHead(config: config, wordEmbeddings: embeddings.word.weight, store: store, rng: &rng)
      classification = nil
      self.config.architectures = ["BertForMaskedLM"]
      self.config.numLabels = nil
    case .classifier(let labels):
      maskedLM = nil
      classification = SequenceClassificationHead(config: config, labels: labels, store: store, rng: &rng)
      self.config.architectures = ["BertForSequenceClassification"]
      self.config.numLabels = labels
    }
    let sigma = config.initializerRange
    for e in store.entries {
      let isNorm = e.name.contains("LayerNorm")
      for i in e.range {
        if isNorm { store.values[i] = e.name.hasSuffix(".weight") ? 1 : 0 }
        else if e.name.hasSuffix(".bias") { store.values[i] = 0 }
        else { store.values[i] = Scalar(sigma * rng.normal()) }
      }
    }
    let word = embeddings.word.weight, h = config.hiddenSize, pad = config.padTokenId
    if pad >= 0 && pad < config.vocabSize { for j in 0..<h { store.values[word.offset + pad * h + j] = 0 } }
  }

  /// Loads a checkpoint folder (config.json + model.safetensors or pytorch_model.bin). A
  /// classifier built from a masked-LM checkpoint keeps transformers' fresh pooler and head
  /// (seeded by `seed`); every other tensor must be present with the config's shape.
  public static func load(directory dir: String, head: Head, seed: UInt64 = 42) throws -> BertNetwork {
    var config = try BertConfig.read(dir + "/config.json")
    if case .classifier(let labels) = head { config.numLabels = labels }
    let net = BertNetwork(config: config, head: head, seed: seed)
    let (file, path) = try BertCheckpointFile.open(directory: dir)
    let prefixed = file.info("bert.embeddings.word_embeddings.weight") != nil
    let fresh: (String) -> Bool = { name in
      file.info(name) == nil && (name.hasPrefix("bert.pooler.") || name.hasPrefix("classifier."))
    }
    for e in net.store.entries where !fresh(e.name) {
      let key = prefixed || !e.name.hasPrefix("bert.") ? e.name : String(e.name.dropFirst(5))
      guard file.info(key) != nil else {
        throw OmicsError(file: path, location: key, "tensor missing from the checkpoint")
      }
    }
    let single = ParameterStore<Scalar>()
    for e in net.store.entries where !fresh(e.name) {
      single.register(e.name, shape: e.shape, initial: Array(net.store.values[e.range]))
    }
    try Checkpoint.load(single, from: file, strict: true) { name in
      prefixed || !name.hasPrefix("bert.") ? name : String(name.dropFirst(5))
    }
    if case .classifier(let labels) = head, let stored = file.info("classifier.weight")?.shape.first, stored != labels {
      throw OmicsError(file: path, location: "classifier.weight", "has \(stored) labels, the task has \(labels)")
    }
    for e in single.entries { try net.store.set(e.name, Array(single.values[e.range])) }
    return net
  }

  /// Writes `config.json` + `model.safetensors` as `save_pretrained` does (atomic folder).
  public func save(to dir: String, extraConfig: [String: Any] = [:]) throws {
    var json = config.json
    for (k, v) in extraConfig { json[k] = v }
    try Checkpoint.save(store, config: json, to: dir)
  }

  /// Sets class names written as `id2label`.
  public func setLabelNames(_ names: [String]) { config.labelNames = names }

  /// Last hidden state `(B, T, H)` of right-padded `ids` (`B × T`, pad 0) with `lengths` real tokens.
  public func encode(ids: [Int], lengths: [Int], training: Bool) throws -> Tensor<Scalar> {
    let b = lengths.count, t = b == 0 ? 0 : ids.count / b
    guard b > 0, ids.count == b * t, t <= config.maxPositions else {
      throw OmicsError("a batch of \(b) sequences of width \(t) does not fit the model (max_position_embeddings \(config.maxPositions))")
    }
    batchShape = (b, t)
    var x = try embeddings.forward(ids: ids, batch: b, width: t, training: training)
    for layer in layers { x = try layer.forward(x, lengths: lengths, training: training) }
    return x
  }

  /// Backward from `dL/dlast` through every layer and the embeddings.
  public func backwardEncoder(_ dLast: Tensor<Scalar>) throws {
    var g = dLast
    for layer in layers.reversed() { g = try layer.backward(g) }
    try embeddings.backward(g)
  }

  /// The masked-LM loss (mean cross-entropy over positions whose label is not −100, as
  /// `BertForMaskedLM` computes it); with `backward` the gradients are accumulated into the store.
  public func maskedLMLoss(ids: [Int], labels: [Int], lengths: [Int], training: Bool, backward: Bool = true) throws -> Double {
    guard let maskedLM else { throw OmicsError("the model has no masked-LM head") }
    guard labels.count == ids.count else { throw OmicsError("\(labels.count) labels for \(ids.count) tokens") }
    let last = try encode(ids: ids, lengths: lengths, training: training)
    let rows = labels.indices.filter { labels[$0] != -100 }
    guard !rows.isEmpty else { throw OmicsError("no masked position in the batch") }
    let logits = try maskedLM.forward(last.gatherRows(rows), training: training)
    let loss = try crossEntropyLoss(logits, labels: rows.map { labels[$0] })
    if backward {
      let dRows = try maskedLM.backward(loss.gradient)
      var dLast = Tensor<Scalar>(shape: last.shape)
      let h = config.hiddenSize
      for (k, r) in rows.enumerated() { for j in 0..<h { dLast.scalars[r * h + j] = dRows.scalars[k * h + j] } }
      try backwardEncoder(dLast)
    }
    return loss.value
  }

  /// Classification logits `(B, K)` and, with `labels`, the mean cross-entropy (backpropagated when `backward`).
  public func classificationLoss(ids: [Int], lengths: [Int], labels: [Int]?, training: Bool,
                                 backward: Bool = true) throws -> (logits: Tensor<Scalar>, loss: Double?) {
    guard let classification else { throw OmicsError("the model has no classification head") }
    let last = try encode(ids: ids, lengths: lengths, training: training)
    let (_, logits) = try classification.forward(last, training: training)
    guard let labels else { return (logits, nil) }
    let loss = try crossEntropyLoss(logits, labels: labels)
    if backward { try backwardEncoder(classification.backward(loss.gradient)) }
    return (logits, loss.value)
  }

  /// Freezes the first `n` encoder layers (`bert.encoder.layer.<i>.` for i < n), as Geneformer's
  /// `freeze_layers`: embeddings, later layers, pooler and head stay trainable.
  public func freezeLayers(_ n: Int) {
    store.setTrainable(false) { name in
      (0..<n).contains { name.hasPrefix("bert.encoder.layer.\($0).") }
    }
  }

  /// Re-seeds every dropout stream (embeddings, attention, outputs, classifier) from `seed`, so
  /// that a resumed run draws the same masks as an uninterrupted one.
  public func reseedDropout(_ seed: UInt64) {
    var g = SeededGenerator(seed: seed)
    embeddings.dropout.rng = g.split()
    for layer in layers {
      layer.attention.rng = g.split()
      layer.attentionDropout.rng = g.split()
      layer.outputDropout.rng = g.split()
    }
    classification?.dropout.rng = g.split()
  }

  /// The Trainer's no-decay set: biases and LayerNorm weights.
  public static func isNoDecay(_ name: String) -> Bool { name.contains("bias") || name.contains("LayerNorm") }
}

/// Opens a model folder's weights: `model.safetensors`, else `pytorch_model.bin` (read without Python).
enum BertCheckpointFile {
  static func open(directory dir: String) throws -> (SafeTensorsFile, String) {
    let safetensors = dir + "/model.safetensors", bin = dir + "/pytorch_model.bin"
    if FileManager.default.fileExists(atPath: safetensors) { return (try SafeTensorsFile(path: safetensors), safetensors) }
    if FileManager.default.fileExists(atPath: bin) { return (try TorchCheckpointReader.read(path: bin), bin) }
    throw OmicsError(file: dir, "has neither model.safetensors nor pytorch_model.bin")
  }
}
