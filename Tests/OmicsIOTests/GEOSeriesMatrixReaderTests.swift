import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

@Suite struct GEOSeriesMatrixReaderTests {
  func parse(_ text: String) throws -> ExpressionMatrix {
    try GEOSeriesMatrixReader.parse(TextFile(name: "GSE1_series_matrix.txt", text: text))
  }

  func error(_ text: String) -> String? {
    do {
      _ = try parse(text)
      return nil
    } catch { return "\(error)" }
  }

  func strings(_ m: ExpressionMatrix, _ column: String) -> [String]? {
    m.obs.strings(column)?.map { $0 ?? "<nil>" }
  }

  @Test func readsFixtureWholeFile() throws {
    let m = try GEOSeriesMatrixReader.read(FixturePaths.fixture("geo/GSE900001_series_matrix.txt"))
    #expect(m.obs.index == ["GSM900001", "GSM900002", "GSM900003"])
    #expect(m.var.index == ["1007_s_at", "1053_at", "117_at", "121_at", "203696_s_at", "AFFX-BioB-5_at"])
    #expect(m.X?.layoutDescription == "dense float64")
    let x = m.X?.denseDoubles() ?? []
    let expected: [Double] = [
      7.12, 5.01, 3.3, 10, 5.5, -0.5,
      6.98, .nan, .nan, 9.5, 5.25, 0,
      .nan, 4.8, 2.8, 10.25, 5.125, 0.125,
    ]
    #expect(x.count == expected.count)
    for (a, b) in zip(x, expected) { #expect(a == b || (a.isNaN && b.isNaN)) }
    #expect(m.obs.columns.keys.elements == [
      "title", "geo_accession", "tissue", "age", "treatment", "status", "source_name_ch1", "organism_ch1",
      "molecule_ch1", "data_processing", "platform_id", "supplementary_file",
    ])
    #expect(strings(m, "title") == ["liver rep1", "liver rep2", "lung rep1"])
    #expect(strings(m, "tissue") == ["liver", "liver", "lung"])
    // Ragged characteristics are keyed by their prefix, not their row.
    #expect(strings(m, "age") == ["54", "61", ""])
    #expect(strings(m, "treatment") == ["drug A", "none", "none"])
    #expect(strings(m, "data_processing") == Array(repeating: "RMA normalized; log2 scale", count: 3))
    #expect(m.obs.columns["description"] == nil)
    guard case .dict(let series)? = m.uns["series"] else {
      Issue.record("uns[series] should be a dict")
      return
    }
    #expect(series["title"] == .string("Liver and lung expression in a toy model"))
    #expect(series["summary"] == .stringArray(StringArray([
      "First paragraph of the summary.", "Second paragraph, with a \"quoted\" word.",
    ])))
    #expect(series["sample_id"] == .string("GSM900001 GSM900002 GSM900003 "))
    #expect(series["contributor"] == .stringArray(StringArray(["Ada,,Lovelace", "Alan,M,Turing"])))
    #expect(m.validateShapes() == nil)
  }

  @Test func gzipCRLFAndInvalidUTF8() throws {
    let dir = FixturePaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var bytes = Data("!Series_title\t\"caf".utf8)
    bytes.append(contentsOf: [0xE9, 0x22, 0x0D, 0x0A])  // Latin-1 é: invalid UTF-8
    bytes.append(Data("!Sample_title\t\"a\"\r\n!series_matrix_table_begin\r\n\"ID_REF\"\t\"GSM1\"\r\n\"p\"\t1.5\r\n!series_matrix_table_end\r\n".utf8))
    let path = dir + "/GSE1_series_matrix.txt.gz"
    try Gunzip.deflate(bytes).write(to: URL(fileURLWithPath: path))
    let m = try GEOSeriesMatrixReader.read(path)
    #expect(m.obs.index == ["GSM1"])
    #expect(m.X?.denseDoubles() == [1.5])
    guard case .dict(let series)? = m.uns["series"] else {
      Issue.record("no series")
      return
    }
    #expect(series["title"] == .string("caf\u{FFFD}"))
  }

  @Test func headerOnlyTableGivesZeroVars() throws {
    let m = try parse(
      "!Series_title\t\"RNA-seq\"\n!Sample_title\t\"a\"\t\"b\"\n!Sample_geo_accession\t\"GSM1\"\t\"GSM2\"\n!series_matrix_table_begin\n\"ID_REF\"\t\"GSM1\"\t\"GSM2\"\n!series_matrix_table_end\n")
    #expect(m.nObs == 2 && m.nVars == 0)
    #expect(m.X?.rows == 2 && m.X?.cols == 0)
    #expect(m.validateShapes() == nil)
    // No table at all: samples from !Sample_geo_accession.
    let bare = try parse("!Sample_title\t\"a\"\n!Sample_geo_accession\t\"GSM7\"\n")
    #expect(bare.obs.index == ["GSM7"] && bare.nVars == 0)
  }

  @Test func twoChannelCharacteristicsAndDuplicateKeys() throws {
    let m = try parse("""
      !Sample_title\t"s1"\t"s2"
      !Sample_geo_accession\t"GSM1"\t"GSM2"
      !Sample_characteristics_ch1\t"tissue: liver"\t"tissue: lung"
      !Sample_characteristics_ch2\t"tissue: reference"\t"tissue: reference"
      !Sample_characteristics_ch1\t"time: 10:30"\t"batch"
      !Sample_characteristics_ch2\t"dye: Cy5"\t"dye: Cy5"
      !Sample_characteristics_ch1\t"tissue: fat"\t""
      !Sample_characteristics_ch1\t"title: x"\t""
      !Sample_label_ch1\t"Cy3"\t"Cy3"
      !series_matrix_table_begin
      "ID_REF"\t"GSM1"\t"GSM2"
      !series_matrix_table_end

      """)
    #expect(m.obs.columns.keys.elements == [
      "title", "geo_accession", "tissue:ch1", "tissue:ch2", "time", "dye", "title:ch1", "characteristics_ch1", "label_ch1",
    ])
    #expect(strings(m, "tissue:ch1") == ["liver; fat", "lung"])
    #expect(strings(m, "tissue:ch2") == ["reference", "reference"])
    #expect(strings(m, "time") == ["10:30", ""])
    #expect(strings(m, "characteristics_ch1") == ["", "batch"])
    #expect(strings(m, "title:ch1") == ["x", ""])
  }

  @Test func metadataMatchedByAccessionAndBrokenLinesJoined() throws {
    let m = try parse("""
      !Sample_title\t"second"\t"first"
      !Sample_description\t"line one
      continued"\t"plain"
      !Sample_geo_accession\t"GSM2"\t"GSM1"
      !series_matrix_table_begin
      "ID_REF"\t"GSM1"\t"GSM2"
      "p1"\t1\t2
      !series_matrix_table_end

      """)
    #expect(m.obs.index == ["GSM1", "GSM2"])
    #expect(strings(m, "title") == ["first", "second"])
    #expect(strings(m, "description") == ["plain", "line one\ncontinued"])
    #expect(m.X?.denseDoubles() == [1, 2])
  }

  @Test func repeatedTableMarkersAreTolerated() throws {
    let m = try parse("""
      !Sample_geo_accession\t"GSM1"\t"GSM2"
      !series_matrix_table_begin
      "ID_REF"\t"GSM1"\t"GSM2"
      "p1"\t1\t2
      !series_matrix_table_begin
      "ID_REF"\t"GSM1"\t"GSM2"
      "p2"\t3\t4\t
      !series_matrix_table_end
      !SERIES_MATRIX_TABLE_BEGIN
      "ID_REF"\t"GSM1"\t"GSM2"
      "p3"\t5
      !series_matrix_table_end

      """)
    #expect(m.var.index == ["p1", "p2", "p3"])
    let x = m.X?.denseDoubles() ?? []
    #expect(Array(x.prefix(5)) == [1, 3, 5, 2, 4] && x[5].isNaN)
  }

  @Test func errorsNameFileAndLine() {
    let head = "!Sample_geo_accession\t\"GSM1\"\t\"GSM2\"\n!series_matrix_table_begin\n\"ID_REF\"\t\"GSM1\"\t\"GSM2\"\n"
    #expect(error(head + "\"1007_s_at\"\t7.1\tn/a?\n!series_matrix_table_end\n")
      == "GSE1_series_matrix.txt: line 4: value 'n/a?' for GSM2 / 1007_s_at is not a number")
    #expect(error(head + "\"p\"\t1\t2\t3\n!series_matrix_table_end\n")
      == "GSE1_series_matrix.txt: line 4: has 4 fields but the table header (line 3) has 3")
    #expect(error(head + "\"p\"\t1\t2\n")
      == "GSE1_series_matrix.txt: line 4: the table begun at line 2 has no !series_matrix_table_end (truncated file?)")
    #expect(error(head + "!series_matrix_table_end\n!series_matrix_table_begin\n\"ID_REF\"\t\"GSM3\"\n")
      == "GSE1_series_matrix.txt: line 6: a second series matrix table (begun at line 5) has columns different from the first table's (line 3)")
    #expect(error("!Sample_geo_accession\t\"GSM9\"\t\"GSM2\"\n!series_matrix_table_begin\n\"ID_REF\"\t\"GSM1\"\t\"GSM2\"\n!series_matrix_table_end\n")
      == "GSE1_series_matrix.txt: line 1: !Sample_geo_accession (GSM9, GSM2) does not list the samples of the table header (line 3)")
    #expect(error(head + "!series_matrix_table_end\n!Sample_title\t\"a\"\t\"b\"\t\"c\"\n")
      == "GSE1_series_matrix.txt: line 5: !Sample_title has 3 values for 2 samples")
    #expect(error("!Sample_title\t\"a\"\n")
      == "GSE1_series_matrix.txt: has !Sample_ lines but neither a data table nor !Sample_geo_accession to name the samples")
  }

  @Test func badFixtureFromPythonGenerator() throws {
    let path = FixturePaths.fixture("bad/series_matrix_non_numeric.txt.gz")
    guard FileManager.default.fileExists(atPath: path) else { return }  // generated by scripts/make_fixtures.py
    #expect(throws: OmicsError.line(10, file: path, "value 'n/a?' for GSM900002 / 1007_s_at is not a number")) {
      try GEOSeriesMatrixReader.read(path)
    }
  }
}
