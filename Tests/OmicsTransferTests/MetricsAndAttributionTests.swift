import Foundation
import OmicsNN
import OmicsTransfer
import Testing

/// Classification metrics against scikit-learn, Gauss–Legendre quadrature and the completeness of
/// integrated gradients.
@Suite struct MetricsAndAttributionTests {
  @Test func metricsEqualScikitLearnOnTheReferenceVector() {
    // ../shared/data/scdeal/expected.json "metrics" (sklearn): AUROC 0.8125, AP 0.87738…, F1w 0.69090…
    let y = [0, 0, 1, 1, 1, 0, 1, 0, 1, 1]
    let s = [0.1, 0.4, 0.35, 0.8, 0.7, 0.5, 0.5, 0.2, 0.9, 0.3]
    let label = [0, 0, 0, 1, 1, 0, 0, 0, 1, 0]
    #expect(abs(ClassificationMetrics.auroc(s, y) - 0.8125) < 1e-12)
    #expect(abs(ClassificationMetrics.averagePrecision(s, y) - 0.8773809523809524) < 1e-12)
    #expect(abs(ClassificationMetrics.weightedF1(predicted: label, truth: y) - 0.6909090909090909) < 1e-12)
  }

  @Test func gaussLegendreIntegratesPolynomialsExactly() {
    let (x, w) = IntegratedGradients.gaussLegendre(50)
    #expect(abs(w.reduce(0, +) - 1) < 1e-13)
    for k in [1, 5, 20, 99] {
      let integral = zip(x, w).map { pow($0, Double(k)) * $1 }.reduce(0, +)
      #expect(abs(integral - 1 / Double(k + 1)) < 1e-12, "x^\(k)")
    }
    #expect(x.allSatisfy { $0 > 0 && $0 < 1 })
  }

  @Test func integratedGradientsAreComplete() throws {
    var rng = SeededGenerator(seed: 5)
    var config = AdaptConfig()
    config.hidden = [16, 8]
    config.latent = 4
    config.predictorHidden = [32, 16]
    let model = BulkModel(input: 12, config: config, rng: &rng)
    // Move BN running statistics away from the defaults with a few train-mode batches.
    // (centred inputs, so that BN running means stay near the eval inputs and ReLUs stay alive).
    for _ in 0..<3 {
      let xb = Tensor<Float>(shape: [20, 12], scalars: (0..<240).map { _ in Float(rng.nextUnit() - 0.5) })
      _ = try model.forward(xb, training: true)
    }
    let x = Tensor<Float>(shape: [30, 12], scalars: (0..<360).map { _ in Float(rng.nextUnit()) })
    let ig = try IntegratedGradients.attribute(x, encoder: model.encoder, predictor: model.predictor, steps: 50)
    let s = try model.forward(x, training: false)
    let s0 = try model.forward(Tensor(shape: [1, 12]), training: false)[0, 1]
    let spread = (0..<30).map { abs(Double(s[$0, 1] - s0)) }.max() ?? 0
    #expect(spread > 1e-3, "the model must not be constant for the check to mean anything")
    // The ReLUs make the integrand ∂s_1/∂x jump along the path, so the 50-node rule is not exact
    // and its error falls like 1/n: it must shrink towards 0 as the rule refines (Σ_g IG_g →
    // s_1(x) − s_1(0)); measured 2.4 % of the spread at 50 nodes, 0.3 % at 400.
    let fine = try IntegratedGradients.attribute(x, encoder: model.encoder, predictor: model.predictor, steps: 400)
    #expect(ig.completenessError < 5e-2 * spread, "50 nodes: error \(ig.completenessError), spread \(spread)")
    #expect(fine.completenessError < min(5e-3 * spread, ig.completenessError / 4), "400 nodes: error \(fine.completenessError), spread \(spread)")
  }
}
