import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

@Suite struct GeneSetCollectionTests {
  typealias H = GeneSetTestHelpers

  @Test func lookupByNameAndPosition() throws {
    let c = try GeneSetCollection([GeneSet(name: "A", genes: ["x", "y"]), GeneSet(name: "B", genes: ["y", "z"])])
    #expect(c[name: "B"]?.genes == ["y", "z"])
    #expect(c.index(ofSetNamed: "B") == 1)
    #expect(c.index(ofSetNamed: "C") == nil)
    #expect(c.allGenes == ["x", "y", "z"])
    #expect(c.notes.isEmpty)
    #expect(GeneSetCollection().isEmpty)
  }

  @Test func builtInCodeUsesPositionsInNotes() throws {
    let sets = [GeneSet(name: "A", genes: ["x"]), GeneSet(name: "A", genes: ["y"])]
    let renamed = try GeneSetCollection(sets, duplicateSetNames: .rename)
    #expect(renamed.names == ["A", "A_2"])
    #expect(renamed.notes.map(\.description) == ["line 2: set 'A': name already used at line 1; renamed to 'A_2'"])
    #expect(H.errorText { try GeneSetCollection(sets, source: "mem", duplicateSetNames: .error) }?.hasPrefix("mem: line 2: gene-set name 'A'") == true)
  }

  @Test func geneSetModel() {
    let s = GeneSet(name: "W", description: "d", weightedGenes: [("a", 2), ("b", 3)], metadata: ["k": "v"])
    #expect(s.count == 2)
    #expect(s.weight(of: "b") == 3)
    #expect(s.weight(of: "c") == nil)
    #expect(GeneSet(name: "U", genes: ["a"]).weight(of: "a") == nil)
    #expect(!s.isEmpty)
  }

  @Test func formatDetectionByExtension() throws {
    #expect(try GeneSetFileFormat.detect(path: "/x/h.all.v2024.1.Hs.symbols.gmt") == .gmt)
    #expect(try GeneSetFileFormat.detect(path: "a.GMX") == .gmx)
    #expect(try GeneSetFileFormat.detect(path: "a.grp.gz") == .grp)
    #expect(try GeneSetFileFormat.detect(path: "a.rnk") == .rnk)
    #expect(try GeneSetFileFormat.detect(path: "h.all.json.gz") == .json)
    #expect(
      H.errorText { try GeneSetFileFormat.detect(path: "x.txt") }
        == "x.txt: cannot tell the gene-set format from the file name; expected .gmt, .gmx, .grp, .rnk or .json (optionally .gz)")
    #expect(H.errorText { try GeneSetFileFormat.detect(path: "gmt") } != nil)
  }

  @Test func readerDispatchesOnExtension() throws {
    #expect(try GeneSetReader.read(path: FixturePaths.fixture("genesets/small.gmt.gz")).count == 2)
    #expect(try GeneSetReader.read(path: FixturePaths.fixture("genesets/small.gmx")).count == 3)
    #expect(try GeneSetReader.read(path: FixturePaths.fixture("genesets/MY_SIGNATURE.grp")).names == ["MY_SIGNATURE"])
    #expect(try GeneSetReader.read(path: FixturePaths.fixture("genesets/small.json")).count == 2)
    #expect(try GeneSetReader.read(path: FixturePaths.fixture("genesets/small.gmx"), format: .gmx).count == 3)
    let rnk = FixturePaths.fixture("genesets/small.rnk")
    #expect(H.errorText { try GeneSetReader.read(path: rnk) } == "\(rnk): is a ranked list (.rnk), not a gene-set file; read it with RNKReader")
  }

  @Test func notesDescribeThemselves() {
    let note = GeneSetReadNote(file: "f", line: 0, set: nil, kind: .tiedScores(2))
    #expect(note.description == "f: 2 genes share their score with the gene above; ties keep file order")
    let many = GeneSetReadNote(file: "", line: 4, set: "S", kind: .duplicateGenes(["a", "b", "c", "d", "e", "f"]))
    #expect(many.description == "line 4: set 'S': removed 6 duplicate genes (a, b, c, d, e, …)")
    let long = GeneSetReadNote(file: "", line: 1, set: String(repeating: "x", count: 70), kind: .emptySet)
    #expect(long.description == "line 1: set '\(String(repeating: "x", count: 60))…': the set has no genes (kept)")
  }
}
