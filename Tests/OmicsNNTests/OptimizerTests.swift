import Foundation
import OmicsNN
import Testing

/// Optimisers, clipping and schedules on hand-checkable cases.
@Suite struct OptimizerTests {
  func store(_ values: [Double], grads: [Double], names: [String] = ["w"]) throws -> ParameterStore<Double> {
    let s = ParameterStore<Double>()
    let per = values.count / names.count
    for (i, n) in names.enumerated() {
      s.register(n, shape: [per], initial: Array(values[(i * per)..<((i + 1) * per)]))
    }
    s.gradients = grads
    return s
  }

  @Test func adamFirstStepIsLrTimesSign() throws {
    let s = try store([1, -2, 3], grads: [0.5, -4, 1e-3])
    let adam = Adam(s, learningRate: 0.01)
    adam.step()
    // m̂ = g, v̂ = g² → θ − lr·g/(|g| + eps).
    let expected = [1 - 0.01 * 0.5 / (0.5 + 1e-8), -2 + 0.01 * 4 / (4 + 1e-8), 3 - 0.01 * 1e-3 / (1e-3 + 1e-8)]
    for (a, b) in zip(s.values, expected) { #expect(abs(a - b) < 1e-15) }
  }

  @Test func adamTwoStepsMatchPyTorchFormula() throws {
    let s = try store([0.3], grads: [0.2])
    let adam = Adam(s, learningRate: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8)
    adam.step()
    s.gradients = [-0.6]
    adam.step()
    // By hand: m1 = .02, v1 = 4e-5; θ1 = .3 − .1·(.02/.1)/(√(4e-5/.001) + 1e-8) = .2 (to 1e-8)
    let m1 = 0.1 * 0.2, v1 = 0.001 * 0.04
    let t1 = 0.3 - 0.1 * (m1 / 0.1) / ((v1 / 0.001).squareRoot() + 1e-8)
    let m2 = 0.9 * m1 + 0.1 * -0.6, v2 = 0.999 * v1 + 0.001 * 0.36
    let t2 = t1 - 0.1 * (m2 / (1 - 0.81)) / ((v2 / (1 - 0.999 * 0.999)).squareRoot() + 1e-8)
    #expect(abs(s.values[0] - t2) < 1e-15)
    #expect(abs(t1 - 0.2) < 1e-7)
  }

  @Test func adamWDecouplesDecayAndHonoursNoDecaySet() throws {
    let s = try store([1, 1], grads: [0, 0], names: ["layer.weight", "layer.bias"])
    let opt = Adam<Double>.adamW(s, learningRate: 0.1, weightDecay: 0.5)
    opt.step()
    // Zero gradient: only the decay moves the weight, θ·(1 − lr·wd); the bias is exempt.
    #expect(abs(s.values[0] - 0.95) < 1e-15)
    #expect(s.values[1] == 1)
    // Adam's L2 form adds wd·θ to the gradient instead.
    let l2 = try store([1], grads: [0])
    Adam(l2, learningRate: 0.1, weightDecay: 0.5).step()
    #expect(abs(l2.values[0] - (1 - 0.1 * 0.5 / (0.5 + 1e-8))) < 1e-15)
  }

  @Test func frozenParametersDoNotMove() throws {
    let s = try store([1, 2], grads: [1, 1], names: ["a", "b"])
    s.setTrainable(false) { $0 == "a" }
    SGD(s, learningRate: 0.1).step()
    #expect(s.values == [1, 1.9])
  }

  @Test func sgdMomentumAndNesterov() throws {
    let s = try store([1], grads: [1])
    let sgd = SGD(s, learningRate: 0.1, momentum: 0.9)
    sgd.step()  // buf = 1 → θ = 0.9
    sgd.step()  // buf = 1.9 → θ = 0.71
    #expect(abs(s.values[0] - 0.71) < 1e-15)
    let n = try store([1], grads: [1])
    let nest = SGD(n, learningRate: 0.1, momentum: 0.9, nesterov: true)
    nest.step()  // buf = 1, g = 1 + .9 → θ = .81
    #expect(abs(n.values[0] - 0.81) < 1e-15)
  }

  @Test func adagrad() throws {
    let s = try store([1], grads: [2])
    let opt = Adagrad(s, learningRate: 0.1)
    opt.step()  // sum = 4 → θ = 1 − .1·2/(2 + 1e-10)
    opt.step()  // sum = 8 → θ −= .1·2/√8
    let expected = 1 - 0.1 * 2 / (2 + 1e-10) - 0.1 * 2 / (8.0.squareRoot() + 1e-10)
    #expect(abs(s.values[0] - expected) < 1e-15)
  }

  @Test func clipByGlobalNorm() throws {
    let s = try store([0, 0], grads: [3, 4])
    let norm = clipGradientNorm(s, maxNorm: 1)
    #expect(norm == 5)
    #expect(abs(s.gradients[0] - 3 / (5 + 1e-6)) < 1e-15 && abs(s.gradients[1] - 4 / (5 + 1e-6)) < 1e-15)
    let t = try store([0], grads: [0.5])
    clipGradientNorm(t, maxNorm: 1)
    #expect(t.gradients == [0.5])
  }

  @Test func warmupSchedules() {
    let lin = WarmupSchedule(baseLR: 1, warmupSteps: 10, totalSteps: 110, decay: .linear)
    #expect(lin.learningRate(at: 0) == 0)
    #expect(lin.learningRate(at: 5) == 0.5)
    #expect(lin.learningRate(at: 10) == 1)
    #expect(lin.learningRate(at: 60) == 0.5)
    #expect(lin.learningRate(at: 200) == 0)
    let cos = WarmupSchedule(baseLR: 2, warmupSteps: 10, totalSteps: 110, decay: .cosine())
    #expect(abs(cos.learningRate(at: 60) - 1) < 1e-12)
    #expect(abs(cos.learningRate(at: 110)) < 1e-12)
    #expect(WarmupSchedule(baseLR: 3, warmupSteps: 4, totalSteps: 8, decay: .constant).learningRate(at: 7) == 3)
  }

  @Test func plateauModesAndCooldown() {
    let s = ReduceLROnPlateau(mode: .max, factor: 0.5, patience: 1, cooldown: 1, minLR: 0.3)
    var lr = 1.0
    for v in [1.0, 1.0, 1.0] { lr = s.step(v, learningRate: lr) }
    #expect(lr == 0.5)  // 2nd non-improving step > patience 1
    lr = s.step(1.0, learningRate: lr)  // cooldown: no count
    #expect(lr == 0.5)
    lr = s.step(1.0, learningRate: lr)
    lr = s.step(1.0, learningRate: lr)
    #expect(lr == 0.3)  // floored at minLR
  }
}
