import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

@Suite struct GeneSetGMXReaderTests {
  typealias H = GeneSetTestHelpers

  @Test func transposesRaggedColumnsAndSkipsNullPadding() throws {
    let c = try GMXReader.read(path: FixturePaths.fixture("genesets/small.gmx"))
    #expect(c.names == ["ALPHA", "BETA", "GAMMA"])
    #expect(c[0].genes == ["A1", "A2", "A3"])
    #expect(c[1].genes == ["B1", "B2"])
    #expect(c[2].genes == ["C1", "C2"])
    #expect(c.map(\.description) == ["first set", nil, nil])
    #expect(c.notes.count == 1)
    #expect(
      c.notes[0]
        == GeneSetReadNote(
          file: FixturePaths.fixture("genesets/small.gmx"), line: 1, column: 3, set: "GAMMA",
          kind: .duplicateGenes(["C1"])))
    #expect(c.notes[0].description.hasSuffix("small.gmx: line 1: column 3: set 'GAMMA': removed 1 duplicate gene (C1)"))
  }

  @Test func crlfCommentsAndTrailingTabs() throws {
    let c = try H.gmx("# comment\r\nS1\tS2\t\r\nna\tdesc\t\r\nA\tB\t\r\n\r\n# mid comment\r\n\tC\t\r\n")
    #expect(c.names == ["S1", "S2"])
    #expect(c[0].genes == ["A"])
    #expect(c[1].genes == ["B", "C"])
    #expect(c[1].description == "desc")
  }

  @Test func blankDescriptionRowMeansNoDescriptions() throws {
    let c = try H.gmx("ONLY\n\nG1\nG2\n")
    #expect(c[0].description == nil)
    #expect(c[0].genes == ["G1", "G2"])
  }

  @Test func nullIsPaddingInAnyCase() throws {
    let c = try H.gmx("S1\tS2\nna\tna\nNULL\tnull\nA\tNull\n")
    #expect(c[0].genes == ["A"])
    #expect(c[1].isEmpty)
    #expect(c.notes.map(\.kind) == [.emptySet])
  }

  @Test func namesOnlyGivesEmptySets() throws {
    let c = try H.gmx("S1\tS2\n")
    #expect(c.names == ["S1", "S2"])
    #expect(c.notes.count == 2)
  }

  @Test func weightsAndUppercasing() throws {
    let c = try H.gmx("S1\nna\ng1,0.5\nG1,2\n", .init(uppercaseGenes: true))
    #expect(c[0].genes == ["G1"])
    #expect(c[0].weights == [0.5])
  }

  @Test func duplicateColumnNamesFollowThePolicy() throws {
    let kept = try H.gmx("S\tS\nna\tna\nA\tB\n")
    #expect(kept.names == ["S"])
    #expect(kept[0].genes == ["A"])
    #expect(kept.notes[0].description == "t.gmx: line 1: column 2: set 'S': name already used at line 1, column 1; this set was dropped")
    let renamed = try H.gmx("S\tS\nna\tna\nA\tB\n", .init(duplicateSetNames: .rename))
    #expect(renamed.names == ["S", "S_2"])
    let error = H.errorText { try H.gmx("S\tS\nna\tna\nA\tB\n", .init(duplicateSetNames: .error)) }
    #expect(
      error
        == "t.gmx: line 1, column 2: gene-set name 'S' is already used at line 1, column 1 "
        + "(choose another duplicate-name policy to keep the first, rename or merge)")
  }

  @Test func unnamedColumnWithGenesIsAnError() {
    let text = H.errorText { try H.gmx("S1\t\tS3\nna\tna\tna\nA\tB\tC\n") }
    #expect(text == "t.gmx: line 1, column 2: column 2 has genes but no gene-set name")
  }

  @Test func cellBeyondTheNamedColumnsIsAnError() {
    let text = H.errorText { try H.gmx("S1\tS2\nna\tna\nA\tB\n\t\tEXTRA\n") }
    #expect(text == "t.gmx: line 4, column 3: cell 'EXTRA' lies beyond the 2 set names on line 1")
    let inDescriptions = H.errorText { try H.gmx("S1\nd1\td2\n") }
    #expect(inDescriptions == "t.gmx: line 2, column 2: cell 'd2' lies beyond the 1 set name on line 1")
  }

  @Test func emptyFileGivesEmptyCollection() throws {
    #expect(try H.gmx("").isEmpty)
    #expect(try H.gmx("\n# c\n").isEmpty)
  }
}
