import OmicsNN
import Testing

/// Every loss's gradient against Float64 central finite differences, plus closed-form values.
@Suite struct LossGradientTests {
  let checker = GradientChecker()

  @Test func mse() throws {
    let p = randomTensor([3, 4], seed: 1), t = randomTensor([3, 4], seed: 2)
    let l = try mseLoss(p, t, weight: 0.5)
    try checker.checkLoss("mse", input: p, value: { try mseLoss($0, t, weight: 0.5).value }, gradient: l.gradient)
    #expect(try mseLoss(t, t).value == 0)
  }

  @Test func crossEntropyOnLogitsAndOnSigmoidOutputs() throws {
    let s = randomTensor([4, 3], seed: 3, low: -2, high: 2), y = [0, 2, 1, 2]
    let l = try crossEntropyLoss(s, labels: y)
    try checker.checkLoss("ce", input: s, value: { try crossEntropyLoss($0, labels: y).value }, gradient: l.gradient)
    // scDEAL: CE on sigmoid outputs has minimum log(1 + e^-1) for two classes.
    let perfect = Tensor<Double>(shape: [1, 2], scalars: [0, 1])
    #expect(abs(try crossEntropyLoss(perfect, labels: [1]).value - 0.31326168751822286) < 1e-15)
    #expect(throws: (any Error).self) { try crossEntropyLoss(s, labels: [0, 3, 1, 2]) }
  }

  @Test func nll() throws {
    let p = randomTensor([3, 2], seed: 4, low: 0.1, high: 0.9), y = [1, 0, 1]
    let l = try nllOnProbabilities(p, labels: y)
    try checker.checkLoss("nll", input: p, value: { try nllOnProbabilities($0, labels: y).value }, gradient: l.gradient)
  }

  @Test func bceOnProbabilitiesAndLogits() throws {
    let p = randomTensor([3, 2], seed: 5, low: 0.05, high: 0.95)
    let t = Tensor<Double>(shape: [3, 2], scalars: [0, 1, 1, 0, 0.3, 1])
    let l = try bceLoss(p, t)
    try checker.checkLoss("bce", input: p, value: { try bceLoss($0, t).value }, gradient: l.gradient)
    let z = randomTensor([3, 2], seed: 6, low: -4, high: 4)
    let lz = try bceWithLogitsLoss(z, t)
    try checker.checkLoss("bce-logits", input: z, value: { try bceWithLogitsLoss($0, t).value }, gradient: lz.gradient)
    // Both forms agree on σ(z).
    let sig = Tensor(shape: z.shape, scalars: z.scalars.map { 1 / (1 + Double.nnExp(-$0)) })
    #expect(abs(try bceLoss(sig, t).value - lz.value) < 1e-12)
  }

  @Test func klDivergence() throws {
    let mu = randomTensor([3, 2], seed: 7), lv = randomTensor([3, 2], seed: 8)
    for red in [KLReduction.sum, .batchMean] {
      let r = try gaussianKL(mu: mu, logVar: lv, reduction: red)
      try checker.checkLoss("kl mu", input: mu, value: { try gaussianKL(mu: $0, logVar: lv, reduction: red).value },
                            gradient: r.dMu)
      try checker.checkLoss("kl logvar", input: lv, value: { try gaussianKL(mu: mu, logVar: $0, reduction: red).value },
                            gradient: r.dLogVar)
    }
    #expect(try gaussianKL(mu: Tensor<Double>(shape: [2, 2]), logVar: Tensor<Double>(shape: [2, 2])).value == 0)
  }

  @Test func mmdSingleAndMultiBandwidth() throws {
    let x = randomTensor([4, 3], seed: 9), y = randomTensor([5, 3], seed: 10, low: -0.5, high: 1.5)
    for bw in [[1.0], [0.25, 0.5, 1, 2, 4]] {
      let r = try mmdLoss(x, y, bandwidths: bw, weight: 0.25)
      try checker.checkLoss("mmd dx \(bw)", input: x, value: { try mmdLoss($0, y, bandwidths: bw, weight: 0.25).value },
                            gradient: r.dx)
      try checker.checkLoss("mmd dy \(bw)", input: y, value: { try mmdLoss(x, $0, bandwidths: bw, weight: 0.25).value },
                            gradient: r.dy)
      #expect(r.value > 0)
    }
    #expect(abs(try mmdLoss(x, x, bandwidths: [1]).value) < 1e-15)
  }

  @Test func medianHeuristic() {
    let x = Tensor<Double>(shape: [2, 1], scalars: [0, 1]), y = Tensor<Double>(shape: [1, 1], scalars: [3])
    // Distances of [0,1,3]: 0,1,3,1,0,2,3,2,0 → sorted 0,0,0,1,1,2,2,3,3 → lower middle 1.
    #expect(medianHeuristicBandwidths(x, y, factors: [0.5, 1, 2]) == [0.5, 1, 2])
  }
}
