import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

@Suite struct GEOSOFTReaderTests {
  func parse(_ text: String) throws -> SOFTFile {
    try SOFTReader.parse(TextFile(name: "x.soft", text: text))
  }

  func error(_ text: String) -> String? {
    do {
      _ = try parse(text)
      return nil
    } catch { return "\(error)" }
  }

  @Test func readsFamilyFixture() throws {
    let soft = try SOFTReader.read(FixturePaths.fixture("geo/GSE900002_family.soft"))
    #expect(soft.entities.map { "\($0.kind) \($0.accession)" } == [
      "DATABASE GeoMiame", "SERIES GSE900002", "PLATFORM GPL900002", "SAMPLE GSM900011", "SAMPLE GSM900012",
    ])
    let series = try #require(soft.series)
    #expect(series.values("sample_id") == ["GSM900011", "GSM900012"])
    #expect(series.value("TITLE") == "Toy family SOFT with one platform and two samples")
    let platform = try #require(soft.platforms.first)
    #expect(platform.columnDescriptions.map(\.name) == ["ID", "GB_ACC", "Gene Symbol", "ENTREZ_GENE_ID"])
    #expect(platform.columnDescriptions[1].description == "GenBank Accession Number")
    let table = try #require(platform.table)
    #expect(table.kind == "platform")
    #expect(table.columns == ["ID", "GB_ACC", "Gene Symbol", "ENTREZ_GENE_ID"])
    #expect(table.rowCount == 4)
    #expect(table.strings(named: "gene symbol") == ["DDR1 /// MIR4640", "RFC2", "HSPA6", "---"])
    #expect(table.line(ofRow: 0) == 28)
    let sample = soft.samples[0]
    #expect(sample.values("characteristics_ch1") == ["tissue: liver", "age: 54"])
    #expect(try sample.table?.doubles(1) == [7.12, 5.01, 3.3, -0.5])
    #expect(sample.table?.rows[2] == ["117_at", "3.3", "A"])
  }

  @Test func expressionMatrixFromSampleTables() throws {
    let soft = try SOFTReader.read(FixturePaths.fixture("geo/GSE900002_family.soft"))
    let m = try soft.expressionMatrix()
    #expect(m.obs.index == ["GSM900011", "GSM900012"])
    #expect(m.var.index == ["1007_s_at", "1053_at", "117_at", "AFFX-BioB-5_at"])
    let x = m.X?.denseDoubles() ?? []
    let expected: [Double] = [7.12, 5.01, 3.3, -0.5, .nan, 4.99, .nan, 0.25]
    #expect(x.count == 8)
    for (a, b) in zip(x, expected) { #expect(a == b || (a.isNaN && b.isNaN)) }
    #expect(m.obs.columns.keys.elements == [
      "title", "geo_accession", "tissue", "age", "treatment", "status", "type", "source_name_ch1", "organism_ch1",
      "data_processing", "platform_id", "data_row_count",
    ])
    #expect(m.obs.strings("age") == ["54", "61"])
    #expect(m.obs.strings("treatment") == ["", "drug A"])
    guard case .dict(let series)? = m.uns["series"] else {
      Issue.record("no uns[series]")
      return
    }
    #expect(series["sample_id"] == .stringArray(StringArray(["GSM900011", "GSM900012"])))
    #expect(m.validateShapes() == nil)
    #expect(throws: OmicsError.line(49, file: soft.name, "sample GSM900011 has no COUNT column (columns: ID_REF, VALUE, ABS_CALL)")) {
      try soft.expressionMatrix(valueColumn: "COUNT")
    }
    #expect(throws: OmicsError.line(50, file: soft.name, "value 'P' in column ABS_CALL for 1007_s_at is not a number")) {
      try soft.expressionMatrix(valueColumn: "ABS_CALL")
    }
    #expect(throws: OmicsError(file: soft.name, "no sample of platform GPL1 (platforms present: GPL900002)")) {
      try soft.expressionMatrix(platform: "GPL1")
    }
  }

  @Test func markersAreCaseInsensitiveAndSeriesTablesParse() throws {
    let soft = try parse("""
      ^SAMPLE = GSM1
      !Sample_title = a = b
      !Sample_platform_id = GPL1
      !Sample_table_begin
      ID_REF\tVALUE

      p1\t1
      p2\tnull\t
      !Sample_table_end
      ^SAMPLE = GSM2
      !Sample_platform_id = GPL2
      ^SERIES = GSE1
      !series_table_begin = Listing of Individual Cells
      UniqueCell_ID\tPatient
      NTC1\tP1
      !series_table_end

      """)
    let sample = try #require(soft.entity("GSM1"))
    #expect(sample.value("title") == "a = b")
    #expect(sample.table?.rowCount == 2)
    #expect(sample.table?.line(ofRow: 0) == 7)
    let values = try #require(try sample.table?.doubles(1))
    #expect(values[0] == 1 && values[1].isNaN)
    #expect(soft.series?.table?.kind == "series")
    #expect(soft.series?.table?.rows == [["NTC1", "P1"]])
    #expect(throws: OmicsError(file: "x.soft", "the samples come from 2 platforms (GPL1, GPL2); choose one with platform:")) {
      try soft.expressionMatrix()
    }
    let one = try soft.expressionMatrix(platform: "GPL2")
    #expect(one.obs.index == ["GSM2"] && one.nVars == 0)
  }

  @Test func errorsNameFileAndLine() throws {
    #expect(error("!Sample_title = x\n") == "x.soft: line 1: expected an entity line such as '^SAMPLE = GSM1' before '!Sample_title = x'")
    #expect(error("^SAMPLE = GSM1\n!sample_table_begin\nID_REF\tVALUE\np\t1\n")
      == "x.soft: line 4: the table begun at line 2 has no !sample_table_end (truncated file?)")
    #expect(error("^SAMPLE = GSM1\n!sample_table_begin\nID_REF\tVALUE\n^SAMPLE = GSM2\n")
      == "x.soft: line 4: new entity before !sample_table_end (the table begins at line 2)")
    #expect(error("^SAMPLE = GSM1\n!sample_table_end\n") == "x.soft: line 2: !sample_table_end without a table begin")
    #expect(error("^SAMPLE = GSM1\n!sample_table_begin\nID\n!platform_table_end\n")
      == "x.soft: line 4: !platform_table_end does not close the !sample_table_begin of line 2")
    #expect(error("^SAMPLE = GSM1\nstray text\n")
      == "x.soft: line 2: expected a line starting with ^, ! or # outside a table, found 'stray text'")
    let soft = try parse("^SAMPLE = GSM1\n!sample_table_begin\nID_REF\tVALUE\np1\t1\np2\tabc\n!sample_table_end\n")
    #expect(throws: OmicsError.line(5, file: "x.soft", "value 'abc' in column VALUE for p2 is not a number")) {
      try soft.expressionMatrix()
    }
    let dup = try parse("^SAMPLE = GSM1\n!sample_table_begin\nID_REF\tVALUE\np1\t1\np1\t2\n!sample_table_end\n")
    #expect(throws: OmicsError.line(5, file: "x.soft", "ID_REF 'p1' appears twice in sample GSM1")) {
      try dup.expressionMatrix()
    }
  }
}
