import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

@testable import OmicsEnrichment

/// The ortholog tables in ../shared/data/orthologs read as their README documents them, and
/// gene sets mapped under each policy with counts.
@Suite struct OrthologTableTests {
  static let dir = FixturePaths.shared("orthologs")

  @Test(.enabled(if: dir != nil, "../shared/data/orthologs is absent"))
  func biomartCountsMatchTheREADME() throws {
    let table = try OrthologTable.read(path: try #require(Self.dir) + "/ensembl_biomart_human_to_mouse.csv")
    #expect(table.layout == .biomart)
    #expect(table.targetSpecies == "mouse")
    // README: 77,802 rows; one2one 17,122, one2many 2,941, many2many 6,297; 51,442 without ortholog;
    // confidence 1 on 17,613 rows.
    #expect(table.genesWithoutOrtholog == 51_442)
    #expect(table.edges.filter { $0.type == .oneToOne }.count == 17_122)
    #expect(table.edges.filter { $0.type == .oneToMany }.count == 2_941)
    #expect(table.edges.filter { $0.type == .manyToMany }.count == 6_297)
    #expect(table.edges.filter { $0.highConfidence == true }.count == 17_613)
    // README examples: TP53 → Trp53 (one2one), CD8B → Cd8b1 (one2many, confidence 0), FCGR3A → Fcgr4 (one2many).
    let tp53 = table.edges.filter { $0.sourceSymbol == "TP53" }
    #expect(tp53.map(\.targetSymbol) == ["Trp53"] && tp53.first?.type == .oneToOne)
    let cd8b = try #require(table.edges.first { $0.sourceSymbol == "CD8B" })
    #expect(cd8b.targetSymbol == "Cd8b1" && cd8b.type == .oneToMany && cd8b.highConfidence == false)

    let sets = try GeneSetCollection([
      GeneSet(name: "S", genes: ["TP53", "CD8B", "FCGR3A", "NOT_A_GENE", "tp53"]),
    ])
    let strict = try OrthologMapper(table: table).map(sets)
    #expect(strict.sets[0].genes == ["Trp53"])
    #expect(strict.counts[0] == OrthologMapper.Counts(mapped: 1, dropped: 4, ambiguous: 0, caseInsensitiveMatches: 0))
    let folded = try OrthologMapper(table: table, caseInsensitive: true).map(sets)
    #expect(folded.sets[0].genes == ["Trp53"])
    #expect(folded.counts[0] == OrthologMapper.Counts(mapped: 2, dropped: 3, ambiguous: 0, caseInsensitiveMatches: 1))
    let any = try OrthologMapper(table: table, policy: .minimumSupport(1)).map(sets)
    #expect(any.sets[0].genes == ["Trp53", "Cd8b1", "Fcgr4"])
    // By stable id: ENSG of TP53 maps to its ENSMUSG with targetIDs.
    let byID = OrthologMapper(table: table, targetIDs: true).targets(of: try #require(tp53.first?.sourceID))
    #expect(byID.targets == [try #require(tp53.first?.targetID)])
  }

  @Test(.enabled(if: dir != nil, "../shared/data/orthologs is absent"))
  func hcopSupportCountsPredictors() throws {
    let table = try OrthologTable.read(path: try #require(Self.dir) + "/hcop_human_to_mouse.csv")
    #expect(table.layout == .hcop)
    // 68,080 rows; 67,839 distinct (human id, mouse id or else symbol) pairs with a mouse gene
    // (python csv on the same file).
    #expect(table.edges.count == 67_839)
    let tp53 = try #require(table.edges.first { $0.sourceSymbol == "TP53" })
    #expect(tp53.targetSymbol == "Trp53" && tp53.support == 12 && tp53.type == .oneToOne)
    let sets = try GeneSetCollection([GeneSet(name: "S", genes: ["TP53"])])
    #expect(try OrthologMapper(table: table, policy: .minimumSupport(13)).map(sets).counts[0].dropped == 1)
    #expect(try OrthologMapper(table: table, policy: .minimumSupport(12)).map(sets).sets[0].genes == ["Trp53"])
  }

  @Test func missingColumnsAreNamed() throws {
    let dir = FixturePaths.temporaryDirectory()
    let path = dir + "/t.csv"
    try "Gene stable ID,Gene name,Mouse gene stable ID\nENSG1,A,ENSMUSG1\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: OmicsError(file: path, location: "line 1", "missing required column 'mouse gene name'")) {
      _ = try OrthologTable.read(path: path)
    }
    try "Gene stable ID,Gene name,Mouse gene name,Mouse gene stable ID,Mouse homology type\nENSG1,A,a,ENSMUSG1,weird\n"
      .write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: OmicsError(file: path, location: "line 2",
      "unknown homology type 'weird' (expected ortholog_one2one, ortholog_one2many or ortholog_many2many)")) {
      _ = try OrthologTable.read(path: path)
    }
    try "symbol,other\nA,B\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: OmicsError(file: path, location: "line 1",
      "not an ortholog table: the header matches none of HCOP 15/16-column, MGI HOM_MouseHumanSequence.rpt, "
        + "Ensembl BioMart ('Gene stable ID', …), NCBI gene_orthologs ('#tax_id', …)")) {
      _ = try OrthologTable.read(path: path)
    }
  }
}
