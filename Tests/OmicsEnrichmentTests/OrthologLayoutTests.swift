import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

@testable import OmicsEnrichment

/// The downloadable ortholog layouts (hand-made fixtures in Fixtures/orthologs, see its README),
/// recognised from the header and read into typed edges.
@Suite struct OrthologLayoutTests {
  static func fixture(_ name: String) -> String { FixturePaths.fixture("orthologs/" + name) }

  /// (source symbol, target symbol, type, support) sorted, for compact comparisons.
  static func summary(_ t: OrthologTable) -> [String] {
    t.edges.map { "\($0.sourceSymbol ?? $0.sourceID)>\($0.targetSymbol ?? $0.targetID ?? "?") \($0.type.rawValue) \($0.support)" }.sorted()
  }

  @Test func hcopFifteenColumn() throws {
    let t = try OrthologTable.read(path: Self.fixture("human_mouse_hcop_fifteen_column.txt"))
    #expect(t.layout == .hcopFifteenColumn)
    #expect(t.sourceSpecies == "human" && t.targetSpecies == "mouse")
    #expect(Self.summary(t) == [
      "C4A>C4a n:m 5", "C4A>C4b n:m 5", "C4B>C4a n:m 4", "C4B>C4b n:m 5", "CD8B>Cd8b1 1:1 10",
      "FCGR3A>Fcgr3 1:n 2", "FCGR3A>Fcgr4 1:n 6", "GAPDH>Gapdh 1:1 3", "MARCHF1>Marchf1 1:1 11",
      "SEPTIN2>Septin2 1:1 12", "TP53>Trp53 1:1 12",
    ])
    let tp53 = try #require(t.edges.first { $0.sourceSymbol == "TP53" })
    #expect(tp53.sourceID == "ENSG00000141510" && tp53.targetID == "ENSMUSG00000059552")
    #expect(tp53.sourceAliases == ["7157", "HGNC:11998"])
    // Missing mouse Ensembl id ('-'): the NCBI GeneID stands in.
    #expect(t.edges.first { $0.sourceSymbol == "GAPDH" }?.targetID == "14433")
    // Matching by any id of the source gene.
    let m = OrthologMapper(table: t)
    #expect(m.targets(of: "7157").targets == ["Trp53"])
    #expect(m.targets(of: "HGNC:11998").targets == ["Trp53"])
    #expect(m.targets(of: "ENSG00000141510").targets == ["Trp53"])
    #expect(m.targets(of: "FCGR3A").targets.isEmpty)
    #expect(OrthologMapper(table: t, policy: .minimumSupport(6)).targets(of: "FCGR3A").targets == ["Fcgr4"])
    #expect(OrthologMapper(table: t, policy: .minimumSupport(2)).targets(of: "FCGR3A").targets == ["Fcgr4", "Fcgr3"])

    // The other direction.
    let r = try OrthologTable.read(path: Self.fixture("human_mouse_hcop_fifteen_column.txt"), from: "mouse", to: "human")
    #expect(r.sourceSpecies == "mouse" && r.targetSpecies == "human")
    #expect(OrthologMapper(table: r).targets(of: "Trp53").targets == ["TP53"])
    #expect(OrthologMapper(table: r).targets(of: "MGI:98834").targets == ["TP53"])
    #expect(Self.summary(r).contains("Fcgr4>FCGR3A 1:n 6"))
  }

  @Test func hcopSixteenColumnSelectsTheSpecies() throws {
    let path = Self.fixture("human_all_hcop_sixteen_column.txt")
    let mouse = try OrthologTable.read(path: path, from: "human", to: "mouse")
    #expect(mouse.layout == .hcopSixteenColumn)
    #expect(mouse.edges.count == 11)
    #expect(mouse.typeCounts == (5, 2, 4))
    let rat = try OrthologTable.read(path: path, from: "human", to: "10116")
    #expect(rat.targetSpecies == "rat")
    #expect(Self.summary(rat) == ["TP53>Tp53 1:1 11"])
    let back = try OrthologTable.read(path: path, from: "rat", to: "human")
    #expect(OrthologMapper(table: back).targets(of: "Tp53").targets == ["TP53"])
    // No species given: human to the species of the first row.
    #expect(try OrthologTable.read(path: path).targetSpecies == "mouse")
    #expect(throws: OmicsError(file: path, "no ortholog pairs between taxa 9606 and 7955 (human and zebrafish)")) {
      _ = try OrthologTable.read(path: path, from: "human", to: "zebrafish")
    }
  }

  @Test func mgiHomologyClasses() throws {
    let path = Self.fixture("HOM_MouseHumanSequence.rpt")
    let t = try OrthologTable.read(path: path)
    #expect(t.layout == .mgi)
    #expect(t.sourceSpecies == "human" && t.targetSpecies == "mouse")
    #expect(Self.summary(t) == [
      "C4A>C4a n:m 1", "C4A>C4b n:m 1", "C4B>C4a n:m 1", "C4B>C4b n:m 1", "CD8B>Cd8b1 1:1 1",
      "FCGR3A>Fcgr3 1:n 1", "FCGR3A>Fcgr4 1:n 1", "MARCHF1>Marchf1 1:1 1", "SEPTIN2>Septin2 1:1 1", "TP53>Trp53 1:1 1",
    ])
    #expect(t.genesWithoutOrtholog == 1)  // GAPDH: a class without a mouse gene
    let m = OrthologMapper(table: t)
    #expect(m.targets(of: "7157").targets == ["Trp53"])  // EntrezGene ID
    #expect(m.targets(of: "HGNC:11998").targets == ["Trp53"])
    let r = try OrthologTable.read(path: path, from: "mouse", to: "human")
    #expect(OrthologMapper(table: r).targets(of: "MGI:98834").targets == ["TP53"])
    #expect(OrthologMapper(table: r, policy: .minimumSupport(1)).targets(of: "Fcgr3").targets == ["FCGR3A"])
    #expect(throws: OmicsError(file: path, "unknown target species 'rat': this table pairs human and mouse")) {
      _ = try OrthologTable.read(path: path, from: "human", to: "rat")
    }
  }

  @Test func biomartExportWithPercentIdentity() throws {
    let t = try OrthologTable.read(path: Self.fixture("ensembl_biomart_human_mouse_export.txt"))
    #expect(t.layout == .biomart)
    #expect(t.genesWithoutOrtholog == 2)
    #expect(t.typeCounts == (3, 3, 4))
    let tp53 = try #require(t.edges.first { $0.sourceSymbol == "TP53" })
    #expect(tp53.percentIdentity == 77.5 && tp53.percentIdentityReverse == 77.3 && tp53.highConfidence == true)
    #expect(OrthologMapper(table: t, policy: .oneToOneHighConfidence).targets(of: "TP53").targets == ["Trp53"])
    #expect(OrthologMapper(table: t).targets(of: "CD8B").targets.isEmpty)  // one2many in Ensembl
    let r = try OrthologTable.read(path: Self.fixture("ensembl_biomart_human_mouse_export.txt"), from: "mouse", to: "human")
    let back = try #require(r.edges.first { $0.sourceSymbol == "Trp53" })
    #expect(back.targetSymbol == "TP53" && back.percentIdentity == 77.3 && back.type == .oneToOne)
  }

  @Test func biomaRtAttributeNames() throws {
    // R biomaRt getBM() output written by write.csv: attribute names, row-name column, quotes, NA.
    let t = try OrthologTable.read(path: Self.fixture("biomaRt_getBM_human_mouse.csv"), from: "human", to: "mouse")
    #expect(t.layout == .biomart && t.targetSpecies == "mouse")
    #expect(Self.summary(t) == ["CD8B>Cd8b1 1:n 1", "FCGR3A>Fcgr3 1:n 1", "FCGR3A>Fcgr4 1:n 1", "TP53>Trp53 1:1 1"])
    #expect(t.genesWithoutOrtholog == 1)
    let tp53 = try #require(t.edges.first { $0.sourceSymbol == "TP53" })
    #expect(tp53.highConfidence == true && tp53.percentIdentity == 77.5 && tp53.percentIdentityReverse == 77.3)
  }

  @Test func ncbiGeneOrthologs() throws {
    let path = Self.fixture("gene_orthologs")
    let t = try OrthologTable.read(path: path, from: "human", to: "mouse")
    #expect(t.layout == .ncbiGeneOrthologs)
    #expect(t.edges.count == 6 && t.typeCounts == (6, 0, 0))
    #expect(OrthologMapper(table: t, targetIDs: true).targets(of: "7157").targets == ["22059"])
    let r = try OrthologTable.read(path: path, from: "10090", to: "9606")
    #expect(OrthologMapper(table: r, targetIDs: true).targets(of: "22059").targets == ["7157"])
    #expect(try OrthologTable.read(path: path, from: "human", to: "rat").edges.count == 1)
    #expect(throws: OmicsError(file: path, "no ortholog pairs between taxa 10090 and 7955 (mouse and zebrafish)")) {
      _ = try OrthologTable.read(path: path, from: "mouse", to: "zebrafish")
    }
  }

  @Test func badTablesNameFileAndLine() throws {
    let dir = FixturePaths.temporaryDirectory()
    let path = dir + "/t.txt"
    func write(_ text: String) throws { try text.write(toFile: path, atomically: true, encoding: .utf8) }
    try write("human_entrez_gene\thuman_ensembl_gene\thgnc_id\thuman_symbol\tmouse_symbol\tsupport\n")
    #expect(throws: OmicsError.line(1, file: path, "HCOP 15-column table: missing required column 'mouse_entrez_gene'")) {
      _ = try OrthologTable.read(path: path)
    }
    try write("DB Class Key\tCommon Organism Name\tNCBI Taxon ID\tSymbol\tEntrezGene ID\n1\tfrog\t8364\tx\t1\n")
    #expect(throws: OmicsError.line(2, file: path, "NCBI Taxon ID '8364' is neither human (9606) nor mouse (10090)")) {
      _ = try OrthologTable.read(path: path)
    }
    try write("#tax_id\tGeneID\trelationship\tOther_tax_id\tOther_GeneID\n9606\t1\tOrtholog\t10090\n")
    #expect(throws: OmicsError.line(2, file: path, "expected 5 fields: #tax_id, GeneID, relationship, Other_tax_id, Other_GeneID")) {
      _ = try OrthologTable.read(path: path)
    }
    try write("Gene stable ID\tGene name\tMouse gene stable ID\tMouse gene name\tMouse homology type\t%id. target Mouse gene identical to query gene\nENSG1\tA\tENSMUSG1\ta\tortholog_one2one\tabc\n")
    #expect(throws: OmicsError.line(2, file: path, "percent identity 'abc' is not a number between 0 and 100")) {
      _ = try OrthologTable.read(path: path)
    }
    #expect(throws: OmicsError(file: path, "unknown target species 'martian' (use a common name such as human, mouse, rat, zebrafish, or an NCBI taxon id)")) {
      _ = try OrthologTable.read(path: path, from: "human", to: "martian")
    }
  }
}
