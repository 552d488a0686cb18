import Foundation
import OmicsCore
import OmicsIO
import OmicsNN
import OmicsTestSupport
import Testing

/// One masked-LM step, two AdamW steps and the classifier's loss and gradients of the trainable
/// BERT against transformers on `../shared/data/bert/micro` (geneformer-model.md §5.4 items 5–7).
@Suite(.enabled(if: FixturePaths.shared("bert/micro") != nil, "needs ../shared/data/bert/micro (transformers reference outputs)"))
struct BertTrainingReferenceTests {
  static func directory() throws -> String { try #require(FixturePaths.shared("bert/micro")) }

  static func reference() throws -> SafeTensorsFile {
    try SafeTensorsFile(path: try directory() + "/reference.safetensors")
  }

  static func scalars() throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: try directory() + "/reference.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    return try #require(json["scalars"] as? [String: Any])
  }

  static func maxAbs(_ a: [Float], _ b: [Float]) -> Float {
    a.count == b.count ? zip(a, b).map { abs($0 - $1) }.max() ?? 0 : .infinity
  }

  @Test func maskedLMStepAndAdamWEqualTransformers() throws {
    let ref = try Self.reference(), s = try Self.scalars()
    let net = try BertNetwork<Float>.load(directory: try Self.directory() + "/model", head: .maskedLM)
    let ids = try ref.int64s("train.masked_input_ids").map(Int.init)
    let labels = try ref.int64s("train.labels").map(Int.init)
    let lengths = try ref.int64s("v2.lengths").map(Int.init)
    let optimizer = Adam.adamW(net.store, learningRate: 1e-3, weightDecay: 0.001, noDecay: BertNetwork<Float>.isNoDecay)
    for step in 0..<2 {
      net.store.zeroGradients()
      let loss = try net.maskedLMLoss(ids: ids, labels: labels, lengths: lengths, training: false)
      let expected = try #require(s["train.step\(step).loss"] as? Double)
      #expect(abs(loss - expected) <= 1e-5 * expected, "step \(step) loss \(loss) vs \(expected)")
      if step == 0 {
        var checked = 0
        for e in net.store.entries {
          let theirs = try ref.floats("train.grad." + e.name)
          let d = Self.maxAbs(Array(net.store.gradients[e.range]), theirs)
          #expect(d <= 1e-4, "gradient of \(e.name): max |Δ| \(d)")
          checked += 1
        }
        #expect(checked == 42)
        // the pad row of the tied table: decoder term only, and it is not zero
        let padRow = Array(net.store.gradient("bert.embeddings.word_embeddings.weight")!.scalars[0..<64])
        #expect(padRow.contains { $0 != 0 })
      }
      let norm = clipGradientNorm(net.store, maxNorm: 1)
      let expectedNorm = try #require(s["train.step\(step).grad_norm_before_clip"] as? Double)
      #expect(abs(norm - expectedNorm) <= 1e-4 * expectedNorm, "step \(step) gradient norm \(norm) vs \(expectedNorm)")
      optimizer.step()
    }
    for e in net.store.entries {
      let after = try ref.floats("train.param_after." + e.name)
      if e.name.hasSuffix("attention.self.key.bias") {
        // Its gradient is structurally zero (softmax ignores a shift shared by all keys), so both
        // sides' Adam steps follow the sign of rounding noise: check only that each moved ≤ lr per step.
        let before = try SafeTensorsFile(path: try Self.directory() + "/model/model.safetensors").floats(e.name)
        #expect(Self.maxAbs(Array(net.store.values[e.range]), before) <= 2.01e-3)
        #expect(Self.maxAbs(after, before) <= 2.01e-3)
        continue
      }
      let d = Self.maxAbs(Array(net.store.values[e.range]), after)
      #expect(d <= 1e-5, "\(e.name) after two AdamW steps: max |Δ| \(d)")
    }
  }

  @Test func noDecaySetEqualsTheTrainers() throws {
    let net = try BertNetwork<Float>.load(directory: try Self.directory() + "/model", head: .maskedLM)
    let theirs = try #require(try Self.scalars()["train.no_decay_params"] as? [String])
    #expect(Set(net.store.entries.map(\.name).filter(BertNetwork<Float>.isNoDecay)) == Set(theirs))
  }

  @Test func classifierLogitsLossAndGradientsEqualTransformers() throws {
    let ref = try Self.reference(), s = try Self.scalars()
    let net = try BertNetwork<Float>.load(directory: try Self.directory() + "/classifier", head: .classifier(labels: 3))
    net.freezeLayers(1)
    let ids = try ref.int64s("v2.input_ids").map(Int.init)
    let lengths = try ref.int64s("v2.lengths").map(Int.init)
    let labels = try ref.int64s("clf.labels").map(Int.init)
    net.store.zeroGradients()
    let (logits, loss) = try net.classificationLoss(ids: ids, lengths: lengths, labels: labels, training: false)
    #expect(Self.maxAbs(logits.scalars, try ref.floats("clf.logits")) <= 1e-4)
    let expected = try #require(s["clf.loss"] as? Double)
    #expect(abs(try #require(loss) - expected) <= 1e-5 * expected)
    let frozen = Set(try #require(s["clf.frozen_params"] as? [String]))
    for e in net.store.entries {
      #expect(e.trainable == !frozen.contains(e.name), "\(e.name) trainable flag")
      guard e.trainable else { continue }
      let d = Self.maxAbs(Array(net.store.gradients[e.range]), try ref.floats("clf.grad." + e.name))
      #expect(d <= 1e-4, "classifier gradient of \(e.name): max |Δ| \(d)")
    }
    #expect(frozen.count == 16)
    let pooled = try net.classification!.forward(net.encode(ids: ids, lengths: lengths, training: false), training: false).pooled
    #expect(Self.maxAbs(pooled.scalars, try ref.floats("clf.pooled")) <= 1e-5)
  }

  @Test func savedTrainableModelIsByteIdenticalToTheFixture() throws {
    let dir = try Self.directory() + "/model"
    let net = try BertNetwork<Float>.load(directory: dir, head: .maskedLM)
    let out = FixturePaths.temporaryDirectory() + "/saved"
    try net.save(to: out)
    let a = try Data(contentsOf: URL(fileURLWithPath: out + "/model.safetensors"))
    let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/model.safetensors"))
    #expect(a == b)
    let reloaded = try BertEncoder.load(directory: out)
    #expect(reloaded.config.vocabSize == 256)
  }
}
