import Foundation
import OmicsTestSupport
import Testing

/// `omics ora` end to end on Fixtures/ora, and its one-line errors.
@Suite struct ORACLITests {
  static let args = ["ora", "--genes", "Fixtures/ora/genes.txt", "--gene-sets", "Fixtures/ora/sets.gmt",
    "--universe", "Fixtures/ora/universe.txt", "--min-size", "5", "--max-size", "500"]

  @Test func writesTheTableSortedByPValue() throws {
    let dir = FixturePaths.temporaryDirectory()
    let r = try CLIRunner.run(Self.args + ["--out", dir + "/ora.tsv"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.hasPrefix(
      "ora: 200 query genes (20 outside the universe of 3000); 45 sets: 38 tested, 4 outside 5–500 genes, 3 without overlap;"))
    let rows = try String(contentsOfFile: dir + "/ora.tsv", encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
    #expect(rows[0] == ["term", "description", "overlap", "set_size", "query_size", "universe_size", "expected",
      "fold_enrichment", "pvalue", "log10_pvalue", "padj", "genes"])
    #expect(rows.count == 39)
    #expect(rows[1][0] == "ENRICHED_5")
    // Against the fixture's scipy/statsmodels values.
    let expected = try String(contentsOfFile: "Fixtures/ora/expected.tsv".inRepository, encoding: .utf8)
      .split(separator: "\n").filter { !$0.hasPrefix("#") }.dropFirst()
      .map { $0.split(separator: "\t").map(String.init) }
    for e in expected {
      let row = try #require(rows.first { $0[0] == e[0] })
      #expect(row[2] == e[1] && row[3] == e[2])
      let p = Double(row[8])!, padj = Double(row[10])!
      #expect(abs(p - Double(e[7])!) <= 1e-11 * Double(e[7])!, "\(e[0])")
      #expect(abs(padj - Double(e[8])!) <= 1e-11 * Double(e[8])!, "\(e[0])")
      #expect(abs(Double(row[9])! - Double(e[6])!) <= 1e-12 * max(1, abs(Double(e[6])!)))
    }
  }

  @Test func helpHasAnExample() throws {
    let r = try CLIRunner.run(["ora", "--help"])
    #expect(r.stdout.contains("omics ora --genes up_genes.txt --gene-sets h.all.gmt \\\n    --universe expressed.txt --min-size 10 --max-size 500 --out ora.tsv\n"))
  }

  @Test func badInputFailsInOneLineAndWritesNothing() throws {
    let dir = FixturePaths.temporaryDirectory()
    let out = dir + "/ora.tsv"
    func run(_ genes: String, _ universe: String = "Fixtures/ora/universe.txt", _ extra: [String] = []) throws -> CLIRunner.Result {
      try CLIRunner.run(["ora", "--genes", genes, "--gene-sets", "Fixtures/ora/sets.gmt", "--universe", universe, "--out", out] + extra)
    }
    try "G0001\nG0002\tx\n".write(toFile: dir + "/tab.txt", atomically: true, encoding: .utf8)
    var r = try run(dir + "/tab.txt")
    #expect(r.status == 1)
    #expect(r.stderr == "error: \(dir)/tab.txt: line 2: expected one gene per line, found a tab\n")
    try "# nothing\n\n".write(toFile: dir + "/empty.txt", atomically: true, encoding: .utf8)
    r = try run("Fixtures/ora/genes.txt", dir + "/empty.txt")
    #expect(r.stderr == "error: \(dir)/empty.txt: no genes (expected one gene per line)\n")
    try "ENSG1\nENSG2\n".write(toFile: dir + "/ids.txt", atomically: true, encoding: .utf8)
    r = try run(dir + "/ids.txt")
    #expect(r.stderr == "error: \(dir)/ids.txt: none of the 2 genes is in the universe (Fixtures/ora/universe.txt); do the identifiers match?\n")
    r = try run("Fixtures/ora/genes.txt", "Fixtures/ora/universe.txt", ["--min-size", "800", "--max-size", "900"])
    #expect(r.stderr == "error: Fixtures/ora/sets.gmt: no gene set has between 800 and 900 genes in the universe (45 sets); do the identifiers match the universe?\n")
    r = try run("Fixtures/ora/genes.txt", "Fixtures/ora/universe.txt", ["--min-size", "9", "--max-size", "3"])
    #expect(r.status != 0 && r.stderr.contains("--max-size (3) is below --min-size (9)"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["empty.txt", "ids.txt", "tab.txt"])
  }
}

extension String {
  /// A repository-relative path made absolute.
  var inRepository: String { FixturePaths.repositoryRoot.appendingPathComponent(self).path }
}
