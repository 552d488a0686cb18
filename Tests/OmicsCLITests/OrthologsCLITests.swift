import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

/// `omics orthologs map` end to end on the shared BioMart table.
@Suite struct OrthologsCLITests {
  static let table = FixturePaths.shared("orthologs/ensembl_biomart_human_to_mouse.csv")

  @Test(.enabled(if: table != nil, "../shared/data/orthologs is absent"))
  func mapsGeneSetsAndReportsCounts() throws {
    let dir = FixturePaths.temporaryDirectory()
    try "SET_A\tna\tTP53\tCD8B\tFCGR3A\tNOPE\ttp53\n".write(toFile: dir + "/h.gmt", atomically: true, encoding: .utf8)
    let tablePath = try #require(Self.table)
    var r = try CLIRunner.run([
      "orthologs", "map", "--table", tablePath, "--from", "human", "--to", "mouse", dir + "/h.gmt", dir + "/m.gmt",
      "--case-insensitive",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try String(contentsOfFile: dir + "/m.gmt", encoding: .utf8) == "SET_A\tna\tTrp53\n")
    #expect(try String(contentsOfFile: dir + "/m.gmt.counts.tsv", encoding: .utf8)
      == "set\tgenes\tmapped\tdropped\tambiguous\tcase_insensitive\tspreadsheet_damaged\toutput_genes\nSET_A\t5\t2\t3\t0\t1\t0\t1\n")
    #expect(r.stderr.hasPrefix("orthologs map: 1 sets, gene entries mapped 2, dropped 3, ambiguous 0, case-insensitive 1;"))
    r = try CLIRunner.run([
      "orthologs", "map", "--table", tablePath, "--from", "human", "--to", "mouse", "--policy", "min-support",
      dir + "/h.gmt", dir + "/any.gmt", "-q",
    ])
    #expect(r.status == 0)
    #expect(try String(contentsOfFile: dir + "/any.gmt", encoding: .utf8) == "SET_A\tna\tTrp53\tCd8b1\tFcgr4\n")
  }

  @Test(.enabled(if: table != nil, "../shared/data/orthologs is absent"))
  func unknownSpeciesFailsInOneLineAndWritesNothing() throws {
    let dir = FixturePaths.temporaryDirectory()
    let tablePath = try #require(Self.table)
    let r = try CLIRunner.run([
      "orthologs", "map", "--table", tablePath, "--from", "human", "--to", "rat", "Fixtures/gsea/small.gmt", dir + "/o.gmt",
    ])
    #expect(r.status == 1)
    #expect(r.stderr == "error: \(tablePath): unknown target species 'rat': this table maps to mouse\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }

  static let hcop15 = "Fixtures/orthologs/human_mouse_hcop_fifteen_column.txt"

  @Test func gmtCountsSpreadsheetDamagedSymbolsPerSet() throws {
    let dir = FixturePaths.temporaryDirectory()
    try "S1\tna\tTP53\t1-MAR\t2-Sep\tFCGR3A\nS2\tna\tC4A\tC4B\n".write(toFile: dir + "/h.gmt", atomically: true, encoding: .utf8)
    let r = try CLIRunner.run([
      "orthologs", "map", "--table", Self.hcop15, "--from", "human", "--to", "mouse", "--policy", "min-support",
      "--min-support", "5", dir + "/h.gmt", dir + "/m.gmt",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try String(contentsOfFile: dir + "/m.gmt", encoding: .utf8) == "S1\tna\tTrp53\tFcgr4\nS2\tna\tC4a\tC4b\n")
    #expect(try String(contentsOfFile: dir + "/m.gmt.counts.tsv", encoding: .utf8)
      == "set\tgenes\tmapped\tdropped\tambiguous\tcase_insensitive\tspreadsheet_damaged\toutput_genes\n"
        + "S1\t4\t2\t2\t0\t0\t2\t2\nS2\t2\t2\t0\t1\t0\t0\t2\n")
    #expect(r.stderr.contains("warning: 2 symbols look like spreadsheet-converted dates (1-MAR, 2-Sep) in 1 sets; they match no ortholog"))
  }

  @Test func rankedListMouseToHumanThroughMGI() throws {
    let dir = FixturePaths.temporaryDirectory()
    try "Trp53\t2.5\nFcgr4\t-1\nFcgr3\t-3\n1-Mar\t1\nC4a\t0.25\n".write(toFile: dir + "/m.rnk", atomically: true, encoding: .utf8)
    let r = try CLIRunner.run([
      "orthologs", "map", "--table", "Fixtures/orthologs/HOM_MouseHumanSequence.rpt", "--from", "mouse", "--to", "human",
      "--policy", "min-support", dir + "/m.rnk", dir + "/h.rnk",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try String(contentsOfFile: dir + "/h.rnk", encoding: .utf8) == "TP53\t2.5\nC4A\t0.25\nC4B\t0.25\nFCGR3A\t-3.0\n")
    #expect(r.stderr.hasPrefix(
      "orthologs map: ranked list of 5 genes: genes mapped 4, dropped 1, ambiguous 1, case-insensitive 0; 4 output genes, "
        + "1 of them collapsed from several input genes; 1 input gene looks like spreadsheet-converted dates (1-Mar)\n"))
    let mean = try CLIRunner.run([
      "orthologs", "map", "--table", "Fixtures/orthologs/HOM_MouseHumanSequence.rpt", "--from", "mouse", "--to", "human",
      "--policy", "min-support", "--rank-collapse", "mean", dir + "/m.rnk", dir + "/h2.rnk", "-q",
    ])
    #expect(mean.status == 0 && mean.stderr.isEmpty)
    #expect(try String(contentsOfFile: dir + "/h2.rnk", encoding: .utf8) == "TP53\t2.5\nC4A\t0.25\nC4B\t0.25\nFCGR3A\t-2.0\n")
  }

