import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

/// `omics deepprofile train|embed` end to end on the PBMC fixture with small settings: the output
/// folder, thread-count independence, the transfer step reproducing the training embedding, genes
/// missing from new data, `--help`, and the bad inputs of issue 8 (no partial output).
@Suite(.serialized) struct DeepProfileCLITests {
  static let pbmc = FixturePaths.fixture("deepprofile/pbmc68k_reduced_200.h5ad")
  static let small = ["--latent", "5,10", "--runs", "2", "--nodes", "6", "--components", "10", "--epochs", "3", "--quiet"]
  /// The PBMC fixture's first 150 cells as h5ad (X, obs) — keeps the debug-build test short.
  static func smallInput(_ dir: String) throws -> String {
    let m = try H5ADReader.read(pbmc, showProgress: false)
    guard case .dense(let d)? = m.X else { throw OmicsError("fixture X is not dense") }
    let all = d.values.floats(), g = m.nVars
    let cells = Array(0..<150)
    // genes that vary within these cells (a constant gene is a train error)
    let genes = (0..<g).filter { j in Set(cells.map { all[$0 * g + j] }).count > 1 }
    let x = cells.flatMap { i in genes.map { all[i * g + $0] } }
    let labels = m.obs.strings("bulk_labels")!
    let small = ExpressionMatrix(X: .dense(DenseArray(shape: [150, genes.count], values: .float32(x))),
                                 obs: DataFrame(index: cells.map { m.obs.index[$0] },
                                                columns: ["bulk_labels": .stringArray(StringArray(cells.map { labels[$0] ?? "" }))]),
                                 var: DataFrame(index: genes.map { m.var.index[$0] }))
    let path = dir + "/pbmc150.h5ad"
    try H5ADWriter.write(small, to: path)
    return path
  }

  func train(_ out: String, _ extra: [String] = [], input: String = pbmc) throws -> CLIRunner.Result {
    try CLIRunner.run(["deepprofile", "train", input, "--out", out] + Self.small + extra)
  }

  func tsvRows(_ path: String) throws -> [[String]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
  }

