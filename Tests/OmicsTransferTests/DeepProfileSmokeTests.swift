import Foundation
import OmicsCore
import OmicsIO
import OmicsNN
import OmicsTestSupport
import OmicsTransfer
import Testing

/// Training smoke test on real data (background §7.1.7): the PBMC file that the scanpy wheel ships
/// (`Fixtures/deepprofile/pbmc68k_reduced_200.h5ad`: its 200 most variable genes, 700 cells; made by
/// `scripts/deepprofile_fixtures.py`), z-scored, PCA(50) scores, one VAE d = 10 (h = 250, 50),
/// batch 50, 50 epochs, seed 0. Thresholds calibrated against the same recipe in PyTorch on this
/// file (the script prints it: loss ratio 0.613, 5-NN accuracy 0.763, largest class 0.343):
/// epoch-50 loss ≤ 0.7 × epoch-1 loss, 5-NN leave-one-out accuracy of `bulk_labels` on μ > 0.6.
@Suite struct DeepProfileSmokeTests {
  @Test func pbmcVAELearnsAndSeparatesCellTypes() throws {
    let path = FixturePaths.fixture("deepprofile/pbmc68k_reduced_200.h5ad")
    let m = try H5ADReader.read(path, showProgress: false)
    var z = try DeepProfileInput.values(m, file: path)
    try GeneStandardization.standardizeTraining(&z, samples: m.obs.index, genes: m.var.index, file: path)
    let fe = try DeepProfileFrontEnd.fitPCA(z, samples: m.obs.index, genes: m.var.index, components: 50)
    let x = Tensor<Float>(shape: [m.nObs, 50], scalars: fe.transform(z, samples: m.nObs).map(Float.init))
    let run = try VAETraining.train(x, latent: 10, run: 0, seed: 0, settings: VAETrainingSettings())
    #expect(run.model.hidden1 == 250 && run.model.hidden2 == 50)
    #expect(run.losses.count == 50)
    let ratio = run.losses[49] / run.losses[0]
    #expect(ratio <= 0.7, "loss ratio \(ratio) (\(run.losses[0]) → \(run.losses[49]))")
    let labels = try #require(m.obs.strings("bulk_labels")).map { $0 ?? "" }
    let accuracy = knnAccuracy(run.embedding, labels, k: 5)
    #expect(accuracy > 0.6, "5-NN accuracy \(accuracy)")
  }

  func knnAccuracy(_ e: Tensor<Float>, _ labels: [String], k: Int) -> Double {
    let n = e.rows, d = e.columns
    var correct = 0
    for i in 0..<n {
      var dist: [(Double, Int)] = []
      for j in 0..<n where j != i {
        var s = 0.0
        for c in 0..<d { let t = Double(e[i, c] - e[j, c]); s += t * t }
        dist.append((s, j))
      }
      let nearest = dist.sorted { $0.0 < $1.0 }.prefix(k).map { labels[$0.1] }
      let counts = Dictionary(grouping: nearest, by: { $0 }).mapValues(\.count)
      // ties: the label met first among the nearest, as Python's max over a set is not stable either
      let best = nearest.first { counts[$0] == counts.values.max() }!
      if best == labels[i] { correct += 1 }
    }
    return Double(correct) / Double(n)
  }
}
