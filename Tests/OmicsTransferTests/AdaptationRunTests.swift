import OmicsNN
@testable import OmicsTransfer
import Testing

/// End-to-end runs of the library on small synthetic data: determinism, the recipes' structure.
@Suite struct AdaptationRunTests {
  /// Source: 80 samples, label shifts genes 0–4 by +1; target: 100 cells, the same plus a nuisance
  /// factor on genes 3–9. Target gene names may differ (`targetGenes`).
  static func makeInputs(seed: UInt64, targetGenes: [String]? = nil) -> AdaptInputs {
    var rng = SeededGenerator(seed: seed)
    let g = 12
    func draw(_ n: Int, nuisance: Double) -> ([Float], [Int]) {
      var x = [Float](repeating: 0, count: n * g), y = [Int](repeating: 0, count: n)
      for r in 0..<n {
        y[r] = rng.nextUnit() < 0.5 ? 1 : 0
        let v = rng.normal() * nuisance
        for j in 0..<g {
          x[r * g + j] = Float(rng.normal() + (j < 5 ? Double(y[r]) : 0) + (j >= 3 && j < 10 ? v : 0))
        }
      }
      return (x, y)
    }
    let (xs, ys) = draw(80, nuisance: 0)
    let (xt, _) = draw(100, nuisance: 3)
    let genes = (0..<g).map { "g\($0)" }
    return AdaptInputs(source: xs, sourceGenes: genes, labels: ys, target: xt, targetGenes: targetGenes ?? genes)
  }

  static func smallConfig(_ mode: AdaptMode = .aligned, seed: UInt64 = 1) -> AdaptConfig {
    var c = AdaptConfig()
    c.mode = mode
    c.seed = seed
    c.hidden = [16, 8]
    c.latent = 4
    c.predictorHidden = [6, 3]
    c.bulkEpochs = 6
    c.adaptEpochs = 10
    c.batchSize = 32
    c.threads = 1
    return c
  }

  @Test func sameSeedGivesABitIdenticalModelAndAnotherSeedDoesNot() throws {
    let inputs = Self.makeInputs(seed: 3)
    let a = try ScDealAdaptation.run(inputs, config: Self.smallConfig(seed: 1))
    let b = try ScDealAdaptation.run(inputs, config: Self.smallConfig(seed: 1))
    let c = try ScDealAdaptation.run(inputs, config: Self.smallConfig(seed: 2))
    #expect(a.bulk.store.values.map(\.bitPattern) == b.bulk.store.values.map(\.bitPattern))
    #expect(a.targetStore.values.map(\.bitPattern) == b.targetStore.values.map(\.bitPattern))
    #expect(a.adapted.scalars.map(\.bitPattern) == b.adapted.scalars.map(\.bitPattern))
    #expect(a.targetStore.values != c.targetStore.values)
  }