  @Test func trainWritesTheFolderAndEmbedReproducesTheTrainingEmbedding() throws {
    let dir = FixturePaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let out = dir + "/model"
    let input = try Self.smallInput(dir)
    let r = try train(out, ["--threads", "2"], input: input)
    #expect(r.status == 0, "\(r.stderr)")
    for f in ["embedding.h5ad", "nodes.tsv", "node_gene_weights.tsv", "deepprofile.json", "frontend.safetensors",
              "ensemble_labels.txt", "report.json", "training.svg", "node_heatmap.svg",
              "runs/L5_run0/model.safetensors", "runs/L5_run1/config.json", "runs/L10_run1/model.safetensors"] {
      #expect(FileManager.default.fileExists(atPath: out + "/" + f), "\(f) missing")
    }
    let e = try H5ADReader.read(out + "/embedding.h5ad", showProgress: false)
    #expect(e.nObs == 150 && e.nVars == 6)
    let original = try H5ADReader.read(input, showProgress: false)
    #expect(e.obs.index == original.obs.index)
    #expect(e.obs.strings("bulk_labels") == original.obs.strings("bulk_labels"))
    #expect(e.obsm["X_deepprofile"]?.matrix?.rows == 150)
    let nodes = try tsvRows(out + "/nodes.tsv")
    #expect(nodes.count == 7 && nodes[0] == ["node", "n_variables", "latent_variables"])
    #expect(nodes.dropFirst().map { Int($0[1])! }.reduce(0, +) == 30)
    let weights = try tsvRows(out + "/node_gene_weights.tsv")
    #expect(weights.count == 7 && weights[0].count == original.nVars + 1 && weights[0][1] == original.var.index[0])
    #expect(weights.dropFirst().allSatisfy { $0.dropFirst().allSatisfy { (Double($0) ?? -1) >= 0 } })
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as! [String: Any]
    #expect((report["runs"] as? [[String: Any]])?.count == 4)

    // the same model from one thread: the runs do not depend on the thread count
    let one = dir + "/one"
    #expect(try train(one, ["--threads", "1"], input: input).status == 0)
    for f in ["nodes.tsv", "node_gene_weights.tsv", "ensemble_labels.txt", "runs/L10_run1/model.safetensors"] {
      #expect(FileManager.default.contents(atPath: out + "/" + f) == FileManager.default.contents(atPath: one + "/" + f), "\(f) differs")
    }

    // embed the training file: the transfer step gives the training embedding
    let embedded = dir + "/again.tsv"
    let er = try CLIRunner.run(["deepprofile", "embed", out, input, "--out", embedded, "--quiet"])
    #expect(er.status == 0, "\(er.stderr)")
    let rows = try tsvRows(embedded)
    #expect(rows.count == 151 && rows[0] == ["sample"] + (0..<6).map { "node_\($0)" })
    guard case .dense(let x)? = e.X else { Issue.record("embedding X not dense"); return }
    let trained = x.values.doubles()
    var worst = 0.0
    for i in 0..<150 { for c in 0..<6 { worst = max(worst, abs(Double(rows[i + 1][c + 1])! - trained[i * 6 + c])) } }
    #expect(worst < 1e-5, "embed vs train: \(worst)")

    // new data lacking 20 training genes still embeds (filled with the gene mean → 0 after z-scoring)
    let partial = dir + "/partial.tsv"
    try writeGenesBySamplesTSV(original, genes: Array(20..<original.nVars), to: partial)
    let pr = try CLIRunner.run(["deepprofile", "embed", out, partial, "--out", dir + "/partial.h5ad"])
    #expect(pr.status == 0, "\(pr.stderr)")
    #expect(pr.stderr.contains("\(original.nVars - 20) of \(original.nVars) training genes found"), "\(pr.stderr)")
    #expect(try H5ADReader.read(dir + "/partial.h5ad", showProgress: false).obsm["X_deepprofile"]?.matrix?.cols == 6)
  }

