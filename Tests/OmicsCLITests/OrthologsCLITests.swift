import Foundation
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
      == "set\tgenes\tmapped\tdropped\tambiguous\tcase_insensitive\toutput_genes\nSET_A\t5\t2\t3\t0\t1\t1\n")
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
}
