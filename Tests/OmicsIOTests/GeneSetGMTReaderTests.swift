import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

/// GMT rules from docs/background/gsea_xgsea_orthologs.md §D, one test per rule.
@Suite struct GeneSetGMTReaderTests {
  typealias H = GeneSetTestHelpers

  @Test func readsNameDescriptionAndGenesInFileOrder() throws {
    let c = try H.gmt("S1\tsome text\tB\tA\tC\nS2\thttp://x/y\tD\n")
    #expect(c.count == 2)
    #expect(c.names == ["S1", "S2"])
    #expect(c[0].genes == ["B", "A", "C"])
    #expect(c[0].description == "some text")
    #expect(c[1].description == "http://x/y")
    #expect(c[0].weights == nil)
    #expect(c.notes.isEmpty)
    #expect(c.source == "t.gmt")
  }

  @Test func blankDescriptionStaysBlankAndKeepsFirstGene() throws {
    // Broad's StringTokenizer would collapse the two tabs and take G4 as the description.
    let c = try H.gmt("name\t\tG4\tG5\n")
    #expect(c[0].description == nil)
    #expect(c[0].genes == ["G4", "G5"])
  }

  @Test func naAndEmptyDescriptionsBecomeNil() throws {
    let c = try H.gmt("A\tna\tg\nB\tNA\tg\nC\tNa\tg\nD\t  \tg\nE\tnan\tg\n")
    #expect(c.map(\.description) == [nil, nil, nil, nil, "nan"])
  }

  @Test func spacesAndParenthesesInNamesAreKeptVerbatim() throws {
    let c = try H.gmt("Set with spaces (GO:0001)\t\tG1\nlower Case\tna\tg\n")
    #expect(c.names == ["Set with spaces (GO:0001)", "lower Case"])
    #expect(c[name: "lower Case"]?.genes == ["g"])
    #expect(c[name: "LOWER CASE"] == nil)
  }

  @Test func crlfLineEndsAndSurroundingSpacesAreStripped() throws {
    let c = try H.gmt("S1\tdesc \t geneA  \tgeneB\r\nS2\tna\tX\r\n")
    #expect(c[0].genes == ["geneA", "geneB"])
    #expect(c[0].description == "desc")
    #expect(c[1].genes == ["X"])
  }

  @Test func unicodeWhiteSpaceIsTrimmedToo() throws {
    // U+00A0 no-break space, U+3000 ideographic space, U+2028 line separator; é and 基 stay.
    let c = try H.gmt("\u{A0}S\u{3000}\tna\t\u{A0}é\u{A0}\t基因\u{2028}\t\u{A0}\u{3000}\n\u{A0}\t\u{3000}\n\u{A0}# comment\n")
    #expect(c.names == ["S"])
    #expect(c[0].genes == ["é", "基因"])
    #expect(GeneSetText.trimmed("\u{A0}a b\u{A0}") == "a b")
    #expect(GeneSetText.trimmed(" \t\r") == "")
    #expect(GeneSetText.hasSurroundingWhitespace("\u{3000}x"))
    #expect(!GeneSetText.hasSurroundingWhitespace("é x 基"))
    #expect(GeneSetText.tabFields("") == [""])
    #expect(GeneSetText.tabFields("a\t\tb\t") == ["a", "", "b", ""])
  }

  @Test func utf8ByteOrderMarkIsSkipped() throws {
    var data = Data([0xEF, 0xBB, 0xBF])
    data.append(Data("S1\tna\tA\n".utf8))
    let c = try GMTReader.parse(TextFile(name: "bom.gmt", contents: data))
    #expect(c.names == ["S1"])
  }

  @Test func commentAndBlankLinesAreSkipped() throws {
    let c = try H.gmt("# header comment\n\n   \n  # indented comment\nS1\tna\tA\n\t\t\n")
    #expect(c.names == ["S1"])
  }

  @Test func emptyGeneFieldsAndTrailingTabsAreDropped() throws {
    let c = try H.gmt("S1\tna\tA\t\tB\t\t\n")
    #expect(c[0].genes == ["A", "B"])
    #expect(c.notes.isEmpty)
  }

  @Test func geneWeightTokensBecomeWeights() throws {
    let c = try H.gmt("S1\t\tG1,1.0\tG2,0.5\t\tG3,-2e-1\t\n")
    #expect(c[0].genes == ["G1", "G2", "G3"])
    #expect(c[0].weights == [1.0, 0.5, -0.2])
    #expect(c[0].weight(of: "G2") == 0.5)
  }

  @Test func weightlessGeneInWeightedSetGetsOne() throws {
    let c = try H.gmt("S1\tna\tG1,3\tG2\n")
    #expect(c[0].weights == [3, 1])
  }

  @Test func commaWithoutNumberStaysPartOfTheGene() throws {
    let c = try H.gmt("S1\tna\tBmal1:Clock,Npas2\tG,nan\tH,inf\tA,B,2.5\n")
    #expect(c[0].genes == ["Bmal1:Clock,Npas2", "G,nan", "H,inf", "A,B"])
    #expect(c[0].weights == [1, 1, 1, 2.5])
  }

