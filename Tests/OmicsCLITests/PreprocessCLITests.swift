import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

/// End to end: omics filter / normalize / cluster-genes / cluster-cells, outputs and one-line errors.
@Suite struct PreprocessCLITests {
  static func fixture(_ name: String) -> String { "Fixtures/preprocessing/\(name)" }

  /// Runs a command that must fail: one line on stderr, exit 1, nothing left in the output folder.
  static func expectFailure(_ arguments: (String) -> [String], _ message: String) throws {
    let dir = FixturePaths.temporaryDirectory()
    let result = try CLIRunner.run(arguments(dir))
    #expect(result.status == 1)
    #expect(result.stderr == message + "\n", "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "no output may remain")
  }

  @Test func filterWritesFilteredFileReportAndPlot() throws {
    let dir = FixturePaths.temporaryDirectory()
    let result = try CLIRunner.run([
      "filter", "--mad", Self.fixture("mad_dense.h5ad"), dir + "/out.h5ad", "--report", dir + "/genes.tsv",
      "--plot", dir + "/mad.svg",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("wrote \(dir)/out.h5ad: cells 40 → 40, genes 30 → 9; MAD threshold 0.65711"))
    let out = try H5ADReader.read(dir + "/out.h5ad", showProgress: false)
    let ref = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: FixturePaths.fixture("preprocessing/mad_dense.json")))) as? [String: Any]
    let kept = (ref?["kept_mean"] as? [Int]) ?? []
    #expect(out.var.index == kept.map { "g\($0)" })
    let report = try String(contentsOfFile: dir + "/genes.tsv", encoding: .utf8).split(separator: "\n")
    #expect(report.first == "gene\tmad\tkept" && report.count == 31)
    #expect(report.filter { $0.hasSuffix("\tTrue") }.count == kept.count)
    let svg = try String(contentsOfFile: dir + "/mad.svg", encoding: .utf8)
    #expect(svg.hasPrefix("<svg") && svg.contains("threshold 0.6571"))
  }

  @Test func filterTopAndNormalScale() throws {
    let dir = FixturePaths.temporaryDirectory()
    let result = try CLIRunner.run(["filter", "--top", "7", "--scale", "normal", Self.fixture("mad_sparse_csc.h5ad"), dir + "/o.h5ad", "-q"])
    #expect(result.status == 0 && result.stderr.isEmpty)
    let out = try H5ADReader.read(dir + "/o.h5ad", showProgress: false)
    #expect(out.var.index == [0, 1, 2, 3, 4, 6, 8].map { "gene\($0)" })
    #expect(out.X?.layoutDescription == "csc float32")
  }

  @Test func filterErrors() throws {
    try Self.expectFailure(
      { ["filter", "--mad", Self.fixture("mad_nan.h5ad"), $0 + "/o.h5ad"] },
      "error: Fixtures/preprocessing/mad_nan.h5ad: X holds a NaN or infinite value at obs 's5', var 'g7'; the MAD needs finite numbers")
    try Self.expectFailure(
      { ["filter", "--mad", "--layer", "counts", Self.fixture("mad_dense.h5ad"), $0 + "/o.h5ad", "--report", $0 + "/r.tsv"] },
      "error: Fixtures/preprocessing/mad_dense.h5ad: no layer named 'counts' (layers: scaled)")
    try Self.expectFailure(
      { ["filter", "--min-mad", "1e9", Self.fixture("mad_dense.h5ad"), $0 + "/o.h5ad", "--report", $0 + "/r.tsv"] },
      "error: Fixtures/preprocessing/mad_dense.h5ad: no genes pass the MAD filter (threshold 1000000000.0); nothing written")
    try Self.expectFailure(
      { ["filter", "--min-cells", "1000", Self.fixture("qc_counts.h5ad"), $0 + "/o.h5ad"] },
      "error: Fixtures/preprocessing/qc_counts.h5ad: no genes pass the gene filters (min cells 1000); nothing written")
  }

  @Test func normalizeMatchesScanpyEndToEnd() throws {
    let dir = FixturePaths.temporaryDirectory()
    let result = try CLIRunner.run([
      "normalize", Self.fixture("normalize_counts.h5ad"), dir + "/n.h5ad", "--total", "1e4", "--log1p", "--keep-counts", "counts",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let out = try H5ADReader.read(dir + "/n.h5ad", showProgress: false)
    let input = try H5ADReader.read(FixturePaths.fixture("preprocessing/normalize_counts.h5ad"), showProgress: false)
    let ref = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: FixturePaths.fixture("preprocessing/normalize_counts.json")))) as? [String: Any]
    let expected = ((ref?["total_1e4_log1p"] as? [Any]) ?? []).compactMap { ($0 as? NSNumber)?.doubleValue }
    let got = try #require(out.X).denseDoubles()
    #expect(got.count == expected.count)
    #expect(zip(got, expected).allSatisfy { abs($0 - $1) <= 1e-6 * max(abs($1), 1e-6) })
    #expect(out.layers["counts"] == input.X)
  }

  /// --low-memory streams X in column blocks; the result must be the in-memory filter's, file for file.
  @Test(arguments: ["mad_nan_free_dense", "mad_int32"])
  func lowMemoryFilterEqualsInMemory(_ name: String) throws {
    let dir = FixturePaths.temporaryDirectory()
    // mad_dense has a layer (not streamable); strip it into a dense-only copy first
    var input = Self.fixture("\(name).h5ad")
    if name == "mad_nan_free_dense" {
      var m = try H5ADReader.read(FixturePaths.fixture("preprocessing/mad_dense.h5ad"), showProgress: false)
      m.layers = [:]
      input = dir + "/dense.h5ad"
      try H5ADWriter.write(m, to: input)
    }
    for (flags, tag) in [([String](), "mean"), (["--top", "5", "--scale", "normal"], "top")] {
      let streamed = try CLIRunner.run(["filter", "--mad", "--low-memory", input, dir + "/s_\(tag).h5ad", "--report", dir + "/s_\(tag).tsv", "-q"] + flags)
      #expect(streamed.status == 0, "\(streamed.stderr)")
      let plain = try CLIRunner.run(["filter", "--mad", input, dir + "/m_\(tag).h5ad", "--report", dir + "/m_\(tag).tsv", "-q"] + flags)
      #expect(plain.status == 0, "\(plain.stderr)")
      let a = try H5ADReader.read(dir + "/s_\(tag).h5ad", showProgress: false)
      let b = try H5ADReader.read(dir + "/m_\(tag).h5ad", showProgress: false)
      #expect(a.X == b.X)
      #expect(a.var == b.var)
      #expect(a.obs == b.obs)
      #expect(a.uns == b.uns)
      #expect(try String(contentsOfFile: dir + "/s_\(tag).tsv", encoding: .utf8) == String(contentsOfFile: dir + "/m_\(tag).tsv", encoding: .utf8))
      if tag == "top" { #expect(a.nVars == 5) }
    }
  }

  @Test func lowMemoryFilterErrors() throws {
    try Self.expectFailure(
      { ["filter", "--mad", "--low-memory", Self.fixture("mad_nan.h5ad"), $0 + "/o.h5ad"] },
      "error: Fixtures/preprocessing/mad_nan.h5ad: /X: holds a NaN or infinite value at obs 's5', var 'g7'; MAD filtering needs finite numbers")
    try Self.expectFailure(
      { ["filter", "--mad", "--low-memory", Self.fixture("mad_sparse_csr.h5ad"), $0 + "/o.h5ad"] },
      "error: Fixtures/preprocessing/mad_sparse_csr.h5ad: X is not a dense matrix; low-memory filtering streams dense X only")
    try Self.expectFailure(
      { ["filter", "--mad", "--low-memory", Self.fixture("mad_dense.h5ad"), $0 + "/o.h5ad"] },
      "error: Fixtures/preprocessing/mad_dense.h5ad: has layers (scaled); low-memory filtering carries X only — drop the layers or filter in memory")
  }

  @Test func hvgSeuratV3WritesScanpysColumns() throws {
    let dir = FixturePaths.temporaryDirectory()
    let result = try CLIRunner.run([
      "hvg", Self.fixture("hvg_v3_counts.h5ad"), dir + "/h.h5ad", "--flavor", "seurat_v3", "--n-top", "200", "--batch-key", "batch", "-q",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let out = try H5ADReader.read(dir + "/h.h5ad", showProgress: false)
    let ref = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: FixturePaths.fixture("preprocessing/hvg_v3.json")))) as? [String: Any]
    let batch = ref?["batch"] as? [String: Any]
    let expected = ((batch?["highly_variable"] as? [Any]) ?? []).map { ($0 as? NSNumber)?.doubleValue == 1 }
    guard case .array(let flags)? = out.var.columns["highly_variable"], case .bool(let got) = flags.values else {
      Issue.record("no boolean highly_variable column"); return
    }
    #expect(got == expected)
    #expect(got.filter { $0 }.count == 200)
    for column in ["highly_variable_rank", "means", "variances", "variances_norm", "highly_variable_nbatches"] {
      #expect(out.var.columns[column] != nil, "missing var column \(column)")
    }
    #expect(out.X == (try H5ADReader.read(FixturePaths.fixture("preprocessing/hvg_v3_counts.h5ad"), showProgress: false)).X)
  }

  @Test func hvgErrors() throws {
    try Self.expectFailure(
      { ["hvg", Self.fixture("hvg_v3_counts.h5ad"), $0 + "/h.h5ad", "--flavor", "seurat_v3", "--batch-key", "sample"] },
      "error: Fixtures/preprocessing/hvg_v3_counts.h5ad: no obs column named 'sample' with batch labels (string or categorical)")
    try Self.expectFailure(
      { ["hvg", Self.fixture("mad_nan.h5ad"), $0 + "/h.h5ad", "--flavor", "seurat_v3"] },
      "error: Fixtures/preprocessing/mad_nan.h5ad: the counts hold a non-finite value (nan); seurat_v3 needs finite counts")
  }

  @Test func normalizeErrors() throws {
    try Self.expectFailure(
      { ["normalize", Self.fixture("mad_nan.h5ad"), $0 + "/n.h5ad", "--total", "1e4"] },
      "error: Fixtures/preprocessing/mad_nan.h5ad: X holds a NaN or infinite value in obs 's5'; normalize needs finite numbers")
  }

  @Test func clusterGenesWritesLabelsAndCentroids() throws {
    let dir = FixturePaths.temporaryDirectory()
    let result = try CLIRunner.run([
      "cluster-genes", Self.fixture("kmeans_genes.h5ad"), "--k", "6", "--out", dir + "/c.tsv", "--centroids", dir + "/cent.h5ad",
      "--n-init", "10",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = try String(contentsOfFile: dir + "/c.tsv", encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "gene\tcluster" && lines.count == 181)
    #expect(Set(lines.dropFirst().compactMap { $0.split(separator: "\t").last.flatMap { Int($0) } }) == Set(0..<6))
    let cent = try H5ADReader.read(dir + "/cent.h5ad", showProgress: false)
    #expect(cent.nObs == 30 && cent.nVars == 6 && cent.var.index.first == "cluster_0")
    #expect(result.stderr.contains("180 genes in 6 clusters; inertia 5330.34"))
  }

  @Test func clusterErrors() throws {
    try Self.expectFailure(
      { ["cluster-genes", Self.fixture("kmeans_genes.h5ad"), "--k", "500", "--out", $0 + "/c.tsv", "--centroids", $0 + "/c.h5ad"] },
      "error: Fixtures/preprocessing/kmeans_genes.h5ad: k = 500 is larger than the number of genes (180)")
    try Self.expectFailure(
      { ["cluster-genes", Self.fixture("mad_nan.h5ad"), "--k", "3", "--out", $0 + "/c.tsv"] },
      "error: Fixtures/preprocessing/mad_nan.h5ad: X holds a NaN or infinite value at obs 's5', var 'g7'; k-means needs finite numbers")
    try Self.expectFailure(
      { ["cluster-cells", Self.fixture("kmeans_genes.h5ad"), "--k", "3", "--obsm", "X_pca", "--out", $0 + "/c.tsv"] },
      "error: Fixtures/preprocessing/kmeans_genes.h5ad: no obsm entry named 'X_pca' (the file has no obsm entries)")
  }

  @Test func clusterCellsAddsObsColumn() throws {
    let dir = FixturePaths.temporaryDirectory()
    let result = try CLIRunner.run([
      "cluster-cells", Self.fixture("kmeans_genes.h5ad"), "--k", "3", "--out", dir + "/cells.tsv", "--output", dir + "/o.h5ad", "-q",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let out = try H5ADReader.read(dir + "/o.h5ad", showProgress: false)
    guard case .categorical(let c) = out.obs.columns["kmeans"] else {
      Issue.record("obs['kmeans'] missing")
      return
    }
    #expect(c.count == 30 && Set(c.codes) == [0, 1, 2])
  }
}
