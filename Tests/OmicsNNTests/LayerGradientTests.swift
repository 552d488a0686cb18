import OmicsNN
import Testing

/// Every layer's backward against Float64 central finite differences (input and parameter gradients).
@Suite struct LayerGradientTests {
  let checker = GradientChecker()

  @Test func linear2DAnd3D() throws {
    let store = ParameterStore<Double>()
    var rng = SeededGenerator(seed: 1)
    let layer = Linear<Double>(5, 3, name: "fc", store: store, rng: &rng)
    for shape in [[4, 5], [2, 3, 5]] {
      let r = try checker.check("linear \(shape)", input: randomTensor(shape, seed: 2), store: store,
                                forward: { try layer.forward($0, training: true) }, backward: { try layer.backward($0) })
      #expect(r.checked == shape.reduce(1, *) + 18)
    }
  }

  /// `computesInputGradient = false`: the same parameter gradients bit for bit, an empty `dx`, and
  /// a layer after it rejects that `dx` instead of reading zeros.
  @Test func linearWithoutInputGradient() throws {
    let store = ParameterStore<Double>()
    var rng = SeededGenerator(seed: 1)
    let layer = Linear<Double>(5, 3, name: "fc", store: store, rng: &rng)
    for shape in [[4, 5], [2, 3, 5]] {
      let x = randomTensor(shape, seed: 2), dy = randomTensor(Array(shape.dropLast()) + [3], seed: 3)
      layer.computesInputGradient = true
      store.zeroGradients()
      _ = try layer.forward(x, training: true)
      let full = try layer.backward(dy)
      let fullGradients = store.gradients
      layer.computesInputGradient = false
      store.zeroGradients()
      _ = try layer.forward(x, training: true)
      let skipped = try layer.backward(dy)
      #expect(store.gradients == fullGradients)
      #expect(full.shape == shape)
      #expect(skipped.shape == [0] + shape.dropFirst() && skipped.count == 0)
    }
    let next = Linear<Double>(2, 5, name: "before", store: store, rng: &rng)
    let net = Sequential<Double>([next, BatchNorm1d(5, name: "bn", store: store), layer])
    _ = try net.forward(randomTensor([4, 2], seed: 4), training: true)
    #expect(throws: (any Error).self) { try net.backward(randomTensor([4, 3], seed: 5)) }
  }

  @Test func linearWithoutBias() throws {
    let store = ParameterStore<Double>()
    var rng = SeededGenerator(seed: 1)
    let layer = Linear<Double>(4, 2, bias: false, name: "fc", store: store, rng: &rng)
    #expect(store.entry("fc.bias") == nil)
    try checker.check("linear no bias", input: randomTensor([3, 4], seed: 5), store: store,
                      forward: { try layer.forward($0, training: true) }, backward: { try layer.backward($0) })
  }

  @Test(arguments: [true, false]) func batchNormTrainAndEval(training: Bool) throws {
    for convention in [BatchNormConvention.pytorch, .keras] {
      let store = ParameterStore<Double>()
      let bn = BatchNorm1d<Double>(3, convention: convention, name: "bn", store: store)
      // Non-trivial affine and running statistics.
      try store.set("bn.weight", [1.5, -0.7, 0.3])
      try store.set("bn.bias", [0.1, 0.2, -0.3])
      try store.set("bn.running_mean", [0.2, -0.1, 0.05])
      try store.set("bn.running_var", [0.8, 1.3, 0.5])
      bn.updatesRunningStatistics = false
      try checker.check("batchnorm \(convention) training=\(training)", input: randomTensor([5, 3], seed: 3),
                        store: store, forward: { try bn.forward($0, training: training) },
                        backward: { try bn.backward($0) })
    }
  }

  @Test func layerNorm() throws {
    let store = ParameterStore<Double>()
    let ln = LayerNorm<Double>(4, name: "ln", store: store)
    try store.set("ln.weight", [1.2, 0.8, -0.5, 2.0])
    try store.set("ln.bias", [0.1, 0, -0.2, 0.3])
    try checker.check("layernorm", input: randomTensor([2, 3, 4], seed: 4), store: store,
                      forward: { try ln.forward($0, training: true) }, backward: { try ln.backward($0) })
  }

