import Foundation
import OmicsCore
import OmicsIO
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

  /// A Broad .cls with the labels of obs `group` (as 0/1 tokens) or the values of obs `dose` gives
  /// the very file `--labels` gives.
  @Test func clsFilesGiveTheSameResultsAsTheObsColumns() throws {
    let folder = FixturePaths.temporaryDirectory()
    let matrix = try H5ADReader.read(Self.fixture("expr.h5ad"), showProgress: false)
    guard case .array(let dose) = matrix.obs.columns["dose"] else { Issue.record("dose is not numeric"); return }
    let doses = (0..<40).map { dose.values.double(at: $0) }
    try ("40 2 1\n# A B\n" + (0..<40).map { $0 % 2 == 0 ? "0" : "1" }.joined(separator: " ") + "\n")
      .write(toFile: folder + "/group.cls", atomically: true, encoding: .utf8)
    try ("#numeric\n#other\n" + (0..<40).map { "\($0)" }.joined(separator: " ") + "\n#dose\n"
      + doses.map { "\($0)" }.joined(separator: "\t") + "\n").write(toFile: folder + "/dose.cls", atomically: true, encoding: .utf8)
    for (obsColumn, cls) in [("group", ["--cls", folder + "/group.cls"]), ("dose", ["--cls", folder + "/dose.cls", "--cls-phenotype", "dose"])] {
      var files: [String] = []
      for source in [["--labels", obsColumn], cls] {
        let out = folder + "/out\(files.count)" + obsColumn
        let result = try CLIRunner.run(
          ["gsea", "phenotype", "--expr", Self.fixture("expr.h5ad"), "--gene-sets", Self.fixture("sets.gmt"), "--out", out,
           "--permutations", "50", "--plots", "0", "--quiet"] + source)
        #expect(result.status == 0, "\(result.stderr)")
        files.append(try String(contentsOfFile: out + "/gsea_phenotype.tsv", encoding: .utf8))
      }
      #expect(files[0] == files[1], "\(obsColumn)")
    }
  }

  @Test(arguments: [
    ("39 2 1\n# A B\n" + String(repeating: "A B ", count: 19) + "A\n", "labels 39 samples but the matrix has 40"),
    ("40 2 1\nA B\n", "line 2: expected the class-name line"),
  ])
  func badClsIsOneLineAndLeavesNothing(text: String, message: String) throws {
    let folder = FixturePaths.temporaryDirectory()
    try text.write(toFile: folder + "/bad.cls", atomically: true, encoding: .utf8)
    let result = try CLIRunner.run([
      "gsea", "phenotype", "--expr", Self.fixture("expr.h5ad"), "--cls", folder + "/bad.cls", "--gene-sets",
      Self.fixture("sets.gmt"), "--out", folder + "/out",
    ])
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("error: \(folder)/bad.cls: "), "\(result.stderr)")
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1)
    #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
    // Both or neither of --labels and --cls: a usage error.
    for extra in [["--labels", "group", "--cls", folder + "/bad.cls"], [String]()] {
      let usage = try CLIRunner.run(
        ["gsea", "phenotype", "--expr", Self.fixture("expr.h5ad"), "--gene-sets", Self.fixture("sets.gmt"), "--out", folder + "/out"] + extra)
      #expect(usage.status != 0)
      #expect(usage.stderr.contains("--labels") && usage.stderr.contains("--cls"), "\(usage.stderr)")
    }
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