  @Test func alignedRunShapesSplitsAndStageBookkeeping() throws {
    let r = try ScDealAdaptation.run(Self.makeInputs(seed: 4), config: Self.smallConfig())
    #expect(r.splits == ["source_train": 52, "source_validation": 12, "source_test": 16,
                         "target_train": 80, "target_validation": 20])
    #expect(r.adapted.shape == [100, 2])
    #expect(r.sourceOnly?.shape == [100, 2])
    #expect(r.embedding.shape == [100, 4])
    #expect(r.stages.map(\.name) == ["bulk autoencoder", "bulk predictor", "adaptation (MMD)"])
    #expect(r.stages.map(\.train.count) == [6, 6, 10])
    // Selection only from epoch ⌊10/10⌋ = 1 on; the kept epoch has the lowest validation MMD there.
    let adapt = r.stages[2]
    #expect(adapt.bestEpoch >= 1)
    #expect(adapt.validation[adapt.bestEpoch] == adapt.validation[1...].min())
    #expect(r.adapted.scalars.allSatisfy { $0 > 0 && $0 < 1 })
    // The target encoder has the bulk encoder's entries (warm start) and no predictor.
    #expect(r.targetStore.entry("encoder.0.0.weight") != nil)
    #expect(r.targetStore.entry("predictor.output.0.weight") == nil)
    #expect(r.bulk.store.entry("predictor.predictor.1.1.running_var")?.shape == [3])
  }

  @Test func upstreamRunUsesEachSidesOwnGenes() throws {
    let targetGenes = (0..<12).map { $0 < 6 ? "g\($0)" : "t\($0)" }
    let r = try ScDealAdaptation.run(Self.makeInputs(seed: 5, targetGenes: targetGenes), config: Self.smallConfig(.upstream))
    #expect(r.genes.count == 12)
    #expect(r.targetGenes == targetGenes)
    #expect(r.sourceOnly == nil, "the target lacks half of the bulk genes")
    #expect(r.stages.map(\.name) == ["bulk autoencoder", "bulk predictor", "target autoencoder", "adaptation (DaNN)"])
    #expect(r.adapted.scalars.allSatisfy { $0.isFinite })
    #expect(r.stages[3].train.allSatisfy { $0.isFinite && $0 > 0.3132 }, "CE on sigmoid outputs is ≥ log(1+e⁻¹)")
  }

  @Test func noSharedGenesAndTooFewCellsAreErrors() {
    let noShared = Self.makeInputs(seed: 6, targetGenes: (0..<12).map { "x\($0)" })
    do {
      _ = try ScDealAdaptation.run(noShared, config: Self.smallConfig())
      Issue.record("expected an error")
    } catch { #expect("\(error)".contains("share no gene ids"), "\(error)") }
    var few = Self.makeInputs(seed: 6)
    few.target = Array(few.target[..<(9 * 12)])
    do {
      _ = try ScDealAdaptation.run(few, config: Self.smallConfig())
      Issue.record("expected an error")
    } catch { #expect("\(error)".contains("9 cells are too few"), "\(error)") }
  }
}

/// The BLAS form of the aligned stage's loss equals OmicsNN's reference functions.
@Suite struct MultiBandwidthMMDTests {
  @Test func equalsMedianHeuristicAndMMDLossOfTheEngine() throws {
    var rng = SeededGenerator(seed: 9)
    let x = Tensor<Float>(shape: [37, 6], scalars: (0..<222).map { _ in Float(rng.normal()) })
    let y = Tensor<Float>(shape: [37, 6], scalars: (0..<222).map { _ in Float(rng.normal() * 1.5 + 0.3) })
    let fast = try MultiBandwidthMMD.loss(x, y, factors: [0.25, 0.5, 1, 2, 4], weight: 1)
    let bandwidths = medianHeuristicBandwidths(x, y)
    let reference = try mmdLoss(x, y, bandwidths: bandwidths, weight: 1)
    for (a, b) in zip(fast.bandwidths, bandwidths) { #expect(abs(a - b) <= 1e-9 * b) }
    #expect(reference.value > 0.05)
    #expect(abs(fast.value - reference.value) <= 1e-9 * reference.value)
    let scale = reference.dx.scalars.map { abs($0) }.max() ?? 1
    for (a, b) in zip(fast.dx.scalars + fast.dy.scalars, reference.dx.scalars + reference.dy.scalars) {
      #expect(abs(a - b) <= 1e-6 * scale)
    }
  }

  @Test func quickselectFindsOrderStatistics() {
    var rng = SeededGenerator(seed: 2)
    var v = (0..<1001).map { _ in Double(Int(rng.nextUnit() * 50)) }  // many ties
    let sorted = v.sorted()
    for k in [0, 1, 500, 999, 1000] {
      var w = v
      #expect(w.withUnsafeMutableBufferPointer { MultiBandwidthMMD.quickselect($0, k) } == sorted[k])
    }
    v.removeAll()
  }
}
