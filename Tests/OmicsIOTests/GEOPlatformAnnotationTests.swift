import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

@Suite struct GEOPlatformAnnotationTests {
  @Test func splitsMultiGeneCells() {
    #expect(PlatformAnnotation.splitGenes("DDR1 /// MIR4640") == ["DDR1", "MIR4640"])
    #expect(PlatformAnnotation.splitGenes("SNX3///NR2E1") == ["SNX3", "NR2E1"])
    #expect(PlatformAnnotation.splitGenes("---") == [])
    #expect(PlatformAnnotation.splitGenes("") == [])
    #expect(PlatformAnnotation.splitGenes(" A /// --- /// A ") == ["A"])
  }

  @Test func readsAnnotFixture() throws {
    let gpl = try PlatformAnnotation.read(FixturePaths.fixture("geo/GPL900001.annot"))
    #expect(gpl.platform == "GPL900001")
    #expect(gpl.symbolColumn == "Gene symbol" && gpl.entrezColumn == "Gene ID")
    #expect(gpl.probeIDs.count == 6)
    #expect(gpl.genes(forProbe: "1007_s_at") == ["DDR1", "MIR4640"])
    #expect(gpl.genes(forProbe: "1007_S_AT") == ["DDR1", "MIR4640"])
    #expect(gpl.genes(forProbe: "1007_s_at", key: .entrez) == ["780", "100616237"])
    #expect(gpl.genes(forProbe: "AFFX-BioB-5_at") == [])
    #expect(gpl.genes(forProbe: "nope") == nil)
  }

  @Test func readsPlatformFromFamilySOFTAndPlainTables() throws {
    let soft = try PlatformAnnotation.read(FixturePaths.fixture("geo/GSE900002_family.soft"))
    #expect(soft.platform == "GPL900002")
    #expect(soft.symbolColumn == "Gene Symbol" && soft.entrezColumn == "ENTREZ_GENE_ID")
    #expect(soft.genes(forProbe: "1053_at") == ["RFC2"])
    let dir = FixturePaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let plain = dir + "/GPL10558.txt.gz"
    let text = "# Illumina HumanHT-12\n!Annotation_platform = GPL10558\nID\tSymbol\tEntrez_Gene_ID\nILMN_1\tTNF\t7124\nILMN_2\t\t\n"
    try Gunzip.deflate(Data(text.utf8)).write(to: URL(fileURLWithPath: plain))
    let illumina = try PlatformAnnotation.read(plain)
    #expect(illumina.platform == "GPL10558")
    #expect(illumina.symbolColumn == "Symbol" && illumina.entrezColumn == "Entrez_Gene_ID")
    #expect(illumina.genes(forProbe: "ILMN_1") == ["TNF"] && illumina.genes(forProbe: "ILMN_2") == [])
    let agilentPath = dir + "/agilent.txt"
    try "ID\tSPOT_ID\tgene symbol\tGENE\nA_1\tx\tTP53\t7157\n".write(toFile: agilentPath, atomically: true, encoding: .utf8)
    let agilent = try PlatformAnnotation.read(agilentPath)
    #expect(agilent.symbolColumn == "gene symbol" && agilent.entrezColumn == "GENE")
    let explicit = try PlatformAnnotation.read(agilentPath, symbolColumn: "SPOT_ID")
    #expect(explicit.genes(forProbe: "A_1") == ["x"])
  }

  @Test func errors() throws {
    let dir = FixturePaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/p.txt"
    try "ID\tSEQUENCE\nA_1\tACGT\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(throws: OmicsError.line(
      1, file: path,
      "no gene symbol or Entrez id column found in the platform table (columns: ID, SEQUENCE); name one with symbolColumn: or entrezColumn:")
    ) { try PlatformAnnotation.read(path) }
    #expect(throws: OmicsError.line(1, file: path, "no gene symbol column 'Gene' in the platform table (columns: ID, SEQUENCE)")) {
      try PlatformAnnotation.read(path, symbolColumn: "Gene")
    }
    let empty = dir + "/e.txt"
    try "# nothing\n\n".write(toFile: empty, atomically: true, encoding: .utf8)
    #expect(throws: OmicsError(file: empty, "empty platform table: no header row")) { try PlatformAnnotation.read(empty) }
    #expect(throws: OmicsError(file: FixturePaths.fixture("geo/GPL900001.annot"), "no platform GPL1 table found (expected ^PLATFORM or ^Annotation with !platform_table_begin)")) {
      try PlatformAnnotation.read(FixturePaths.fixture("geo/GPL900001.annot"), platform: "GPL1")
    }
  }
}
