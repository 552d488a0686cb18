import Foundation
import OmicsIO
import OmicsNN
import OmicsTestSupport
import OmicsTransfer
import Testing

/// DeepProfile's VAE against the Float64 PyTorch reference of `scripts/deepprofile_reference.py`
/// (`Fixtures/deepprofile/vae_reference_f64.safetensors`; background §7.1.1–4): forward values,
/// per-sample loss terms and loss, every gradient, 1 and 10 Keras-Adam steps with the Keras 2.2
/// BatchNorm moving statistics, inference μ, integrated gradients and their gene mapping.
/// Tolerance `|a − b| ≤ 1e-12 + 1e-10·|b|`.
@Suite struct DeepProfileVAEReferenceTests {
  let file: SafeTensorsFile

  init() throws { file = try SafeTensorsFile(path: FixturePaths.fixture("deepprofile/vae_reference_f64.safetensors")) }

  func t(_ name: String) throws -> Tensor<Double> {
    let info = try #require(file.info(name), "\(name) missing")
    return Tensor(shape: info.shape, scalars: try file.doubles(name))
  }

  func expectClose(_ a: [Double], _ b: [Double], _ label: String, rtol: Double = 1e-10) {
    #expect(a.count == b.count, "\(label): counts \(a.count) vs \(b.count)")
    for (i, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= 1e-12 + rtol * abs(y)) {
      Issue.record("\(label)[\(i)]: \(x) vs reference \(y)")
      return
    }
  }

  /// The reference model: D = 20, h = (12, 6), d = 3, weights of `init.*`.
  func model() throws -> DeepProfileVAE<Double> {
    var rng = SeededGenerator(seed: 1)
    let m = DeepProfileVAE<Double>(inputs: 20, latent: 3, hidden: (12, 6), rng: &rng)
    try Checkpoint.load(m.store, from: file, strict: false) { "init." + $0 }
    return m
  }

  func epsilon(_ step: Int) throws -> Tensor<Double> {
    let e = try t("epsilon")
    return Tensor(shape: [8, 3], scalars: Array(e.scalars[(step * 24)..<(step * 24 + 24)]))
  }

