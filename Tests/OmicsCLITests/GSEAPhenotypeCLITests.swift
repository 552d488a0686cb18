import Foundation
import OmicsTestSupport
import Testing

/// `omics gsea phenotype` end to end: outputs, thread independence, and one-line errors that
/// leave no output folder behind.
@Suite struct GSEAPhenotypeCLITests {
  static func fixture(_ name: String) -> String { FixturePaths.fixture("gsea_phenotype/" + name) }

  static func lines(_ path: String) throws -> [[String]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
  }

  static func run(_ extra: [String], out: String, expr: String = "expr.h5ad", labels: String = "group") throws -> CLIRunner.Result {
    try CLIRunner.run(
      ["gsea", "phenotype", "--expr", fixture(expr), "--labels", labels, "--gene-sets", fixture("sets.gmt"), "--out", out]
        + extra)
  }

  @Test func writesResultsRankingAndPlots() throws {
    let dir = FixturePaths.temporaryDirectory() + "/out"
    let result = try Self.run(["--permutations", "200", "--seed", "3", "--plots", "3", "--format", "gseapy"], out: dir)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("A (20, positive) vs B (20)"), "\(result.stderr)")
    #expect(result.stderr.contains("598 genes ranked (2 constant within the classes dropped)"), "\(result.stderr)")
    let rows = try Self.lines(dir + "/gsea_phenotype.tsv")
    #expect(rows.first == ["Term", "ES", "NES", "NOM p-val", "FDR q-val", "FWER p-val", "Tag %", "Gene %", "Lead_genes"])
    #expect(rows.count == 13)
    let up = try #require(rows.first { $0.first == "PLANTED_UP_IN_A" })
    #expect(Swift.abs(Double(up[1])! - 0.82530941195010654) < 1e-10)
    #expect(Double(up[3])! == 0 && Double(up[4])! < 0.05)
    let rnk = try Self.lines(dir + "/ranking.rnk")
    #expect(rnk.count == 598)
    #expect(rnk.first?.first == "G0023")
    let plots = try FileManager.default.contentsOfDirectory(atPath: dir + "/plots").sorted()
    #expect(plots.count == 3)
    #expect(plots.contains("PLANTED_UP_IN_A.svg"))
  }

  @Test func fgseaColumnsAndSameFileForAnyThreadCount() throws {
    var outputs: [String] = []
    for threads in ["1", "3"] {
      let dir = FixturePaths.temporaryDirectory() + "/out"
      let result = try Self.run(
        ["--permutations", "150", "--seed", "9", "--threads", threads, "--plots", "0", "--metric", "t_test", "--quiet"], out: dir)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stderr.isEmpty)
      outputs.append(try String(contentsOfFile: dir + "/gsea_phenotype.tsv", encoding: .utf8))
      #expect(!FileManager.default.fileExists(atPath: dir + "/plots"))
    }
    #expect(outputs[0] == outputs[1])
    #expect(outputs[0].hasPrefix("pathway\tpval\tpadj\tlog2err\tES\tNES\tsize\tleadingEdge\tnominalP\tFDR\tFWER\n"))
  }

  @Test func log2RatioOfClassesMatchesGSEApy() throws {
    let dir = FixturePaths.temporaryDirectory() + "/out"
    let result = try CLIRunner.run([
      "gsea", "phenotype", "--expr", Self.fixture("metrics_expr.h5ad"), "--labels", "group", "--gene-sets",
      Self.fixture("metrics_sets.gmt"), "--out", dir, "--metric", "log2_ratio_of_classes", "--min-size", "10",
      "--permutations", "100", "--plots", "0",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("metric log2_ratio_of_classes; 300 genes ranked"), "\(result.stderr)")
    let ours = try Self.lines(dir + "/ranking.rnk")
    let gseapy = try Self.lines(Self.fixture("metrics_log2_ratio_of_classes_ranking.tsv"))
    #expect(ours.map { $0[0] } == gseapy.map { $0[0] })
    let up = try #require(try Self.lines(dir + "/gsea_phenotype.tsv").first { $0.first == "UP_IN_A" })
    #expect(Swift.abs(Double(up[4])! - 0.97090909090909094) < 1e-10)
  }

  @Test func pearsonOnANumericColumn() throws {
    let dir = FixturePaths.temporaryDirectory() + "/out"
    let result = try Self.run(["--permutations", "100", "--plots", "1", "--quiet"], out: dir, labels: "dose")
    #expect(result.status == 0, "\(result.stderr)")
    let rows = try Self.lines(dir + "/gsea_phenotype.tsv")
    let dose = try #require(rows.first { $0.first == "DOSE_GENES" })
    #expect(Double(dose[4])! > 0.8)
  }

  /// Each bad input: exit status 1, one line on stderr naming the problem, no output folder.
  @Test(arguments: [
    (["--labels", "nope"], "expr.h5ad", "obs has no column 'nope'"),
    (["--labels", "group"], "bad_one_class.h5ad", "one class only (A)"),
    (["--labels", "group"], "bad_small_class.h5ad", "class 'B' of obs column 'group' has 1 sample"),
    (["--labels", "group"], "bad_nan.h5ad", "X has 1 NaN or infinite value"),
    (["--labels", "group3"], "expr.h5ad", "has 3 classes (A, B, C); choose two with --classes A,B"),
    (["--labels", "group", "--classes", "A,Z"], "expr.h5ad", "no sample labelled 'Z'"),
    (["--labels", "group", "--metric", "pearson"], "expr.h5ad", "--metric pearson needs a numeric obs column"),
    (["--labels", "group", "--min-size", "200"], "expr.h5ad", "no gene set has between 200 and 500 genes"),
    (["--labels", "group", "--metric", "log2_ratio_of_classes"], "expr.h5ad", "--metric log2_ratio_of_classes needs non-negative expression"),
  ])
  func badInputIsOneLineAndLeavesNothing(args: [String], expr: String, message: String) throws {
    let dir = FixturePaths.temporaryDirectory() + "/out"
    let result = try CLIRunner.run(
      ["gsea", "phenotype", "--expr", Self.fixture(expr), "--gene-sets", Self.fixture("sets.gmt"), "--out", dir,
       "--permutations", "10"] + args)
    #expect(result.status == 1, "\(result.stderr)")
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(result.stderr.hasPrefix("error: "))
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir))
    let parent = (dir as NSString).deletingLastPathComponent
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty)
  }
}