  /// The clusters front end (MAD rule, gene k-means) and `--gene-sets` → `node_pathways.tsv`; the
  /// model embeds new data through the stored gene clusters.
  @Test func clustersFrontEndWithGeneSets() throws {
    let dir = FixturePaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let input = try Self.smallInput(dir)
    let genes = try H5ADReader.read(input, showProgress: false).var.index
    let gmt = dir + "/sets.gmt"
    try ("FIRST\tna\t" + genes[0..<30].joined(separator: "\t") + "\nSECOND\tna\t" + genes[30..<60].joined(separator: "\t") + "\n")
      .write(toFile: gmt, atomically: true, encoding: .utf8)
    let out = dir + "/clusters"
    let r = try CLIRunner.run(["deepprofile", "train", input, "--out", out, "--front", "clusters", "--components", "8",
                               "--latent", "5", "--runs", "2", "--nodes", "4", "--epochs", "2", "--gene-sets", gmt, "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/report.json"))) as! [String: Any]
    let kept = try #require(report["genes_kept_by_mad"] as? Int)
    #expect(kept > 8 && kept < genes.count)
    let pathways = try tsvRows(out + "/node_pathways.tsv")
    #expect(pathways.first == ["node", "pathway", "overlap", "set_size", "top_genes", "p_value", "fdr", "genes"])
    #expect(pathways.dropFirst().allSatisfy { ["FIRST", "SECOND"].contains($0[1]) && Int($0[2])! >= 1 })
    let embedded = dir + "/e.tsv"
    let er = try CLIRunner.run(["deepprofile", "embed", out, input, "--out", embedded, "--quiet"])
    #expect(er.status == 0, "\(er.stderr)")
    #expect(try tsvRows(embedded).count == 151)
  }

  @Test func helpHasAnExample() throws {
    let r = try CLIRunner.run(["deepprofile", "train", "--help"])
    #expect(r.status == 0 && r.stdout.contains("omics deepprofile train compendium.h5ad --out dp_model"))
    let e = try CLIRunner.run(["deepprofile", "embed", "--help"])
    #expect(e.status == 0 && e.stdout.contains("omics deepprofile embed dp_model"))
  }

  @Test func badInputsFailCleanlyWithoutOutput() throws {
    let dir = FixturePaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    func expectError(_ args: [String], _ fragment: String, noOutput path: String) throws {
      let r = try CLIRunner.run(args)
      #expect(r.status == 1, "\(args): status \(r.status)")
      #expect(r.stderr.hasPrefix("error: ") && r.stderr.contains(fragment), "\(args): \(r.stderr)")
      #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: path), "partial output at \(path)")
    }
    // fewer samples than a batch
    var rng = SystemRandomNumberGenerator()
    let few = dir + "/few.tsv"
    try writeTable(genes: 30, samples: 20, to: few) { _, _ in Double.random(in: 0...1, using: &rng) }
    try expectError(["deepprofile", "train", few, "--out", dir + "/o1"], "fewer than one batch", noOutput: dir + "/o1")
    // a constant gene
    let constant = dir + "/constant.tsv"
    try writeTable(genes: 30, samples: 60, to: constant) { g, _ in g == 4 ? 2 : Double.random(in: 0...1, using: &rng) }
    try expectError(["deepprofile", "train", constant, "--out", dir + "/o2"], "gene 'g4' constant", noOutput: dir + "/o2")
    // NaN
    let nan = dir + "/nan.tsv"
    try writeTable(genes: 30, samples: 60, to: nan) { g, s in g == 7 && s == 13 ? .nan : Double.random(in: 0...1, using: &rng) }
    try expectError(["deepprofile", "train", nan, "--out", dir + "/o3"], "sample 's13', gene 'g7'", noOutput: dir + "/o3")
    // a model folder from another format version
    let model = dir + "/model"
    #expect(try train(model, ["--latent", "5", "--runs", "1", "--nodes", "2"]).status == 0)
    let jsonPath = model + "/deepprofile.json"
    let text = try String(contentsOfFile: jsonPath, encoding: .utf8)
    try text.replacingOccurrences(of: "\"format_version\" : 1", with: "\"format_version\" : 0")
      .write(toFile: jsonPath, atomically: true, encoding: .utf8)
    try expectError(["deepprofile", "embed", model, Self.pbmc, "--out", dir + "/e.h5ad"], "model format version 0", noOutput: dir + "/e.h5ad")
    // not a model folder at all
    try expectError(["deepprofile", "embed", dir, Self.pbmc, "--out", dir + "/e2.tsv"], "deepprofile.json", noOutput: dir + "/e2.tsv")
  }

  /// Genes × samples TSV (the delimited reader's default layout) with gene `g<j>` and sample `s<i>`.
  func writeTable(genes: Int, samples: Int, to path: String, _ value: (Int, Int) -> Double) throws {
    var text = "gene\t" + (0..<samples).map { "s\($0)" }.joined(separator: "\t") + "\n"
    for g in 0..<genes {
      text += "g\(g)\t" + (0..<samples).map { s in let v = value(g, s); return v.isNaN ? "NA" : String(v) }.joined(separator: "\t") + "\n"
    }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }

  func writeGenesBySamplesTSV(_ m: ExpressionMatrix, genes: [Int], to path: String) throws {
    guard case .dense(let d)? = m.X else { throw OmicsError("fixture X is not dense") }
    let x = d.values.doubles(), g = m.nVars
    var text = "gene\t" + m.obs.index.joined(separator: "\t") + "\n"
    for j in genes { text += m.var.index[j] + "\t" + (0..<m.nObs).map { String(x[$0 * g + j]) }.joined(separator: "\t") + "\n" }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
  }
}