  @Test func hiddenSizesFollowTheLatentSize() {
    #expect(DeepProfileVAE<Float>.hiddenSizes(latent: 5) == (100, 25))
    #expect(DeepProfileVAE<Float>.hiddenSizes(latent: 10) == (250, 50))
    for d in [25, 50, 75, 100] { #expect(DeepProfileVAE<Float>.hiddenSizes(latent: d) == (250, 100)) }
  }

  @Test func glorotUniformInitialisationWithZeroBiases() {
    var rng = SeededGenerator(seed: 3)
    let m = DeepProfileVAE<Double>(inputs: 500, latent: 10, rng: &rng)
    let w = m.store.tensor("encoder.dense1.weight")!.scalars
    let limit = (6.0 / 750).squareRoot()
    #expect(w.allSatisfy { abs($0) <= limit })
    #expect(w.map(abs).max()! > 0.95 * limit)
    let variance = w.map { $0 * $0 }.reduce(0, +) / Double(w.count)
    #expect(abs(variance - limit * limit / 3) < 0.05 * limit * limit / 3)
    #expect(m.store.tensor("decoder.output.bias")!.scalars.allSatisfy { $0 == 0 })
    #expect(m.store.tensor("encoder.bn1.running_var")!.scalars.allSatisfy { $0 == 1 })
  }

  @Test func forwardLossAndPerSampleTerms() throws {
    let m = try model()
    let x = try t("x")
    let f = try m.forward(x, epsilon: try epsilon(0))
    expectClose(f.mu.scalars, try t("forward.mu").scalars, "mu")
    expectClose(f.logVar.scalars, try t("forward.logvar").scalars, "logvar")
    expectClose(f.z.scalars, try t("forward.z").scalars, "z")
    expectClose(f.reconstruction.scalars, try t("forward.xhat").scalars, "xhat")
    let terms = VAELoss<Double>.perSample(x: x, forward: f)
    expectClose(terms.recon, try t("forward.recon").scalars, "recon_i")
    expectClose(terms.kl, try t("forward.kl").scalars, "KL_i")
    let loss = try VAELoss(x: x, forward: f, beta: 1)
    expectClose([loss.value], try t("forward.loss").scalars, "loss")
    expectClose([loss.reconstruction + loss.kl], try t("forward.loss").scalars, "recon + KL")
    let half = try VAELoss(x: x, forward: f, beta: 0.5)
    expectClose([half.value], try t("forward.loss_beta_half").scalars, "loss β = ½")
    for name in ["encoder.bn1.running_mean", "encoder.bn1.running_var", "encoder.bn2.running_mean", "encoder.bn2.running_var"] {
      expectClose(m.store.tensor(name)!.scalars, try t("forward." + name).scalars, name + " (Keras 2.2 rule)")
    }
  }

  @Test func gradientsOfEveryParameterAndTheInput() throws {
    let m = try model()
    let x = try t("x")
    m.store.zeroGradients()
    let f = try m.forward(x, epsilon: try epsilon(0))
    let loss = try VAELoss(x: x, forward: f, beta: 1)
    // x is also the reconstruction target: dL/dx = network path − dL/dx̂
    let dx = try m.backward(dReconstruction: loss.dReconstruction, dMu: loss.dMu, dLogVar: loss.dLogVar) + loss.dReconstruction * -1
    expectClose(dx.scalars, try t("grad.x").scalars, "dL/dx", rtol: 1e-9)
    var checked = 0
    for e in m.store.entries where e.kind == .parameter {
      expectClose(m.store.gradient(e.name)!.scalars, try t("grad." + e.name).scalars, "dL/d" + e.name, rtol: 1e-9)
      checked += 1
    }
    #expect(checked == 18)
  }

  /// Central differences (h = 1e-6) of the whole loss with respect to the input and a sample of
  /// every parameter tensor: the composite backward (sampling, two heads, KL, BatchNorm) is right
  /// independently of the reference.
  @Test func lossGradientMatchesCentralDifferences() throws {
    let m = try model()
    let x = try t("x"), eps = try epsilon(0)
    func lossValue(_ input: Tensor<Double>) throws -> Double {
      try VAELoss(x: input, forward: try m.forward(input, epsilon: eps), beta: 1).value
    }
    m.store.zeroGradients()
    let f = try m.forward(x, epsilon: eps)
    let loss = try VAELoss(x: x, forward: f, beta: 1)
    let dx = try m.backward(dReconstruction: loss.dReconstruction, dMu: loss.dMu, dLogVar: loss.dLogVar) + loss.dReconstruction * -1
    let grads = m.store.gradients
    let h = 1e-6
    func expectNear(_ a: Double, _ n: Double, _ what: String) {
      #expect(abs(a - n) <= 1e-6 + 1e-5 * abs(n), "\(what): analytic \(a), numeric \(n)")
    }
    for i in stride(from: 0, to: x.count, by: 7) {
      var xp = x, xm = x
      xp.scalars[i] += h
      xm.scalars[i] -= h
      expectNear(dx.scalars[i], (try lossValue(xp) - lossValue(xm)) / (2 * h), "dx[\(i)]")
    }
    for e in m.store.entries where e.kind == .parameter {
      for i in stride(from: e.offset, to: e.offset + e.count, by: max(1, e.count / 5)) {
        let saved = m.store.values[i]
        m.store.values[i] = saved + h
        let up = try lossValue(x)
        m.store.values[i] = saved - h
        let down = try lossValue(x)
        m.store.values[i] = saved
        expectNear(grads[i], (up - down) / (2 * h), "\(e.name)[\(i - e.offset)]")
      }
    }
  }

  @Test func kerasAdamStepsAndMovingStatistics() throws {
    let m = try model()
    let x = try t("x")
    let adam = KerasAdam(m.store, learningRate: 5e-4)
    var losses: [Double] = []
    for step in 1...10 {
      m.store.zeroGradients()
      let f = try m.forward(x, epsilon: try epsilon(step))
      let loss = try VAELoss(x: x, forward: f, beta: 1)
      _ = try m.backward(dReconstruction: loss.dReconstruction, dMu: loss.dMu, dLogVar: loss.dLogVar)
      adam.step()
      losses.append(loss.value)
      if step == 1 || step == 10 {
        for e in m.store.entries where e.kind != .counter {
          expectClose(m.store.tensor(e.name)!.scalars, try t("step\(step).\(e.name)").scalars, "step \(step) \(e.name)", rtol: 1e-9)
        }
      }
    }
    expectClose(losses, try t("train.losses").scalars, "losses", rtol: 1e-9)
    expectClose(try m.embed(x).scalars, try t("eval.mu").scalars, "inference μ", rtol: 1e-9)
  }

  @Test func integratedGradientsAndGeneMapping() throws {
    let m = try model()
    let x = try t("x")
    let adam = KerasAdam(m.store, learningRate: 5e-4)
    for step in 1...10 {
      m.store.zeroGradients()
      let f = try m.forward(x, epsilon: try epsilon(step))
      let loss = try VAELoss(x: x, forward: f, beta: 1)
      _ = try m.backward(dReconstruction: loss.dReconstruction, dMu: loss.dMu, dLogVar: loss.dLogVar)
      adam.step()
    }
    let ig = try LatentIntegratedGradients.attribute(m, x, steps: 50)
    expectClose(ig, try t("ig.attributions").scalars, "IG (n × d × D)", rtol: 1e-8)
    let comp = try t("components")
    let weights = try LatentIntegratedGradients.geneWeights(m, x, mapping: comp.scalars, genes: 30, steps: 50, block: 3)
    expectClose(weights, try t("ig.gene_weights").scalars, "gene weights (d × G)", rtol: 1e-8)
    // completeness: Σ_j IG_cj within 5 % of μ_c(x) − μ_c(0) (left Riemann sum: not exact)
    let mu = try m.embed(x), mu0 = try m.embed(Tensor(shape: [1, 20]))
    var worst = 0.0, scale = 0.0
    for r in 0..<8 {
      for c in 0..<3 {
        let sum = (0..<20).map { ig[(r * 3 + c) * 20 + $0] }.reduce(0, +)
        let delta = mu[r, c] - mu0[0, c]
        worst = max(worst, abs(sum - delta))
        scale = max(scale, abs(delta))
      }
    }
    #expect(worst <= 0.05 * scale, "completeness error \(worst) vs scale \(scale)")
  }

  /// The Float32 path that training runs (including the SIMD Keras-Adam update): forward values at
  /// 1e-5 relative (§7.1.1), and 10 Adam steps within 1e-4 relative of the Float64 reference.
  @Test func float32ForwardAndAdamStepsAgreeWithTheReference() throws {
    var rng = SeededGenerator(seed: 1)
    let m = DeepProfileVAE<Float>(inputs: 20, latent: 3, hidden: (12, 6), rng: &rng)
    try Checkpoint.load(m.store, from: file, strict: false) { "init." + $0 }
    let x = try t("x").cast(to: Float.self)
    func close(_ a: [Float], _ b: [Double], _ label: String, rtol: Double) {
      let scale = b.map(abs).max() ?? 1
      for (i, (u, v)) in zip(a, b).enumerated() where !(abs(Double(u) - v) <= rtol * max(abs(v), 1e-2 * scale)) {
        Issue.record("\(label)[\(i)]: \(u) vs reference \(v)")
        return
      }
    }
    let f = try m.forward(x, epsilon: try epsilon(0).cast(to: Float.self))
    close(f.mu.scalars, try t("forward.mu").scalars, "mu (f32)", rtol: 1e-5)
    close(f.reconstruction.scalars, try t("forward.xhat").scalars, "xhat (f32)", rtol: 1e-5)
    let fresh = DeepProfileVAE<Float>(inputs: 20, latent: 3, hidden: (12, 6), rng: &rng)
    try Checkpoint.load(fresh.store, from: file, strict: false) { "init." + $0 }
    let adam = KerasAdam(fresh.store, learningRate: 5e-4)
    for step in 1...10 {
      fresh.store.zeroGradients()
      let f = try fresh.forward(x, epsilon: try epsilon(step).cast(to: Float.self))
      let loss = try VAELoss(x: x, forward: f, beta: 1)
      _ = try fresh.backward(dReconstruction: loss.dReconstruction, dMu: loss.dMu, dLogVar: loss.dLogVar)
      adam.step()
    }
    for name in ["encoder.dense1.weight", "encoder.bn1.weight", "z_log_var.bias", "decoder.output.weight"] {
      close(fresh.store.tensor(name)!.scalars, try t("step10." + name).scalars, "step 10 \(name) (f32)", rtol: 1e-4)
    }
  }
}