  @Test func weightsCanBeKeptVerbatim() throws {
    let c = try H.gmt("S1\tna\tG1,1.0\tG2,0.5\n", .init(parseWeights: false))
    #expect(c[0].genes == ["G1,1.0", "G2,0.5"])
    #expect(c[0].weights == nil)
  }

  @Test func emptyGeneBeforeCommaIsDropped() throws {
    let c = try H.gmt("S1\tna\t,1.0\tA\n")
    #expect(c[0].genes == ["A"])
    #expect(c[0].weights == nil)
  }

  @Test func setIsWeightedOnlyWhenAKeptGeneHasAWeight() throws {
    // Regression (fuzzing): `,1.` alone made an empty set with weights [] that GMT could not round-trip.
    let c = try H.gmt("S1\t1G\t,1.\r\nS2\tna\tA\tA,2\n")
    #expect(c[0].isEmpty && c[0].weights == nil)
    #expect(c[1].genes == ["A"] && c[1].weights == nil)
    let text = try GMTWriter.encode(c)
    #expect(try H.gmt(text).sets == c.sets)
  }

  @Test func duplicateGenesAreRemovedKeepingFirstAndNoted() throws {
    let c = try H.gmt("# c\nS1\tna\tA\tB\tA,2\tC\tB\tA\n")
    #expect(c[0].genes == ["A", "B", "C"])
    #expect(c.notes == [GeneSetReadNote(file: "t.gmt", line: 2, set: "S1", kind: .duplicateGenes(["A", "B", "A"]))])
    #expect(c.notes[0].description == "t.gmt: line 2: set 'S1': removed 3 duplicate genes (A, B, A)")
  }

  @Test func duplicateWeightedGeneKeepsFirstWeight() throws {
    let c = try H.gmt("S1\tna\tA,1\tB,2\tA,3\n")
    #expect(c[0].genes == ["A", "B"])
    #expect(c[0].weights == [1, 2])
  }

  @Test func genesKeepTheirCaseUnlessUppercasingIsAsked() throws {
    let kept = try H.gmt("S1\tna\tgeneA\tGENEA\n")
    #expect(kept[0].genes == ["geneA", "GENEA"])
    let upper = try H.gmt("S1\tna\tgeneA\tGENEA\tb\n", .init(uppercaseGenes: true))
    #expect(upper[0].genes == ["GENEA", "B"])
    #expect(upper.notes.map(\.kind) == [.duplicateGenes(["GENEA"])])
  }

  @Test func spreadsheetDateSymbolsAreKeptAndNoted() throws {
    let c = try H.gmt("S1\tna\t1-MAR\tMARCHF1\t2-Sep\t10-dec\t1-MARCH\t123-MAR\tA-MAR\n")
    #expect(c[0].genes == ["1-MAR", "MARCHF1", "2-Sep", "10-dec", "1-MARCH", "123-MAR", "A-MAR"])
    #expect(c.notes.map(\.kind) == [.spreadsheetDateGenes(["1-MAR", "2-Sep", "10-dec"])])
    #expect(c.notes[0].description == "t.gmt: line 1: set 'S1': 3 genes look like spreadsheet-converted dates (1-MAR, 2-Sep, 10-dec)")
  }

  @Test func nullGeneTokenIsKeptInGMT() throws {
    // Broad drops "NULL" tokens; GSEApy, fgsea and blitzGSEA keep them. We keep them.
    let c = try H.gmt("S1\tna\tNULL\tA\n")
    #expect(c[0].genes == ["NULL", "A"])
  }

  @Test func setWithoutGenesIsKeptAndNoted() throws {
    let c = try H.gmt("EMPTY\tna\nTAB_ONLY\tdesc\t\t\n")
    #expect(c.map(\.count) == [0, 0])
    #expect(c.notes.map(\.kind) == [.emptySet, .emptySet])
    #expect(c.notes[1].description == "t.gmt: line 2: set 'TAB_ONLY': the set has no genes (kept)")
  }

