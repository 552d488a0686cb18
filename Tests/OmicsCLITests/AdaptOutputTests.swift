import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import OmicsTransfer
import Testing

/// The output folder of `omics adapt` on S1 seed 0 (short training), its consistency, and that the
/// same seed and thread count reproduce it byte for byte.
@Suite struct AdaptOutputTests {
  static let source = "Fixtures/adapt/s1_seed0_source.h5ad"
  static let target = "Fixtures/adapt/s1_seed0_target.h5ad"
  static let short = ["--bulk-epochs", "15", "--adapt-epochs", "10", "--threads", "1", "--quiet"]

  @Test func outputsAreCompleteAndConsistent() throws {
    let out = FixturePaths.temporaryDirectory() + "/run"
    let r = try CLIRunner.run(["adapt", Self.source, Self.target, "--label", "response", "--out", out,
                               "--attributions", "5"] + Self.short)
    #expect(r.status == 0, "\(r.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
    #expect(files == ["attributions.tsv", "model", "predictions.tsv", "report.json", "target.h5ad", "training.svg"])

    // predictions.tsv: every target cell in input order, probabilities in (0, 1).
    let p = try AdaptSupport.predictions(out)
    let t = try H5ADReader.read(out + "/target.h5ad", showProgress: false)
    #expect(p.cells == (0..<600).map { String(format: "cell%04d", $0) })
    #expect(p.probAdapted.allSatisfy { $0 > 0 && $0 < 1 } && p.probSourceOnly.allSatisfy { $0 > 0 && $0 < 1 })
    // target.h5ad: the input plus obs adapt_prob / adapt_label equal to the predictions, obsm X_adapt.
    #expect(t.obs.index == p.cells)
    let prob = MatrixExtraction.numericColumn(t, "adapt_prob") ?? []
    #expect(prob.count == 600 && zip(prob, p.probAdapted).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
    #expect((MatrixExtraction.numericColumn(t, "adapt_label") ?? []).map { Int($0) } == p.labelAdapted)
    #expect(t.obsm["X_adapt"]?.matrix.map { [$0.rows, $0.cols] } == [600, 32])
    #expect(t.obs.columns["truth"] != nil, "the input's obs columns are kept")

    // model/: both networks under scDEAL's DaNN names.
    let st = try SafeTensorsFile(path: out + "/model/model.safetensors")
    #expect(st.info("source_model.encoder.0.0.weight")?.shape == [512, 100])
    #expect(st.info("source_model.predictor.output.0.weight")?.shape == [2, 8])
    #expect(st.info("target_model.bottleneck.weight")?.shape == [32, 256])
    #expect(st.info("target_model.encoder.1.1.num_batches_tracked")?.dtype == .I64)
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/model/config.json"))) as? [String: Any]
    #expect((config?["source_genes"] as? [String])?.count == 100)

    // report.json: genes, splits, label bookkeeping, per-epoch losses.
    let rep = try AdaptSupport.report(out)
    #expect(rep["genes_used"] as? Int == 100)
    #expect(rep["genes_dropped_from_source"] as? Int == 0)
    #expect(rep["labels_missing_dropped"] as? Int == 0)
    #expect(rep["splits"] as? [String: Int] == ["source_train": 256, "source_validation": 64, "source_test": 80,
                                                 "target_train": 480, "target_validation": 120])
    let stages = rep["stages"] as? [String: [String: Any]] ?? [:]
    #expect((stages["adaptation (MMD)"]?["validation_loss"] as? [Double])?.count == 10)
    #expect((stages["bulk predictor"]?["train_loss"] as? [Double])?.count == 15)
    let bulkAUROC = (rep["bulk_test"] as? [String: Any])?["auroc"] as? Double ?? 0
    #expect(bulkAUROC >= 0.95, "bulk held-out AUROC \(bulkAUROC)")

    // attributions.tsv: 5 genes per class; the class-1 genes are label genes of S1 — the genes
    // whose source class means differ most (the 20 genes of μ have |Δ| ≈ 1, the others ≈ 0).
    let a = try String(contentsOfFile: out + "/attributions.tsv", encoding: .utf8).split(separator: "\n").dropFirst()
      .map { $0.split(separator: "\t").map(String.init) }
    #expect(a.count == 10)
    let s = try H5ADReader.read(Self.source, showProgress: false)
    let x = try MatrixExtraction.denseX(s, file: Self.source)
    let y = (MatrixExtraction.numericColumn(s, "response") ?? []).map { Int($0) }
    var diff = [Double](repeating: 0, count: 100)
    for g in 0..<100 {
      var m1 = 0.0, m0 = 0.0
      for r in 0..<400 { if y[r] == 1 { m1 += Double(x[r * 100 + g]) } else { m0 += Double(x[r * 100 + g]) } }
      diff[g] = abs(m1 / Double(y.filter { $0 == 1 }.count) - m0 / Double(y.filter { $0 == 0 }.count))
    }
    let labelGenes = Set((0..<100).sorted { diff[$0] > diff[$1] }.prefix(20).map { String(format: "g%03d", $0) })
    let topClass1 = a.filter { $0[0] == "1" }.map { $0[2] }
    #expect(topClass1.count == 5 && topClass1.allSatisfy(labelGenes.contains), "\(topClass1)")
    // Completeness Σ_g IG_g = s_1(x) − s_1(0) up to the 50-node quadrature error (ReLU jumps).
    let ig = rep["attributions"] as? [String: Any] ?? [:]
    let worst = ig["max_completeness_error"] as? Double ?? 1, mean = ig["mean_completeness_error"] as? Double ?? 1
    #expect(worst < 0.05 && mean < 0.005, "completeness error max \(worst), mean \(mean)")
  }

  @Test func sameSeedAndThreadsGiveIdenticalFiles() throws {
    let base = FixturePaths.temporaryDirectory()
    for run in ["a", "b"] {
      let r = try CLIRunner.run(["adapt", Self.source, Self.target, "--label", "response", "--out", base + "/" + run,
                                 "--seed", "11", "--bulk-epochs", "3", "--adapt-epochs", "3", "--threads", "2", "--quiet"])
      #expect(r.status == 0, "\(r.stderr)")
    }
    for f in ["predictions.tsv", "model/model.safetensors"] {
      let a = try Data(contentsOf: URL(fileURLWithPath: base + "/a/" + f))
      let b = try Data(contentsOf: URL(fileURLWithPath: base + "/b/" + f))
      #expect(a == b, "\(f) differs between two runs with seed 11")
    }
  }

  @Test func helpListsEveryOptionAndAnExample() throws {
    let r = try CLIRunner.run(["adapt", "--help"])
    #expect(r.status == 0)
    for option in ["--label", "--out", "--mode", "--seed", "--bulk-epochs", "--adapt-epochs", "--latent", "--hidden",
                   "--predictor-hidden", "--dropout", "--batch-size", "--attributions", "--threads", "--binarize",
                   "--normalize", "--labels", "--quiet", "omics adapt bulk.h5ad cells.h5ad"] {
      #expect(r.stdout.contains(option), "missing \(option)")
    }
  }
}
