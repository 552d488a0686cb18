import Foundation
import OmicsIO
import OmicsNN
import OmicsTestSupport
import Testing

/// Optimisers and layers against PyTorch 2.13 numbers in `Fixtures/nn/reference_f64.safetensors`
/// (written by `scripts/nn_reference.py`). Float64; tolerance `|a − b| ≤ 1e-12 + 1e-10·|b|`.
@Suite struct PyTorchReferenceTests {
  let file: SafeTensorsFile

  init() throws { file = try SafeTensorsFile(path: FixturePaths.fixture("nn/reference_f64.safetensors")) }

  func t(_ name: String) throws -> Tensor<Double> {
    let info = try #require(file.info(name), "\(name) missing")
    return Tensor(shape: info.shape, scalars: try file.doubles(name))
  }

  func expectClose(_ a: [Double], _ b: [Double], _ label: String) {
    #expect(a.count == b.count, "\(label): counts")
    for (i, (x, y)) in zip(a, b).enumerated() where abs(x - y) > 1e-12 + 1e-10 * abs(y) {
      Issue.record("\(label)[\(i)]: \(x) vs PyTorch \(y)")
      return
    }
  }

  func runOptimizer(_ name: String, _ make: (ParameterStore<Double>) -> any Optimizer<Double>) throws {
    let s = ParameterStore<Double>()
    s.register("p1.weight", shape: [2, 3], initial: (0..<6).map { -1 + 0.4 * Double($0) })
    s.register("p2.bias", shape: [3], initial: [0.5, -0.25, 2.0])
    let opt = make(s)
    let g1 = try t("grad.p1"), g2 = try t("grad.p2")
    for step in 0..<5 {
      s.gradients = Array(g1.scalars[(step * 6)..<(step * 6 + 6)]) + Array(g2.scalars[(step * 3)..<(step * 3 + 3)])
      opt.step()
    }
    expectClose(Array(s.values[0..<6]), try t("\(name).p1").scalars, "\(name) p1")
    expectClose(Array(s.values[6..<9]), try t("\(name).p2").scalars, "\(name) p2")
  }

  @Test func adam() throws { try runOptimizer("adam") { Adam($0, learningRate: 0.01) } }
  @Test func adamL2() throws { try runOptimizer("adam_l2") { Adam($0, learningRate: 0.01, weightDecay: 0.1) } }
  @Test func adamWWithNoDecaySet() throws {
    try runOptimizer("adamw") { Adam.adamW($0, learningRate: 0.01, weightDecay: 0.1) { $0.hasSuffix(".bias") } }
  }
  @Test func sgdMomentumWeightDecay() throws {
    try runOptimizer("sgd") { SGD($0, learningRate: 0.05, momentum: 0.9, weightDecay: 0.01) }
  }
  @Test func sgdNesterov() throws { try runOptimizer("sgd_nesterov") { SGD($0, learningRate: 0.05, momentum: 0.9, nesterov: true) } }
  @Test func adagrad() throws { try runOptimizer("adagrad") { Adagrad($0, learningRate: 0.1, lrDecay: 0.01) } }

  func layer(_ name: String, _ l: any Layer<Double>, training: Bool = true) throws {
    let x = try t("x"), r = try t("r")
    let y = try l.forward(x, training: training)
    expectClose(y.scalars, try t("\(name).y").scalars, "\(name) forward")
    expectClose(try l.backward(r).scalars, try t("\(name).dx").scalars, "\(name) input gradient")
  }

  @Test func geluErf() throws { try layer("gelu", Activation(.gelu)) }
  @Test func geluTanh() throws { try layer("gelu_tanh", Activation(.geluTanh)) }
  @Test func softmax() throws { try layer("softmax", Softmax()) }

  @Test func layerNorm() throws {
    let s = ParameterStore<Double>()
    let ln = LayerNorm<Double>(5, name: "ln", store: s)
    try s.set("ln.weight", (0..<5).map { 0.5 + 0.25 * Double($0) })
    try s.set("ln.bias", (0..<5).map { -0.2 + 0.1 * Double($0) })
    try layer("layernorm", ln)
  }

  @Test func batchNormTrainTwoStepsRunningStatistics() throws {
    let s = ParameterStore<Double>()
    let bn = BatchNorm1d<Double>(5, name: "bn", store: s)
    try s.set("bn.weight", (0..<5).map { 0.5 + 0.25 * Double($0) })
    try s.set("bn.bias", (0..<5).map { -0.2 + 0.1 * Double($0) })
    _ = try bn.forward(try t("x") * 2 + Tensor(shape: [4, 5], repeating: 1), training: true)
    try layer("batchnorm", bn)
    expectClose(try #require(s.tensor("bn.running_mean")).scalars, try t("batchnorm.running_mean").scalars, "running_mean")
    expectClose(try #require(s.tensor("bn.running_var")).scalars, try t("batchnorm.running_var").scalars, "running_var")
    #expect(s.tensor("bn.num_batches_tracked")?.scalars == [2])
  }

  @Test func bceAndKL() throws {
    let x = try t("x"), target = try t("bce.target")
    let p = Tensor(shape: x.shape, scalars: x.scalars.map { 1 / (1 + Double.nnExp(-$0)) })
    expectClose([try bceLoss(p, target).value], try t("bce.value").scalars, "bce")
    expectClose([try bceWithLogitsLoss(x, target).value], try t("bce_logits.value").scalars, "bce with logits")
    var mu = Tensor<Double>(shape: [4, 2]), lv = Tensor<Double>(shape: [4, 2])
    for r in 0..<4 {
      for j in 0..<2 { mu[r, j] = x[r, j]; lv[r, j] = x[r, j + 2] }
    }
    expectClose([try gaussianKL(mu: mu, logVar: lv, reduction: .sum).value], try t("kl.sum").scalars, "kl")
  }
}
