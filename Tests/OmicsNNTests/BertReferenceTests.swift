import Foundation
import OmicsCore
import OmicsIO
import OmicsNN
import OmicsTestSupport
import Testing

/// The BERT forward pass and EmbExtractor pooling against transformers' outputs on the tiny
/// Geneformer-shaped model of `../shared/data/bert/micro` (tolerances of geneformer-model.md §5.4).
@Suite(.enabled(if: FixturePaths.shared("bert/micro") != nil, "needs ../shared/data/bert/micro (transformers reference outputs)"))
struct BertReferenceTests {
  static func model() throws -> BertEncoder {
    try BertEncoder.load(directory: try #require(FixturePaths.shared("bert/micro")) + "/model")
  }

  static func reference() throws -> SafeTensorsFile {
    try SafeTensorsFile(path: try #require(FixturePaths.shared("bert/micro")) + "/reference.safetensors")
  }

  /// The padded batch `name` of the reference: ids and lengths.
  static func batch(_ ref: SafeTensorsFile, _ name: String) throws -> BertEncoder.Batch {
    let shape = try #require(ref.info(name + ".input_ids")).shape
    let ids = try ref.int64s(name + ".input_ids").map { Int32($0) }
    let lengths = try ref.int64s(name + ".lengths").map { Int($0) }
    let sequences = (0..<shape[0]).map { s in Array(ids[(s * shape[1])..<(s * shape[1] + lengths[s])]) }
    var batch = BertEncoder.Batch(sequences: sequences)
    if batch.width < shape[1] {  // the reference pads to its own width
      batch = BertEncoder.Batch(sequences: sequences.map { $0 + [Int32](repeating: 0, count: shape[1] - $0.count) })
      batch.lengths = lengths
    }
    return batch
  }

  static func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
  }

  @Test(arguments: ["v2", "v1", "long"])
  func hiddenStatesEqualTransformers(_ name: String) throws {
    let model = try Self.model()
    let ref = try Self.reference()
    let out = try model.forward(try Self.batch(ref, name))
    #expect(out.hiddenStates.count == model.config.layers + 1)
    for (k, state) in out.hiddenStates.enumerated() {
      let expected = try ref.floats("\(name).hidden_states.\(k)")
      let d = Self.maxAbsDifference(state.scalars, expected)
      #expect(d <= 1e-4, "\(name) hidden state \(k): max |Δ| \(d)")
    }
  }

  @Test func maskedLMLogitsEqualTransformers() throws {
    let model = try Self.model()
    let ref = try Self.reference()
    let out = try model.forward(try Self.batch(ref, "v2"))
    let logits = try model.maskedLMLogits(out.last)
    let expected = try ref.floats("v2.logits")
    #expect(logits.count == expected.count)
    let worst = zip(logits.scalars, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
    #expect(worst <= 1e-4, "max relative |Δ| \(worst)")
  }

  @Test func aloneEqualsInsideAPaddedBatch() throws {
    let model = try Self.model()
    let ref = try Self.reference()
    let batch = try Self.batch(ref, "v2")
    let full = try model.forward(batch).last
    let s = 1, length = batch.lengths[s]
    let alone = try model.forward(BertEncoder.Batch(sequences: [Array(batch.ids[(s * batch.width)..<(s * batch.width + length)])])).last
    let h = model.config.hiddenSize
    let inBatch = Array(full.scalars[(s * batch.width * h)..<((s * batch.width + length) * h)])
    #expect(Self.maxAbsDifference(alone.scalars, inBatch) <= 1e-5)
  }

  @Test(arguments: [("v2", -1), ("v2", 0), ("v1", -1), ("v1", 0)])
  func poolingEqualsEmbExtractor(_ name: String, _ layer: Int) throws {
    let model = try Self.model()
    let ref = try Self.reference()
    let batch = try Self.batch(ref, name)
    let out = try model.forward(batch)
    let hidden = out.hiddenStates[try EmbeddingPooling.hiddenStateIndex(layers: model.config.layers, embLayer: layer)]
    let tag = "layer\(layer)"
    let v2 = name == "v2"
    let cell = EmbeddingPooling.cell(hidden, lengths: batch.lengths, hasCLS: v2, hasEOS: v2)
    #expect(Self.maxAbsDifference(cell.scalars, try ref.floats("\(name).cell_emb.\(tag)")) <= 1e-5)
    if v2 {
      #expect(Self.maxAbsDifference(EmbeddingPooling.cls(hidden).scalars, try ref.floats("\(name).cls_emb.\(tag)")) <= 1e-5)
    }
    var genes = EmbeddingPooling.GeneAccumulator(features: model.config.hiddenSize)
    genes.add(hidden, ids: batch.ids, lengths: batch.lengths)
    let (tokens, means) = genes.means()
    let refTokens = try ref.int64s("\(name).gene_emb.\(tag).tokens").map { Int($0) }
    let refMeans = try ref.floats("\(name).gene_emb.\(tag).mean")
    #expect(Set(tokens) == Set(refTokens))
    if v2 { #expect(tokens.contains(2) && tokens.contains(3)) }
    let h = model.config.hiddenSize
    let row = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($1, $0) })
    var worst: Float = 0
    for (r, token) in refTokens.enumerated() {
      guard let mine = row[token] else { continue }
      for j in 0..<h { worst = max(worst, abs(means.scalars[mine * h + j] - refMeans[r * h + j])) }
    }
    #expect(worst <= 1e-5, "gene embeddings max |Δ| \(worst)")
  }

  /// Writing the loaded fixture back reproduces transformers' `model.safetensors` byte for byte.
  @Test func savedCheckpointIsByteIdenticalToSavePretrained() throws {
    let model = try Self.model()
    let dir = FixturePaths.temporaryDirectory() + "/saved"
    try model.save(to: dir)
    let ours = try Data(contentsOf: URL(fileURLWithPath: dir + "/model.safetensors"))
    let theirs = try Data(contentsOf: URL(fileURLWithPath: try #require(FixturePaths.shared("bert/micro")) + "/model/model.safetensors"))
    #expect(ours.count == theirs.count)
    #expect(ours == theirs)
    let again = try BertEncoder.load(directory: dir)
    #expect(again.config == model.config)
    #expect(again.store.values == model.store.values)
  }

  /// `BertForSequenceClassification` (the fixture's classifier/): pooler and logits.
  @Test func classifierEqualsTransformers() throws {
    let model = try BertEncoder.load(directory: try #require(FixturePaths.shared("bert/micro")) + "/classifier")
    #expect(model.classifierLabels == 3 && !model.hasMaskedLMHead)
    let ref = try Self.reference()
    let out = try model.forward(try Self.batch(ref, "v2"), keepHiddenStates: false)
    let (pooled, logits) = try model.classify(out.last)
    #expect(Self.maxAbsDifference(pooled.scalars, try ref.floats("clf.pooled")) <= 1e-5)
    #expect(Self.maxAbsDifference(logits.scalars, try ref.floats("clf.logits")) <= 1e-4)
    let dir = FixturePaths.temporaryDirectory() + "/clf"
    try model.save(to: dir)
    let theirs = try Data(contentsOf: URL(fileURLWithPath: try #require(FixturePaths.shared("bert/micro")) + "/classifier/model.safetensors"))
    #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/model.safetensors")) == theirs)
  }

  /// `pytorch_model.bin` (zip + pickle) gives exactly the weights of `model.safetensors`.
  @Test func pytorchModelBinEqualsSafetensors() throws {
    let fromBin = try BertEncoder.load(directory: try #require(FixturePaths.shared("bert/micro")) + "/model_bin")
    let fromSafetensors = try Self.model()
    #expect(fromBin.store.entries.map(\.name) == fromSafetensors.store.entries.map(\.name))
    #expect(fromBin.store.values == fromSafetensors.store.values)
    #expect(fromBin.hasMaskedLMHead)
  }

  @Test func badCheckpointsAreNamed() throws {
    let dir = FixturePaths.temporaryDirectory()
    let source = try #require(FixturePaths.shared("bert/micro")) + "/model"
    try FileManager.default.copyItem(atPath: source + "/model.safetensors", toPath: dir + "/model.safetensors")
    var config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source + "/config.json"))) as? [String: Any])
    config["hidden_size"] = 32
    config["num_attention_heads"] = 4
    try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: dir + "/config.json"))
    #expect(throws: OmicsError(file: dir + "/model.safetensors", location: "bert.embeddings.word_embeddings.weight", "shape [256, 64] does not match the model's [256, 32]")) {
      _ = try BertEncoder.load(directory: dir)
    }
    config["hidden_size"] = 66
    try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: dir + "/config.json"))
    #expect(throws: OmicsError(file: dir + "/config.json", location: "hidden_size", "66 is not a multiple of num_attention_heads 4")) {
      _ = try BertEncoder.load(directory: dir)
    }
  }
}
