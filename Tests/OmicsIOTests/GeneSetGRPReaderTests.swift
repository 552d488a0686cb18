import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

@Suite struct GeneSetGRPReaderTests {
  typealias H = GeneSetTestHelpers

  @Test func namedAfterTheFileLikeGSEA() throws {
    let c = try GRPReader.read(path: FixturePaths.fixture("genesets/MY_SIGNATURE.grp"))
    #expect(c.count == 1)
    #expect(c[0].name == "MY_SIGNATURE")
    #expect(c[0].description == nil)
    #expect(c[0].genes == ["GENE1", "GENE2", "GENE3"])
    #expect(c.notes.map(\.kind) == [.duplicateGenes(["GENE1"])])
  }

  @Test func headerCommentCanNameTheSet() throws {
    let file = TextFile(name: "dir/whatever.grp", text: "#  HALLMARK_X \n# > Genes up in X.\nA\nB\n")
    let c = try GRPReader.parse(file, naming: .headerComment)
    #expect(c[0].name == "HALLMARK_X")
    #expect(c[0].description == "Genes up in X.")
    let byFile = try GRPReader.parse(file)
    #expect(byFile[0].name == "whatever")
    #expect(byFile[0].description == nil)
  }

  @Test func headerCommentFallsBackToFileName() throws {
    let c = try GRPReader.parse(TextFile(name: "/x/SIG.GRP.gz", text: "A\n"), naming: .headerComment)
    #expect(c[0].name == "SIG")
  }

  @Test func fileNameRules() {
    #expect(GRPReader.fileSetName("/a/b/HALLMARK_APOPTOSIS.grp.gz") == "HALLMARK_APOPTOSIS")
    #expect(GRPReader.fileSetName("set.v1.grp") == "set.v1")
    #expect(GRPReader.fileSetName("noext") == "noext")
    #expect(GRPReader.fileSetName(".grp") == ".grp")
  }

  @Test func crlfBomBlankLinesWeightsAndCase() throws {
    var data = Data([0xEF, 0xBB, 0xBF])
    data.append(Data("g1,0.5\r\n\r\n  G2  \r\n".utf8))
    let c = try GRPReader.parse(TextFile(name: "w.grp", contents: data), options: .init(uppercaseGenes: true))
    #expect(c[0].genes == ["G1", "G2"])
    #expect(c[0].weights == [0.5, 1])
  }

  @Test func emptyGRPIsAnEmptySet() throws {
    let c = try GRPReader.parse(TextFile(name: "E.grp", text: "# nothing\n"))
    #expect(c[0].isEmpty)
    #expect(c.notes.map(\.description) == ["E.grp: set 'E': the set has no genes (kept)"])
  }

  @Test func tabInALineIsAnError() {
    let text = H.errorText { try GRPReader.parse(TextFile(name: "t.grp", text: "A\nB\tC\n")) }
    #expect(text == "t.grp: line 2: expected one gene per line, found a tab")
  }

  @Test func namelessInputIsAnError() {
    let text = H.errorText { try GRPReader.parse(TextFile(name: "", text: "A\n")) }
    #expect(text == "cannot name the gene set: the file has no name")
  }
}
