import Foundation
import OmicsCore
import OmicsNN
import Testing

/// Float64 central-difference checks of the trainable BERT: the attention core (with padding and
/// dropout), and every parameter gradient of the masked-LM and classification losses of a tiny model.
struct BertGradientTests {
  static let tiny = BertConfig(vocabSize: 11, hiddenSize: 4, layers: 2, heads: 2, intermediateSize: 6, maxPositions: 8)

  /// q, k, v stacked as one (3, B, T, H) tensor so that one checker covers all three inputs.
  static func checkAttention(dropout: Double) throws {
    let (b, t, heads, d) = (2, 5, 2, 3)
    let h = heads * d
    var rng = SeededGenerator(seed: 4)
    let input = Tensor<Double>(shape: [3, b, t, h], scalars: (0..<(3 * b * t * h)).map { _ in rng.uniform(-1, 1) })
    var layer = MultiHeadAttention<Double>(heads: heads, headSize: d, dropout: dropout, seed: 9)
    let n = b * t * h
    func split(_ x: Tensor<Double>) -> [Tensor<Double>] {
      (0..<3).map { Tensor(shape: [b, t, h], scalars: Array(x.scalars[($0 * n)..<(($0 + 1) * n)])) }
    }
    let result = try GradientChecker().check(
      "attention (dropout \(dropout))", input: input, store: nil,
      forward: { x in
        layer = MultiHeadAttention<Double>(heads: heads, headSize: d, dropout: dropout, seed: 9)  // same mask every call
        let parts = split(x)
        return try layer.forward(q: parts[0], k: parts[1], v: parts[2], lengths: [5, 3], training: true)
      },
      backward: { dy in
        let (dq, dk, dv) = try layer.backward(dy)
        return Tensor(shape: [3, b, t, h], scalars: dq.scalars + dk.scalars + dv.scalars)
      })
    #expect(result.checked == 3 * n)
  }

  @Test func attentionMatchesFiniteDifferences() throws { try Self.checkAttention(dropout: 0) }

  @Test func attentionWithDropoutMatchesFiniteDifferences() throws { try Self.checkAttention(dropout: 0.3) }

  @Test func paddedKeysGetNoWeightAndNoGradient() throws {
    var rng = SeededGenerator(seed: 1)
    let q = Tensor<Double>(shape: [1, 4, 2], scalars: (0..<8).map { _ in rng.uniform(-1, 1) })
    var k = q, v = q
    let layer = MultiHeadAttention<Double>(heads: 1, headSize: 2)
    let c1 = try layer.forward(q: q, k: k, v: v, lengths: [2], training: false)
    for i in 4..<8 { k.scalars[i] = 100; v.scalars[i] = -100 }  // change the padded keys and values
    let c2 = try layer.forward(q: q, k: k, v: v, lengths: [2], training: false)
    #expect(c1 == c2)
    let (_, dk, dv) = try layer.backward(Tensor(shape: [1, 4, 2], repeating: 1))
    #expect(dk.scalars[4..<8].allSatisfy { $0 == 0 } && dv.scalars[4..<8].allSatisfy { $0 == 0 })
  }

  /// Central differences of a scalar loss over every trainable parameter of `net`.
  static func checkParameters(_ label: String, net: BertNetwork<Double>, loss: () throws -> Double) throws {
    net.store.zeroGradients()
    _ = try loss()
    let analytic = net.store.gradients
    var checked = 0
    let eps = 1e-6
    for e in net.store.entries where e.kind == .parameter {
      for i in e.range {
        let saved = net.store.values[i]
        net.store.values[i] = saved + eps
        let up = try loss()
        net.store.values[i] = saved - eps
        let down = try loss()
        net.store.values[i] = saved
        let numeric = (up - down) / (2 * eps)
        #expect(abs(analytic[i] - numeric) <= 1e-6 + 1e-5 * abs(numeric), "\(label) \(e.name)[\(i - e.offset)]: \(analytic[i]) vs \(numeric)")
        checked += 1
      }
    }
    #expect(checked == net.store.values.count)
  }

  /// Token ids with padding, the random init made larger so that attention is not uniform.
  static func batch() -> (ids: [Int], lengths: [Int]) {
    ([2, 5, 7, 9, 8, 3, 2, 6, 4, 3, 0, 0], [6, 4])  // two V2-style cells, width 6, pad 0
  }

  static func spread(_ net: BertNetwork<Double>) {
    var rng = SeededGenerator(seed: 7)
    for e in net.store.entries where !e.name.contains("LayerNorm") {
      for i in e.range { net.store.values[i] = rng.uniform(-0.8, 0.8) }
    }
    for e in net.store.entries where e.name.contains("LayerNorm") {
      for i in e.range { net.store.values[i] += rng.uniform(-0.2, 0.2) }
    }
  }

  @Test func maskedLMLossGradientsMatchFiniteDifferences() throws {
    var config = Self.tiny
    config.activation = .gelu  // smooth, so no kink sits near a difference step
    let net = BertNetwork<Double>(config: config, head: .maskedLM, seed: 3)
    Self.spread(net)
    let (ids, lengths) = Self.batch()
    var labels = [Int](repeating: -100, count: ids.count)
    labels[1] = 5; labels[0] = 2; labels[9] = 3; labels[7] = 6  // <cls> and <eos> can be selected too
    var masked = ids
    masked[1] = 1; masked[7] = 10
    try Self.checkParameters("MLM", net: net) {
      try net.maskedLMLoss(ids: masked, labels: labels, lengths: lengths, training: false)
    }
    // the word table's padding row gets only the decoder's gradient
    #expect(net.store.gradient("bert.embeddings.word_embeddings.weight")!.scalars[0..<4].contains { $0 != 0 })
  }

  @Test func classificationLossGradientsMatchFiniteDifferences() throws {
    var config = Self.tiny
    config.activation = .gelu
    let net = BertNetwork<Double>(config: config, head: .classifier(labels: 3), seed: 5)
    Self.spread(net)
    let (ids, lengths) = Self.batch()
    try Self.checkParameters("classifier", net: net) {
      try net.classificationLoss(ids: ids, lengths: lengths, labels: [2, 0], training: false).loss!
    }
  }
}

/// The vectorizable exp used by the Float attention softmax stays within 2 ulp of libm's expf.
struct FastExpTests {
  @Test func withinTwoUlpOfExpf() {
    var worst: Float = 0
    var x: Float = -87.3
    while x <= 88.3 {
      let a = FastExp.exp(x), b = expf(x)
      worst = max(worst, abs(a - b) / b.ulp)
      x += 0.000731
    }
    #expect(worst <= 2, "worst \(worst) ulp")
    #expect(FastExp.exp(0) == 1 && FastExp.exp(-200) < 1.3e-38)
  }
}