  @Test func h5adIsReindexedAndAggregated() throws {
    let dir = FixturePaths.temporaryDirectory()
    let m = ExpressionMatrix(
      X: .dense(DenseArray(shape: [2, 4], values: .float32([1, 2, 3, 4, 5, 6, 7, 8]))),
      obs: DataFrame(index: ["c1", "c2"]),
      var: DataFrame(index: ["g1", "g2", "g3", "g4"], columns: ["symbol": .stringArray(StringArray(["TP53", "C4A", "C4B", "NOPE"]))]))
    try H5ADWriter.write(m, to: dir + "/h.h5ad")
    let r = try CLIRunner.run([
      "orthologs", "map", "--table", Self.hcop15, "--from", "human", "--to", "mouse", "--policy", "min-support",
      "--gene-column", "symbol", "--aggregate", "mean", dir + "/h.h5ad", dir + "/m.h5ad",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let out = try H5ADReader.read(dir + "/m.h5ad", showProgress: false)
    #expect(out.var.index == ["Trp53", "C4a", "C4b"])
    #expect(out.X?.denseDoubles() == [1, 2.5, 2.5, 5, 6.5, 6.5])
    #expect(out.var.strings("source_genes") == ["TP53", "C4A;C4B", "C4A;C4B"])
    #expect(out.obs.index == ["c1", "c2"])
    #expect(r.stderr.hasPrefix("orthologs map: matrix 2 × 4 → 2 × 3 (mean): genes mapped 3, dropped 1, ambiguous 2"))
    let bad = try CLIRunner.run([
      "orthologs", "map", "--table", Self.hcop15, "--from", "human", "--to", "mouse", "--gene-column", "nope",
      dir + "/h.h5ad", dir + "/x.h5ad",
    ])
    #expect(bad.status == 1)
    #expect(bad.stderr == "error: \(dir)/h.h5ad: var has no string column 'nope' (columns: symbol)\n")
    #expect(!FileManager.default.fileExists(atPath: dir + "/x.h5ad"))
  }

  @Test func badInputsFailInOneLine() throws {
    let dir = FixturePaths.temporaryDirectory()
    try "A\t1\nB\tx\n".write(toFile: dir + "/bad.rnk", atomically: true, encoding: .utf8)
    func run(_ input: String, _ output: String, table: String = Self.hcop15) throws -> CLIRunner.Result {
      try CLIRunner.run(["orthologs", "map", "--table", table, "--from", "human", "--to", "mouse", input, output])
    }
    var r = try run(dir + "/bad.rnk", dir + "/o.rnk")
    #expect(r.status == 1)
    #expect(r.stderr == "error: \(dir)/bad.rnk: line 2: score 'x' of gene 'B' is not a number\n")
    r = try run(dir + "/bad.rnk", dir + "/o.gmt")
    #expect(r.stderr == "error: \(dir)/o.gmt: the output of a ranked list is written as .rnk\n")
    r = try run(dir + "/in.txt", dir + "/o.gmt")
    #expect(r.stderr == "error: \(dir)/in.txt: cannot tell the input kind from the name; expected .gmt, .gmx, .grp, .json, .rnk or .h5ad\n")
    try "human_entrez_gene\thuman_ensembl_gene\thgnc_id\thuman_symbol\tmouse_entrez_gene\tmouse_ensembl_gene\tmouse_symbol\tsupport\n1\n"
      .write(toFile: dir + "/t.txt", atomically: true, encoding: .utf8)
    try "S\tna\tTP53\n".write(toFile: dir + "/s.gmt", atomically: true, encoding: .utf8)
    r = try run(dir + "/s.gmt", dir + "/o.gmt", table: dir + "/t.txt")
    #expect(r.stderr == "error: \(dir)/t.txt: line 2: expected 8 fields, found 1\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["bad.rnk", "s.gmt", "t.txt"])
  }

  @Test func helpHasExamples() throws {
    let r = try CLIRunner.run(["orthologs", "map", "--help"])
    #expect(r.stdout.contains("omics orthologs map --table HOM_MouseHumanSequence.rpt \\\n    --from mouse --to human de_mouse.rnk de_human.rnk\n"))
    #expect(r.stdout.contains("--from mouse --to human --aggregate sum counts_mouse.h5ad counts_human.h5ad\n"))
  }

  @Test func grpAndGmxInputsBecomeGMT() throws {
    let dir = FixturePaths.temporaryDirectory()
    try "# a comment\nTP53\nMARCHF1\n1-MAR\n".write(toFile: dir + "/MY_SET.grp", atomically: true, encoding: .utf8)
    try "A\tB\nna\tna\nTP53\tSEPTIN2\nCD8B\t\n".write(toFile: dir + "/two.gmx", atomically: true, encoding: .utf8)
    var r = try CLIRunner.run([
      "orthologs", "map", "--table", Self.hcop15, "--from", "human", "--to", "mouse", dir + "/MY_SET.grp", dir + "/m.gmt", "-q",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try String(contentsOfFile: dir + "/m.gmt", encoding: .utf8) == "MY_SET\tna\tTrp53\tMarchf1\n")
    #expect(try String(contentsOfFile: dir + "/m.gmt.counts.tsv", encoding: .utf8).hasSuffix("MY_SET\t3\t2\t1\t0\t0\t1\t2\n"))
    r = try CLIRunner.run([
      "orthologs", "map", "--table", Self.hcop15, "--from", "human", "--to", "mouse", dir + "/two.gmx", dir + "/g.gmt", "-q",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(try String(contentsOfFile: dir + "/g.gmt", encoding: .utf8) == "A\tna\tTrp53\tCd8b1\nB\tna\tSeptin2\n")
  }
}
