import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

@Suite struct GeneSetWriterTests {
  typealias H = GeneSetTestHelpers

  @Test func writesTabsNewlinesAndNaForMissingDescriptions() throws {
    let sets = [
      GeneSet(name: "S1", description: nil, genes: ["A", "B"]),
      GeneSet(name: "S 2 (x)", description: "  ", genes: []),
      GeneSet(name: "S3", description: "multi\tline\ntext\r", genes: ["C"]),
      GeneSet(name: "W", weightedGenes: [("G1", 1.0), ("G2", 0.25), ("G3", -1e-5)]),
    ]
    let text = try GMTWriter.encode(sets)
    #expect(text == "S1\tna\tA\tB\nS 2 (x)\tna\nS3\tmulti line text\tC\nW\tna\tG1,1.0\tG2,0.25\tG3,-1e-05\n")
    #expect(try GMTWriter.encode(sets, includeWeights: false).hasSuffix("W\tna\tG1\tG2\tG3\n"))
  }

  @Test func roundTripsThroughTheReader() throws {
    let original = try H.gmt("A\tdesc\tx\ty\nB\t\tG1,0.5\tG2,2\nC\tna\nD sp\thttp://u\tq,r\n")
    let dir = FixturePaths.temporaryDirectory()
    let path = dir + "/out.gmt"
    try GMTWriter.write(original, to: path)
    let back = try GMTReader.read(path: path)
    #expect(back.sets == original.sets)
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "A\tdesc\tx\ty\nB\tna\tG1,0.5\tG2,2.0\nC\tna\nD sp\thttp://u\tq,r\n")
    // No temporary file is left behind.
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.gmt"])
  }

  @Test func identifiersThatCannotRoundTripAreErrors() throws {
    func error(_ set: GeneSet) -> String? { H.errorText { try GMTWriter.encode([set]) } }
    #expect(error(GeneSet(name: "", genes: ["A"])) == "set '': empty gene-set name cannot be written to GMT")
    #expect(error(GeneSet(name: "a\tb", genes: [])) == "set 'a\tb': gene-set name 'a\tb' contains a tab or line break")
    #expect(error(GeneSet(name: " a", genes: [])) == "set ' a': gene-set name ' a' has surrounding white space")
    #expect(error(GeneSet(name: "#a", genes: [])) == "set '#a': a gene-set name starting with '#' would be read as a comment")
    #expect(error(GeneSet(name: "S", genes: ["A", "B\nC"])) == "set 'S': gene 'B\nC' contains a tab or line break")
    #expect(error(GeneSet(name: "S", genes: [""])) == "set 'S': empty gene cannot be written to GMT")
    #expect(error(GeneSet(name: "S", genes: ["X,1"])) == "set 'S': gene 'X,1' would be read back as gene,weight")
    #expect(error(GeneSet(name: "S", genes: ["X\u{A0}"])) == "set 'S': gene 'X\u{A0}' has surrounding white space")
    #expect(try GMTWriter.encode([GeneSet(name: "S", genes: ["A,B", "C,1e"])]) == "S\tna\tA,B\tC,1e\n")
  }

  @Test func writeErrorNamesTheFileAndLeavesNothing() throws {
    let dir = FixturePaths.temporaryDirectory()
    let path = dir + "/bad.gmt"
    let text = H.errorText { try GMTWriter.write([GeneSet(name: "", genes: [])], to: path) }
    #expect(text == "\(path): set '': empty gene-set name cannot be written to GMT")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }

  @Test func writingIntoAMissingFolderIsAnError() {
    let text = H.errorText { try GMTWriter.write([GeneSet(name: "A", genes: [])], to: "/nonexistent-dir/x.gmt") }
    #expect(text?.hasPrefix("/nonexistent-dir/x.gmt: cannot write") == true)
  }
}