  @Test func duplicateSetNamesKeepFirstByDefault() throws {
    let c = try H.gmt("A\tfirst\tX\nB\tna\tY\nA\tsecond\tZ\n")
    #expect(c.names == ["A", "B"])
    #expect(c[name: "A"]?.genes == ["X"])
    #expect(c[name: "A"]?.description == "first")
    #expect(
      c.notes == [
        GeneSetReadNote(
          file: "t.gmt", line: 3, set: "A",
          kind: .duplicateSetName(firstLine: 1, firstColumn: nil, policy: .keepFirst, renamedTo: nil))
      ])
    #expect(c.notes[0].description == "t.gmt: line 3: set 'A': name already used at line 1; this set was dropped")
  }

  @Test func duplicateSetNamesCanBeRenamed() throws {
    let c = try H.gmt("A\tna\tX\nA_2\tna\tQ\nA\tna\tY\nA\tna\tZ\n", .init(duplicateSetNames: .rename))
    #expect(c.names == ["A", "A_2", "A_3", "A_4"])
    #expect(c[name: "A_3"]?.genes == ["Y"])
    #expect(c.notes.count == 2)
    #expect(c.notes[0].description == "t.gmt: line 3: set 'A': name already used at line 1; renamed to 'A_3'")
  }

  @Test func duplicateSetNamesCanBeMerged() throws {
    let c = try H.gmt("A\tfirst\tX\tY\nA\tsecond\tY\tZ\n", .init(duplicateSetNames: .merge))
    #expect(c.count == 1)
    #expect(c[0].genes == ["X", "Y", "Z"])
    #expect(c[0].description == "first")
    #expect(c.notes.first?.kind == .duplicateSetName(firstLine: 1, firstColumn: nil, policy: .merge, renamedTo: nil))
  }

  @Test func mergingWeightedIntoUnweightedFillsOnes() throws {
    let c = try H.gmt("A\tna\tX\nA\tna\tY,0.5\n", .init(duplicateSetNames: .merge))
    #expect(c[0].genes == ["X", "Y"])
    #expect(c[0].weights == [1, 0.5])
  }

  @Test func duplicateSetNamesCanBeAnError() {
    let text = H.errorText { try H.gmt("A\tna\tX\nB\tna\tY\nA\tna\tZ\n", .init(duplicateSetNames: .error)) }
    #expect(
      text
        == "t.gmt: line 3: gene-set name 'A' is already used at line 1 "
        + "(choose another duplicate-name policy to keep the first, rename or merge)")
  }

  @Test func lineWithoutTabIsAnErrorNamingTheLine() {
    let text = H.errorText { try H.gmt("S1\tna\tA\nS2 na A B\n", name: "lib.gmt") }
    #expect(text == "lib.gmt: line 2: expected name<TAB>description<TAB>genes…, found one field without a tab")
  }

  @Test func emptyNameIsAnErrorNamingTheLine() {
    let text = H.errorText { try H.gmt("# c\n\tdesc\tA\n") }
    #expect(text == "t.gmt: line 2: empty gene-set name in field 1")
    #expect(H.errorText { try H.gmt("  \t\tA\n") } == "t.gmt: line 1: empty gene-set name in field 1")
  }

  @Test func emptyFileGivesEmptyCollection() throws {
    #expect(try H.gmt("").isEmpty)
    #expect(try H.gmt("# only a comment\n\n").isEmpty)
  }

  @Test func lastLineWithoutNewlineIsRead() throws {
    let c = try H.gmt("S1\tna\tA\nS2\tna\tB")
    #expect(c.names == ["S1", "S2"])
  }

  @Test func invalidUTF8IsReplacedNotFatal() throws {
    var data = Data("S1\tna\tA".utf8)
    data.append(0xFF)
    data.append(Data("\n".utf8))
    let c = try GMTReader.parse(TextFile(name: "bad.gmt", contents: data))
    #expect(c[0].genes == ["A\u{FFFD}"])
  }

  @Test func tabFollowedByCombiningMarkStillSplits() throws {
    let c = try H.gmt("S1\tna\t\u{301}A\tB\n")
    #expect(c[0].genes == ["\u{301}A", "B"])
  }

  @Test func edgeCaseFixtureFromTheBackgroundTable() throws {
    let c = try GMTReader.read(path: FixturePaths.fixture("genesets/edge_cases.gmt"))
    #expect(c.names == ["HALLMARK_A", "Set with spaces (GO:0001)", "lowercase_set", "EMPTY_SET"])
    #expect(c[0].genes == ["TP53", "MDM2", "CDKN1A"])
    #expect(c[0].description == nil)
    #expect(c[1].genes == ["G1", "G2", "G3"])
    #expect(c[1].weights == [1, 0.5, 2])
    #expect(c[1].description == nil)
    #expect(c[2].genes == ["geneA", "geneB"])
    #expect(c[2].description == "http://example.org/x")
    #expect(c[3].isEmpty)
    let path = FixturePaths.fixture("genesets/edge_cases.gmt")
    #expect(
      c.notes.map(\.description) == [
        "\(path): line 5: set 'lowercase_set': removed 1 duplicate gene (geneA)",
        "\(path): line 6: set 'HALLMARK_A': name already used at line 2; this set was dropped",
        "\(path): line 7: set 'EMPTY_SET': the set has no genes (kept)",
      ])
  }

  @Test func gzipFileIsInflated() throws {
    let c = try GMTReader.read(path: FixturePaths.fixture("genesets/small.gmt.gz"))
    #expect(c.names == ["SET_1", "SET_2"])
    #expect(c[name: "SET_2"]?.genes == ["C", "D"])
    #expect(c[name: "SET_2"]?.description == "desc two")
  }

  @Test func missingFileIsAnError() {
    let text = H.errorText { try GMTReader.read(path: "/nonexistent/x.gmt") }
    #expect(text == "/nonexistent/x.gmt: no such file")
  }
}
