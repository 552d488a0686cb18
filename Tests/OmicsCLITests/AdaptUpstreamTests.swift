import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import OmicsTransfer
import Testing

/// `omics adapt --mode upstream` (scDEAL's DaNN recipe) through the CLI on S1 seed 0 with a target
/// that lacks 10 of the source genes: upstream mode keeps each domain's own genes (no alignment),
/// trains a target autoencoder, then the DaNN stage; the source-only column is empty because the
/// bulk model cannot read this target.
@Suite struct AdaptUpstreamTests {
  static let source = "Fixtures/adapt/s1_seed0_source.h5ad"
  static let target = "Fixtures/adapt/s1_seed0_target.h5ad"

  @Test func upstreamModeOnATargetWithOtherGenes() throws {
    let dir = FixturePaths.temporaryDirectory()
    let full = try H5ADReader.read(Self.target, showProgress: false)
    let kept = Array(0..<90)
    let narrowed = ExpressionMatrixSubset.selectingVars(full, kept)
    try H5ADWriter.write(narrowed, to: dir + "/target90.h5ad")
    let out = dir + "/run"
    let r = try CLIRunner.run(["adapt", Self.source, dir + "/target90.h5ad", "--label", "response", "--out", out,
                               "--mode", "upstream", "--bulk-epochs", "6", "--adapt-epochs", "5", "--threads", "1",
                               "--attributions", "3", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
    #expect(files == ["attributions.tsv", "model", "predictions.tsv", "report.json", "target.h5ad", "training.svg"])

    // Predictions: every cell in input order; adapted probabilities in (0, 1); no source-only column.
    let p = try AdaptSupport.predictions(out)
    #expect(p.cells == (0..<600).map { String(format: "cell%04d", $0) })
    #expect(p.probAdapted.allSatisfy { $0 > 0 && $0 < 1 })
    #expect(Set(p.labelAdapted).isSubset(of: [0, 1]))
    #expect(p.probSourceOnly.allSatisfy(\.isNaN) && p.labelSourceOnly.allSatisfy { $0 == -1 },
            "the bulk model reads 100 genes, the target has 90: no source-only predictions")
    let t = try H5ADReader.read(out + "/target.h5ad", showProgress: false)
    #expect(t.obsm["X_adapt"]?.matrix.map { [$0.rows, $0.cols] } == [600, 32])

    // Report: the mode, each domain's genes, the four stages with their epoch counts, DaNN settings.
    let rep = try AdaptSupport.report(out)
    #expect(rep["mode"] as? String == "upstream")
    #expect(rep["genes_used"] as? Int == 100 && rep["target_genes_used"] as? Int == 90)
    #expect(rep["genes_dropped_from_source"] as? Int == 0 && rep["genes_dropped_from_target"] as? Int == 0)
    let settings = rep["settings"] as? [String: Any] ?? [:]
    #expect(settings["adapt_lr"] as? Double == 0.01 && settings["mmd_weight"] as? Double == 0.25)
    let stages = rep["stages"] as? [String: [String: Any]] ?? [:]
    #expect(Set(stages.keys) == ["bulk autoencoder", "bulk predictor", "target autoencoder", "adaptation (DaNN)"])
    for (name, epochs) in [("bulk autoencoder", 6), ("bulk predictor", 6), ("target autoencoder", 6),
                           ("adaptation (DaNN)", 5)] {
      let train = stages[name]?["train_loss"] as? [Double] ?? []
      let validation = stages[name]?["validation_loss"] as? [Double] ?? []
      #expect(train.count == epochs && validation.count == epochs, "\(name)")
      #expect(train.allSatisfy(\.isFinite) && validation.allSatisfy(\.isFinite), "\(name)")
    }
    // DaNN keeps an epoch of the run (1-based; the first 10 % of 5 epochs is none).
    #expect((1...5).contains(stages["adaptation (DaNN)"]?["best_epoch"] as? Int ?? 0))
    // The target autoencoder learns: its last training loss is below its first.
    let targetAE = stages["target autoencoder"]?["train_loss"] as? [Double] ?? []
    #expect((targetAE.last ?? 1) < (targetAE.first ?? 0))
    let bulkAUROC = (rep["bulk_test"] as? [String: Any])?["auroc"] as? Double ?? 0
    #expect(bulkAUROC >= 0.95, "bulk held-out AUROC \(bulkAUROC)")

    // Checkpoint: the bulk model on 100 genes, the target autoencoder (with its decoder) on 90.
    let st = try SafeTensorsFile(path: out + "/model/model.safetensors")
    #expect(st.info("source_model.encoder.0.0.weight")?.shape == [512, 100])
    #expect(st.info("target_model.encoder.0.0.weight")?.shape == [512, 90])
    #expect(st.info("target_model.final_layer.0.weight")?.shape == [90, 512])
    #expect(st.info("target_model.bottleneck.weight")?.shape == [32, 256])
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/model/config.json"))) as? [String: Any]
    #expect(config?["mode"] as? String == "upstream")
    #expect((config?["target_genes"] as? [String]) == kept.map { full.var.index[$0] })
    #expect((config?["source_genes"] as? [String])?.count == 100)

    // Attributions over the target's 90 genes (integrated gradients needs the first Linear's input
    // gradient, which training skips); completeness within the quadrature error.
    let a = try String(contentsOfFile: out + "/attributions.tsv", encoding: .utf8).split(separator: "\n").dropFirst()
      .map { $0.split(separator: "\t").map(String.init) }
    #expect(!a.isEmpty && a.count <= 6 && a.allSatisfy { Set(kept.map { full.var.index[$0] }).contains($0[2]) })
    #expect(a.allSatisfy { abs(Double($0[3]) ?? 0) > 1e-6 }, "attributions are non-zero: \(a)")
    let ig = rep["attributions"] as? [String: Any] ?? [:]
    let worst = ig["max_completeness_error"] as? Double ?? 1
    #expect(worst < 0.05, "completeness error max \(worst)")
  }
}
