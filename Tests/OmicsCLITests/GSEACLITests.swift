import Foundation
import OmicsTestSupport
import Testing

/// `omics gsea prerank` end to end: result columns, plots, and one-line errors with no output left.
@Suite struct GSEACLITests {
  static let rnk = "Fixtures/gsea/small.rnk"
  static let gmt = "Fixtures/gsea/small.gmt"

  static func lines(_ path: String) throws -> [[String]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
  }

  @Test func prerankWritesFgseaColumnsAndPlots() throws {
    let dir = FixturePaths.temporaryDirectory() + "/out"
    let result = try CLIRunner.run([
      "gsea", "prerank", "--ranks", Self.rnk, "--gene-sets", Self.gmt, "--out", dir, "--min-size", "3",
      "--permutations", "200", "--threads", "2", "--plots", "2", "--quiet",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty)
    let rows = try Self.lines(dir + "/gsea_prerank.tsv")
    #expect(rows.first == ["pathway", "pval", "padj", "log2err", "ES", "NES", "size", "leadingEdge"])
    #expect(rows.dropFirst().map { $0[0] } == ["DOWN", "MIXED", "UP"])  // TINY (2 genes) is below --min-size
    let up = try #require(rows.first { $0.first == "UP" })
    // UP holds the 8 top genes: ES = 1 and every gene is in the leading edge, in rank order.
    #expect(up[4] == "1.0")
    #expect(up[6] == "8")
    #expect(up[7] == "G01;G02;G03;G04;G05;G06;G07;G08")
    let down = try #require(rows.first { $0.first == "DOWN" })
    #expect(down[4] == "-1.0")
    #expect(down[7] == "G60;G59;G58;G57;G56;G55;G54;G53")
    let plots = try FileManager.default.contentsOfDirectory(atPath: dir + "/plots").sorted()
    #expect(plots == ["DOWN.svg", "UP.svg"])
    let svg = try String(contentsOfFile: dir + "/plots/UP.svg", encoding: .utf8)
    #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(svg.contains("ES = 1.0000"))
  }

  @Test func gseapyFormatAndBroadStatistics() throws {
    let dir = FixturePaths.temporaryDirectory() + "/out"
    let result = try CLIRunner.run([
      "gsea", "prerank", "--ranks", Self.rnk, "--gene-sets", Self.gmt, "--out", dir, "--min-size", "3",
      "--permutations", "100", "--stats", "broad", "--format", "gseapy", "--plots", "0", "--quiet",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    let rows = try Self.lines(dir + "/gsea_prerank.tsv")
    #expect(rows.first == ["Term", "ES", "NES", "NOM p-val", "FDR q-val", "FWER p-val", "Tag %", "Gene %", "Lead_genes"])
    let up = try #require(rows.first { $0.first == "UP" })
    #expect(up[6] == "8/8")
    #expect(up[7] == "13.33%")  // peak at rank 8 of 60
    #expect(!FileManager.default.fileExists(atPath: dir + "/plots"))
  }

  @Test func sameSeedSameFileWhateverTheThreads() throws {
    var outputs: [String] = []
    for threads in ["1", "2"] {
      let dir = FixturePaths.temporaryDirectory() + "/out"
      let result = try CLIRunner.run([
        "gsea", "prerank", "--ranks", Self.rnk, "--gene-sets", Self.gmt, "--out", dir, "--min-size", "3",
        "--permutations", "300", "--seed", "9", "--threads", threads, "--plots", "0", "--quiet",
      ])
      #expect(result.status == 0, "\(result.stderr)")
      outputs.append(try String(contentsOfFile: dir + "/gsea_prerank.tsv", encoding: .utf8))
    }
    #expect(outputs[0] == outputs[1])
  }

  static let badCases: [(name: String, args: [String], message: String)] = [
    ("duplicate gene", ["--ranks", "Fixtures/gsea/duplicate_gene.rnk", "--gene-sets", gmt],
     "error: Fixtures/gsea/duplicate_gene.rnk: line 4: gene 'G01' already appeared on line 2\n"),
    ("NaN score", ["--ranks", "Fixtures/gsea/nan_score.rnk", "--gene-sets", gmt],
     "error: Fixtures/gsea/nan_score.rnk: line 3: gene 'G02' has a missing or non-finite score 'NaN'\n"),
    ("all sets unmatched", ["--ranks", rnk, "--gene-sets", "Fixtures/gsea/unmatched.gmt"],
     "error: Fixtures/gsea/unmatched.gmt: no gene set has between 15 and 500 genes in the ranked list (2 sets: 2 share no gene with it, 0 outside the size range)\n"),
    ("no set in size range", ["--ranks", rnk, "--gene-sets", gmt],
     "error: Fixtures/gsea/small.gmt: no gene set has between 15 and 500 genes in the ranked list (4 sets: 0 share no gene with it, 4 outside the size range)\n"),
    ("missing ranks", ["--ranks", "Fixtures/gsea/absent.rnk", "--gene-sets", gmt],
     "error: Fixtures/gsea/absent.rnk: no such file\n"),
  ]

  @Test(arguments: badCases.map(\.name))
  func badInputFailsInOneLineAndWritesNothing(_ name: String) throws {
    let bad = try #require(Self.badCases.first { $0.name == name })
    let parent = FixturePaths.temporaryDirectory()
    let result = try CLIRunner.run(["gsea", "prerank"] + bad.args + ["--out", parent + "/out"])
    #expect(result.status == 1)
    #expect(result.stderr == bad.message)
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty, "no output may remain")
  }

  @Test func invalidOptionsAreRejected() throws {
    let result = try CLIRunner.run([
      "gsea", "prerank", "--ranks", Self.rnk, "--gene-sets", Self.gmt, "--out", FixturePaths.temporaryDirectory(),
      "--permutations", "0",
    ])
    #expect(result.status != 0)
    #expect(result.stderr.contains("--permutations must be at least 1, got 0"))
  }
}
