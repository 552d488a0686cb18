import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

@Suite struct GeneSetRNKReaderTests {
  typealias H = GeneSetTestHelpers

  @Test func sortsDescendingWithTiesInFileOrder() throws {
    let r = try RNKReader.read(path: FixturePaths.fixture("genesets/small.rnk"))
    #expect(r.name == "small")
    #expect(r.genes == ["GENE_A", "GENE_C", "GENE_D", "GENE_B"])
    #expect(r.scores == [3.5, 3.5, 0, -1.25])
    #expect(r.rank(of: "GENE_D") == 2)
    #expect(r.score(of: "GENE_B") == -1.25)
    #expect(r.score(of: "nope") == nil)
    #expect(r[1] == RankedList.Entry(gene: "GENE_C", score: 3.5))
    #expect(r.tieCount == 1)
    #expect(r.notes.map(\.kind) == [.headerSkipped("Name\tRank"), .tiedScores(1)])
  }

  @Test func broadHeaderRuleIsCaseInsensitive() throws {
    #expect(try H.rnk("NAME\tscore\nA\t1\n").genes == ["A"])
    #expect(try H.rnk("gene\tRANK\nA\t1\n").genes == ["A"])
  }

  @Test func nonNumericSecondFieldOnFirstLineIsAHeader() throws {
    let r = try H.rnk("ID\tt\n10\t2\n20\t-1\n")
    #expect(r.genes == ["10", "20"])
    #expect(r.notes == [GeneSetReadNote(file: "t.rnk", line: 1, set: "t", kind: .headerSkipped("ID\tt"))])
    #expect(r.notes[0].description == "t.rnk: line 1: set 't': skipped header line 'ID\tt'")
  }

  @Test func numericFirstLineIsData() throws {
    #expect(try H.rnk("A\t1\nB\t2\n").genes == ["B", "A"])
  }

  @Test func commentsBlankLinesCRLFAndBOM() throws {
    var data = Data([0xEF, 0xBB, 0xBF])
    data.append(Data("# comment\r\n\r\nA\t 1.5 \r\n  # another\r\nB\t-2e1\t\r\n".utf8))
    let r = try RNKReader.parse(TextFile(name: "x.rnk.gz", contents: data))
    #expect(r.name == "x")
    #expect(r.genes == ["A", "B"])
    #expect(r.scores == [1.5, -20])
    #expect(r.notes.isEmpty)
  }

  @Test func nonNumericScoreIsAnErrorWithLineNumber() {
    let text = H.errorText { try H.rnk("A\t1\nB\t2\nC\tabc\n", name: "my.rnk") }
    #expect(text == "my.rnk: line 3: score 'abc' of gene 'C' is not a number")
    let comma = H.errorText { try H.rnk("A\t1\nB\t1,5\n") }
    #expect(comma == "t.rnk: line 2: score '1,5' of gene 'B' is not a number")
  }

  @Test func headerIsOnlyRecognisedOnTheFirstDataLine() {
    let text = H.errorText { try H.rnk("A\t1\nName\tRank\n") }
    #expect(text == "t.rnk: line 2: score 'Rank' of gene 'Name' is not a number")
  }

  @Test func wrongFieldCountsAreErrors() {
    #expect(H.errorText { try H.rnk("A\t1\nB 2\n") } == "t.rnk: line 2: expected gene<TAB>score, found one field (separate gene and score with a tab)")
    #expect(H.errorText { try H.rnk("A\t1\tx\n") } == "t.rnk: line 1: expected gene<TAB>score, found 3 fields")
  }

  @Test func emptyGeneIsAnError() {
    #expect(H.errorText { try H.rnk("A\t1\n\t2\n") } == "t.rnk: line 2: empty gene name")
  }