  @Test(arguments: ["relu", "sigmoid", "tanh", "gelu", "geluTanh", "leaky"])
  func activations(kind: String) throws {
    let k: Activation<Double>.Kind = switch kind {
      case "relu": .relu
      case "sigmoid": .sigmoid
      case "tanh": .tanh
      case "gelu": .gelu
      case "geluTanh": .geluTanh
      default: .leakyReLU(slope: 0.01)
    }
    let act = Activation<Double>(k)
    // Keep ReLU-type inputs away from the kink at 0 (not differentiable there).
    var x = randomTensor([4, 6], seed: 6, low: -3, high: 3)
    for i in 0..<x.count where abs(x.scalars[i]) < 1e-3 { x.scalars[i] = 0.5 }
    try checker.check(kind, input: x, store: nil, forward: { try act.forward($0, training: true) },
                      backward: { try act.backward($0) })
  }

  @Test func softmax() throws {
    let sm = Softmax<Double>()
    try checker.check("softmax", input: randomTensor([3, 5], seed: 7, low: -2, high: 2), store: nil,
                      forward: { try sm.forward($0, training: true) }, backward: { try sm.backward($0) })
  }

  @Test func dropoutWithExplicitMask() throws {
    let d = Dropout<Double>(p: 0.25, seed: 1)
    let mask: [Double] = (0..<12).map { $0 % 3 == 0 ? 0 : 1 }
    try checker.check("dropout", input: randomTensor([3, 4], seed: 8), store: nil,
                      forward: { d.nextMask = mask; return try d.forward($0, training: true) },
                      backward: { try d.backward($0) })
    d.nextMask = mask
    let y = try d.forward(Tensor(shape: [3, 4], repeating: 1), training: true)
    #expect(y.scalars == mask.map { $0 / 0.75 })
  }

  @Test func gradientReversal() throws {
    let g = GradientReversal<Double>(lambda: 0.7)
    let r = try checker.check("gradient reversal", input: randomTensor([2, 3], seed: 9), store: nil,
                              forward: { x in
                                // f(x) = Σ r·x through identity; reversal flips the sign of the true gradient,
                                // so check −backward against the numeric derivative of forward scaled by λ.
                                try g.forward(x, training: true) * 0.7 * -1
                              }, backward: { try g.backward($0) })
    #expect(r.checked == 6)
  }

  @Test func embedding() throws {
    let store = ParameterStore<Double>()
    var rng = SeededGenerator(seed: 3)
    let emb = Embedding<Double>(6, 3, name: "emb", store: store, rng: &rng)
    let ids = [1, 0, 4, 4, 2, 5]
    try checker.check("embedding", input: Tensor(shape: [6], repeating: 0), store: store, checkInput: false,
                      forward: { _ in try emb.forward(ids: ids, shape: [2, 3]) },
                      backward: { dy in try emb.backward(dy); return Tensor(shape: [6]) })
    #expect(throws: (any Error).self) { try emb.forward(ids: [6], shape: [1]) }
  }

  @Test func embeddingPaddingRowGetsNoGradient() throws {
    let store = ParameterStore<Double>()
    var rng = SeededGenerator(seed: 3)
    let emb = Embedding<Double>(4, 2, paddingIndex: 0, name: "emb", store: store, rng: &rng)
    #expect(store.tensor("emb.weight")?.scalars[0..<2].allSatisfy { $0 == 0 } == true)
    _ = try emb.forward(ids: [0, 1, 0], shape: [3])
    try emb.backward(Tensor(shape: [3, 2], repeating: 1))
    #expect(store.gradient("emb.weight")?.scalars == [0, 0, 1, 1, 0, 0, 0, 0])
  }

  @Test func sequentialComposite() throws {
    let store = ParameterStore<Double>()
    var rng = SeededGenerator(seed: 11)
    let net = Sequential<Double>([
      Linear(6, 5, name: "0", store: store, rng: &rng), BatchNorm1d(5, name: "1", store: store),
      Activation(.gelu), Linear(5, 4, name: "3", store: store, rng: &rng), LayerNorm(4, name: "4", store: store),
      Activation(.tanh), Linear(4, 2, name: "6", store: store, rng: &rng), Softmax(),
    ])
    try checker.check("sequential", input: randomTensor([5, 6], seed: 12), store: store,
                      forward: { try net.forward($0, training: true) }, backward: { try net.backward($0) })
  }

  @Test func batchNormRejectsSingleSampleTrainingBatch() throws {
    let bn = BatchNorm1d<Double>(3, name: "bn", store: ParameterStore())
    #expect(throws: (any Error).self) { try bn.forward(Tensor(shape: [1, 3]), training: true) }
    #expect(try bn.forward(Tensor(shape: [1, 3]), training: false).shape == [1, 3])
  }
}
