import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

/// Reads the real files in ../shared/data/gsea_fixtures. The expected numbers were computed once,
/// independently of this code, with Python (`line.split('\t')`, fields stripped, empty genes dropped,
/// `dict.fromkeys` for unique genes; scores with `float`), e.g. for the GMT:
/// `python3 -c "ls=open(f).read().split('\n')[:-1]; print(len(ls), sum(len(set(g for g in l.split('\t')[2:] if g)) for l in ls))"`.
/// Skipped, with the reason shown, when ../shared is not present.
@Suite(.enabled(if: FixturePaths.shared("gsea_fixtures") != nil, "../shared/data/gsea_fixtures is not present"))
struct GeneSetSharedFixtureTests {
  @Test func fgseaMouseReactomeGMT() throws {
    let path = try #require(FixturePaths.shared("gsea_fixtures/fgsea_example/mouse.reactome.gmt"))
    let c = try GMTReader.read(path: path)
    // python: 1457 lines, no duplicate names, no duplicate genes, 63523 genes in all, 7111 distinct.
    #expect(c.count == 1457)
    #expect(c.notes.isEmpty)
    #expect(c.reduce(0) { $0 + $1.count } == 63523)
    #expect(c.allGenes.count == 7111)
    #expect(c[0].name == "1221633_Meiotic_Synapsis")
    #expect(c[0].count == 64)
    #expect(c[0].description == "1221633")
    #expect(c[0].genes.prefix(3) == ["12189", "13006", "15077"])
    #expect(c[name: "5990978_M_G1_Transition"]?.count == 79)
    #expect(c.last?.name == "912497_Meiotic_Recombination")
    #expect(c.last?.count == 51)
    #expect(c.map(\.count).min() == 1)
    #expect(c.map(\.count).max() == 2366)
    // A set name with a comma stays whole; no gene token has a comma, so no weights appear.
    #expect(c[name: "1368110_Bmal1:Clock,Npas2_activates_circadian_gene_expression"]?.count == 16)
    #expect(c.allSatisfy { $0.weights == nil })
  }

  @Test func broadEdbGMTWithSpacesInNames() throws {
    let path = try #require(FixturePaths.shared("gsea_fixtures/broad_gsea_edb/gene_sets.gmt"))
    let c = try GMTReader.read(path: path)
    // python: 7 sets, sizes 25..60, 254 genes in all, 167 distinct; every description is "Arid3a_used".
    #expect(c.count == 7)
    #expect(c.reduce(0) { $0 + $1.count } == 254)
    #expect(c.allGenes.count == 167)
    #expect(c.names.prefix(3) == ["ES-SPECIFIC", "HDAC1 UNIQUE TARGETS", "XEN-SPECIFIC"])
    #expect(c[name: "HDAC1 UNIQUE TARGETS"]?.count == 29)
    #expect(c[name: "OCT4 KD-SPECIFIC"]?.count == 60)
    #expect(c.allSatisfy { $0.description == "Arid3a_used" })
  }

  @Test func fgseaExampleRanks() throws {
    let path = try #require(FixturePaths.shared("gsea_fixtures/fgsea_example/naive.vs.th1.rnk"))
    let r = try RNKReader.read(path: path)
    // python: header "ID\tt", 12000 rows, no duplicates, no ties; max 80876 53.2839963330631,
    // min 170942 -63.3370337079998, sum 915.5647349950463.
    #expect(r.count == 12000)
    #expect(r.name == "naive.vs.th1")
    #expect(r.notes == [GeneSetReadNote(file: path, line: 1, set: "naive.vs.th1", kind: .headerSkipped("ID\tt"))])
    #expect(r.first == RankedList.Entry(gene: "80876", score: 53.2839963330631))
    #expect(r.last == RankedList.Entry(gene: "170942", score: -63.3370337079998))
    #expect(r.tieCount == 0)
    #expect(abs(r.scores.reduce(0, +) - 915.5647349950463) < 1e-9)
    #expect(zip(r.scores, r.scores.dropFirst()).allSatisfy { $0 >= $1 })
  }

  @Test func broadRanksWithoutHeader() throws {
    let path = try #require(FixturePaths.shared("gsea_fixtures/broad_gsea_edb/gsea_data.gsea_data.rnk"))
    let r = try RNKReader.read(path: path)
    // python: 694 rows, first CTLA2B 2.5024824, last RUNX1T1 -0.7271165, sum 81.35744452399996.
    // grep -iE '^[0-9]{1,2}-(jan|…|dec)\t' finds one Excel-damaged symbol, on line 96: 4-SEP (SEPTIN4).
    #expect(r.count == 694)
    #expect(r.notes == [GeneSetReadNote(file: path, line: 0, set: "gsea_data.gsea_data", kind: .spreadsheetDateGenes(["4-SEP"]))])
    #expect(r.notes[0].description == "\(path): set 'gsea_data.gsea_data': 1 gene looks like a spreadsheet-converted date (4-SEP)")
    #expect(r.first == RankedList.Entry(gene: "CTLA2B", score: 2.5024824))
    #expect(r.last == RankedList.Entry(gene: "RUNX1T1", score: -0.7271165))
    #expect(abs(r.scores.reduce(0, +) - 81.35744452399996) < 1e-9)
  }

  @Test func reactomeRoundTripsThroughTheWriter() throws {
    let path = try #require(FixturePaths.shared("gsea_fixtures/fgsea_example/mouse.reactome.gmt"))
    let c = try GMTReader.read(path: path)
    let out = FixturePaths.temporaryDirectory() + "/reactome.gmt"
    try GMTWriter.write(c, to: out)
    // No description is empty or "na", genes are plain tokens: the bytes are identical.
    #expect(FileManager.default.contentsEqual(atPath: path, andPath: out))
  }
}