  @Test func nonFiniteScoresAreErrorsByDefault() {
    #expect(H.errorText { try H.rnk("A\t1\nB\tNA\n") } == "t.rnk: line 2: gene 'B' has a missing or non-finite score 'NA'")
    #expect(H.errorText { try H.rnk("A\t1\nB\tinf\n") } == "t.rnk: line 2: gene 'B' has a missing or non-finite score 'inf'")
    #expect(H.errorText { try H.rnk("A\t1\nB\t\n") } == "t.rnk: line 2: gene 'B' has a missing or non-finite score ''")
    #expect(H.errorText { try H.rnk("A\t1\nB\t1e999\n") } == "t.rnk: line 2: gene 'B' has a missing or non-finite score '1e999'")
  }

  @Test func nonFiniteScoresCanBeSkipped() throws {
    let r = try H.rnk("A\t1\nB\tNaN\nC\t-Infinity\nD\t0\n", .init(nonFiniteScores: .skip))
    #expect(r.genes == ["A", "D"])
    #expect(
      r.notes.map(\.kind) == [
        .nonFiniteScoreSkipped(gene: "B", score: "NaN"), .nonFiniteScoreSkipped(gene: "C", score: "-Infinity"),
      ])
  }

  @Test func duplicateGenesAreAnErrorByDefault() {
    let text = H.errorText { try H.rnk("A\t1\nB\t2\nA\t3\n") }
    #expect(text == "t.rnk: line 3: gene 'A' already appeared on line 1")
  }

  @Test func duplicateGenesCanKeepTheFirstRow() throws {
    let r = try H.rnk("A\t1\nB\t2\nA\t3\n", .init(duplicateGenes: .keepFirst))
    #expect(r.genes == ["B", "A"])
    #expect(r.score(of: "A") == 1)
    #expect(r.notes.map(\.description) == ["t.rnk: line 3: set 't': gene 'A' repeats; kept the row on line 1"])
  }

  @Test func duplicateGenesCanKeepTheHighestScore() throws {
    let r = try H.rnk("A\t1\nB\t2\nA\t3\nA\t0\n", .init(duplicateGenes: .keepHighest))
    #expect(r.genes == ["A", "B"])
    #expect(r.score(of: "A") == 3)
    #expect(
      r.notes.map(\.kind) == [
        .duplicateRankedGene(gene: "A", keptLine: 3), .duplicateRankedGene(gene: "A", keptLine: 3),
      ])
    #expect(r.notes.map(\.line) == [1, 4])
  }

  @Test func spreadsheetDateSymbolsAreNotedOnce() throws {
    let r = try H.rnk("1-Mar\t2\nSEPTIN2\t1\n2-SEP\t0\n")
    #expect(r.count == 3)
    #expect(r.notes.map(\.description) == ["t.rnk: set 't': 2 genes look like spreadsheet-converted dates (1-Mar, 2-SEP)"])
  }

  @Test func emptyOrHeaderOnlyFileIsAnError() {
    #expect(H.errorText { try H.rnk("") } == "t.rnk: no ranked genes (expected gene<TAB>score lines)")
    #expect(H.errorText { try H.rnk("# c\nID\tt\n") } == "t.rnk: no ranked genes (expected gene<TAB>score lines)")
  }

  @Test func rankedListInitValidates() throws {
    let r = try RankedList(name: "x", genes: ["a", "b", "c"], scores: [1, 3, 3])
    #expect(r.genes == ["b", "c", "a"])
    #expect(H.errorText { try RankedList(genes: ["a"], scores: []) } == "ranked list '': 1 genes but 0 scores")
    #expect(H.errorText { try RankedList(name: "x", genes: ["a", "a"], scores: [1, 2]) } == "ranked list 'x': gene 'a' occurs more than once")
    #expect(H.errorText { try RankedList(name: "x", genes: ["a"], scores: [.nan]) } == "ranked list 'x': gene 'a' has non-finite score nan")
    #expect(H.errorText { try RankedList(name: "x", genes: [""], scores: [1]) } == "ranked list 'x': empty gene name")
  }
}
