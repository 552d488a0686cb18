import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

@Suite struct TSVWriterTests {
  typealias H = GeneSetTestHelpers

  @Test func headerRowsAndNumberFormatting() throws {
    var t = try TSVWriter(header: ["pathway", "ES", "size", "flag", "padj"])
    try t.append(["Cell_Cycle", .double(0.5388), .int(369), .bool(true), .missing])
    try t.append([.string("x"), .double(.nan), .int(-1), false, .double(-.infinity)])
    try t.append(["y", 1e-300, 0, true, .double(100)])
    #expect(t.rowCount == 3)
    #expect(
      try t.encoded()
        == "pathway\tES\tsize\tflag\tpadj\nCell_Cycle\t0.5388\t369\tTrue\tNA\nx\tNA\t-1\tFalse\t-Inf\ny\t1e-300\t0\tTrue\t100.0\n")
  }

  @Test func significantDigitsAndMissingText() throws {
    var t = try TSVWriter(header: ["v"], missingValue: "")
    t.significantDigits = 4
    try t.append([.double(0.578846412)])
    try t.append([.double(123456.7)])
    try t.append([.missing])
    #expect(try t.encoded() == "v\n0.5788\n1.235e+05\n\n")
  }

  @Test func minimalQuotingLikePandas() throws {
    var t = try TSVWriter(header: ["a\tb", "c"])
    try t.append(["say \"hi\"", "line\nbreak"])
    try t.append(["plain, with comma", "cr\r"])
    #expect(try t.encoded() == "\"a\tb\"\tc\n\"say \"\"hi\"\"\"\t\"line\nbreak\"\nplain, with comma\t\"cr\r\"\n")
  }

  @Test func rejectPolicyNamesRowAndColumn() throws {
    var t = try TSVWriter(header: ["name", "desc"], quoting: .reject)
    try t.append(["ok", "fine"])
    try t.append(["ok", "has\ttab"])
    #expect(H.errorText { try t.encoded() } == "row 2, column 'desc': field contains a tab, line break or double quote, which this table does not allow")
    let header = try TSVWriter(header: ["a\""], quoting: .reject)
    #expect(H.errorText { try header.encoded() } == "header, column 'a\"': field contains a tab, line break or double quote, which this table does not allow")
    let dir = FixturePaths.temporaryDirectory()
    #expect(H.errorText { try t.write(to: dir + "/r.tsv") } == "\(dir)/r.tsv: row 2, column 'desc': field contains a tab, line break or double quote, which this table does not allow")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }

  @Test func wrongWidthAndEmptyHeaderAreErrors() throws {
    #expect(H.errorText { try TSVWriter(header: []) } == "a TSV table needs at least one column")
    var t = try TSVWriter(header: ["a", "b"])
    #expect(H.errorText { try t.append(["1"]) } == "row 1: has 1 field, the header has 2")
    #expect(t.rowCount == 0)
    let dir = FixturePaths.temporaryDirectory()
    let text = H.errorText { try TSVWriter.write(header: ["a"], rows: [[1], [1, 2]], to: dir + "/x.tsv") }
    #expect(text == "\(dir)/x.tsv: row 2: has 2 fields, the header has 1")
  }

  @Test func writesAtomically() throws {
    let dir = FixturePaths.temporaryDirectory()
    let path = dir + "/res.tsv"
    try "old".write(toFile: path, atomically: false, encoding: .utf8)
    try TSVWriter.write(header: ["gene", "score"], rows: [["A", 1.5], ["B", -2]], to: path)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "gene\tscore\nA\t1.5\nB\t-2\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["res.tsv"])
  }
}
