import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

@Suite struct GeneSetJSONReaderTests {
  typealias H = GeneSetTestHelpers

  @Test func readsMSigDBExportInFileOrder() throws {
    let path = FixturePaths.fixture("genesets/small.json")
    let c = try MSigDBJSONReader.read(path: path)
    // File order, not alphabetical (JSONSerialization alone would lose it).
    #expect(c.names == ["HALLMARK_ADIPOGENESIS", "BIOCARTA_X"])
    let h = try #require(c[name: "HALLMARK_ADIPOGENESIS"])
    #expect(h.genes == ["ABCA1", "ABCB8", "ACAA2"])
    #expect(h.description == "https://www.gsea-msigdb.org/gsea/msigdb/human/geneset/HALLMARK_ADIPOGENESIS")
    #expect(h.metadata["collection"] == "H")
    #expect(h.metadata["systematicName"] == "M5905")
    #expect(h.metadata["pmid"] == "30595797")
    #expect(h.metadata["exactSource"] == "")
    #expect(h.metadata["filteredBySimilarity"] == nil)
    let b = try #require(c[name: "BIOCARTA_X"])
    #expect(b.genes == ["Z1", "Z2"])
    #expect(b.description == nil)
    #expect(b.metadata["pmid"] == "12345")
    #expect(c.notes == [GeneSetReadNote(file: path, line: 2, set: "BIOCARTA_X", kind: .duplicateGenes(["Z1"]))])
  }

  @Test func repeatedKeysFollowTheDuplicateNamePolicy() throws {
    let text = "{\n\"A\": {\"geneSymbols\": [\"X\"]},\n\"A\": {\"geneSymbols\": [\"Y\"]}\n}"
    let kept = try H.json(text)
    #expect(kept[0].genes == ["X"])
    #expect(kept.notes.map(\.line) == [3])
    let merged = try H.json(text, .init(duplicateSetNames: .merge))
    #expect(merged[0].genes == ["X", "Y"])
  }

  @Test func escapedNamesAndBOM() throws {
    var data = Data([0xEF, 0xBB, 0xBF])
    data.append(Data(#"{"A\u0042\"q": {"geneSymbols": [" g1 ", "", "g2"]}}"#.utf8))
    let c = try MSigDBJSONReader.parse(TextFile(name: "e.json", contents: data))
    #expect(c.names == ["AB\"q"])
    #expect(c[0].genes == ["g1", "g2"])
  }

  @Test func emptyObjectIsAnEmptyCollection() throws {
    #expect(try H.json(" { } \n").isEmpty)
  }

  @Test func badInputsNameFileAndLine() {
    #expect(H.errorText { try H.json("") } == "t.json: line 1: empty file, expected a JSON object")
    #expect(H.errorText { try H.json("[1, 2]") } == "t.json: line 1: expected a JSON object ('{') at the top level")
    #expect(H.errorText { try H.json("{\n\"A\": {\"geneSymbols\": [1]}}") } == "t.json: line 2: set 'A': geneSymbols item 1 is not a string")
    #expect(H.errorText { try H.json("{\n\n\"A\": {\"genes\": []}}") } == "t.json: line 3: set 'A': missing geneSymbols array")
    #expect(H.errorText { try H.json("{\"A\": [\"x\"]}") } == "t.json: line 1: set 'A': expected an object with a geneSymbols array")
    #expect(H.errorText { try H.json("{\"A\": {\"geneSymbols\": [\"x\" \"y\"]}}") } == "t.json: line 1: set 'A': invalid JSON value")
    #expect(H.errorText { try H.json("{\"A\": {\"geneSymbols\": [\"x\"]}") } == "t.json: line 1: expected ',' or '}' after a gene set")
    #expect(H.errorText { try H.json("{\"A\": {\"geneSymbols\": [\"x\"]}} x") } == "t.json: line 1: unexpected text after the top-level JSON object")
    #expect(H.errorText { try H.json("{\"A\" {}}") } == "t.json: line 1: expected ':' after the gene-set name")
    #expect(H.errorText { try H.json("{A: {}}") } == "t.json: line 1: expected a gene-set name in double quotes")
    #expect(H.errorText { try H.json("{\"A\": {\"geneSymbols\": [\"x\"]},}") } == "t.json: line 1: expected a gene-set name in double quotes")
    #expect(H.errorText { try H.json("{\n\"A") } == "t.json: line 2: unterminated string")
    #expect(H.errorText { try H.json("{\n\"A\": {\"geneSymbols\": [") } == "t.json: line 2: unterminated object or array")
    #expect(H.errorText { try H.json("{\"A\":") } == "t.json: line 1: expected a value, found the end of the file")
    #expect(H.errorText { try H.json("{\" \": {\"geneSymbols\": []}}") } == "t.json: line 1: empty gene-set name")
    #expect(H.errorText { try H.json("{\"A\": 5}") } == "t.json: line 1: set 'A': expected an object with a geneSymbols array")
    #expect(H.errorText { try H.json("{\"\\x\": 5}") } == "t.json: line 1: invalid string for a gene-set name")
  }

  @Test func deepNestingDoesNotCrash() {
    let deep = "{\"A\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
    #expect(H.errorText { try H.json(deep) } == "t.json: line 1: value nested deeper than 64 levels")
  }
}
