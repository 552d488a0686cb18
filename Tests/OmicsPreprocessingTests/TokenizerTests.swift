import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
@testable import OmicsPreprocessing
import Testing

/// Parity with Geneformer's own tokenizer output (`../shared/data/geneformer/fixtures`, written by
/// upstream tokenizer.py @7ec90d65), value by value and type by type, reading our folder back.
@Suite struct TokenizerParityTests {
  static let shared = FixturePaths.shared("geneformer/fixtures/geneformer_fixture.h5ad")

  static func expected(_ version: String) throws -> (features: [String: String], rows: [[String: Any]]) {
    let path = try #require(FixturePaths.shared("geneformer/fixtures/expected_\(version).json"))
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    let features = try #require(json["features"] as? [String: String])
    let rows = try #require(json["rows"] as? [[String: Any]])
    return (features, rows)
  }

  func check(_ version: GeneformerVersion, tokens: String, medians: String, mapping: String?) throws {
    let input = try #require(Self.shared)
    let dir = FixturePaths.temporaryDirectory()
    let out = dir + "/out.dataset"
    let options = TokenizerOptions(
      version: version, tokenDictionary: tokens, geneMedians: medians, geneMapping: mapping,
      attributes: [("cell_type", "cell_type")], threads: 2)
    let summary = try TranscriptomeTokenizer(options: options).run(inputs: [input], output: out)
    let (features, rows) = try Self.expected(version.rawValue)
    let table = try TokenizerTestSupport.readDataset(out)
    // types, in order
    let intType: ArrowType = version == .v1 ? .int16 : .int32
    #expect(table.schema.fields.map(\.name) == ["input_ids", "cell_type", "length"])
    #expect(table.schema.fields.map(\.type) == [.list(intType), .utf8, .int64])
    #expect(features["input_ids"] == "List(Value('\(intType.datasetsDType)'))")
    #expect(features["cell_type"] == "Value('string')" && features["length"] == "Value('int64')")
    // values
    #expect(table.rowCount == rows.count)
    #expect(summary.cellsKept == rows.count && summary.cellsFilteredOut == 1)
    let ids = TokenizerTestSupport.inputIDs(table)
    guard case .utf8(let cellTypes) = table.columns[1], case .int64(let lengths) = table.columns[2] else {
      Issue.record("unexpected column types")
      return
    }
    if version == .v1 { #expect({ if case .list(_, .int16) = table.columns[0] { return true } else { return false } }()) }
    for (i, row) in rows.enumerated() where i < ids.count {
      let expectedIDs = try #require(row["input_ids"] as? [Int]).map(Int64.init)
      #expect(ids[i] == expectedIDs, "row \(i)")
      #expect(lengths[i] == Int64(try #require(row["length"] as? Int)), "row \(i)")
      #expect(cellTypes[i] == row["cell_type"] as? String, "row \(i)")
    }
  }

  @Test(.enabled(if: shared != nil, "needs ../shared/data/geneformer (skipped: shared data absent)"), arguments: GeneformerVersion.allCases)
  func picklesMatchUpstream(_ version: GeneformerVersion) throws {
    let folder = try #require(FixturePaths.shared("geneformer"))
    let d = try TokenizerOptions.dictionaries(in: folder, version: version)
    try check(version, tokens: d.tokens, medians: d.medians, mapping: d.mapping)
  }

  @Test(.enabled(if: shared != nil, "needs ../shared/data/geneformer (skipped: shared data absent)"), arguments: GeneformerVersion.allCases)
  func tsvDictionariesMatchUpstream(_ version: GeneformerVersion) throws {
    let suffix = version == .v1 ? "gc30M" : "gc104M"
    let tsv = try #require(FixturePaths.shared("geneformer/derived_tsv"))
    try check(
      version, tokens: "\(tsv)/token_dictionary_\(suffix).tsv", medians: "\(tsv)/gene_median_dictionary_\(suffix).tsv",
      mapping: "\(tsv)/ensembl_mapping_dict_\(suffix).tsv")
  }
}

/// Each upstream quirk, as decided (README "Tokenize"): ties, explicit zeros, duplicates, empty cells,
/// versioned ids, truncation, filter_pass, aliases, several inputs and shards, attribute types.
@Suite struct TokenizerQuirkTests {
  static let genes = (0..<6).map { String(format: "ENSG%011d", $0) }

  func run(
    _ rows: [[Float]], ids: [String] = genes, version: GeneformerVersion = .v2, medians: [String: Double] = [:],
    mapping: [(String, String)]? = nil, stripVersion: Bool = false, inputSize: Int? = nil, filterPass: [Int64]? = nil,
    keepZeros: Bool = false, nonCounts: NonCountPolicy = .refuse, nCounts: [Double]? = nil
  ) throws -> (ids: [[Int64]], summary: TokenizeSummary) {
    let dir = FixturePaths.temporaryDirectory()
    let (t, m) = try TokenizerTestSupport.dictionaries(dir, genes: Self.genes, medians: medians)
    let map = try mapping.map { try TokenizerTestSupport.tsv(dir, "map.tsv", header: "id\tensembl_id", $0) }
    let input = try TokenizerTestSupport.h5ad(
      dir, ids: ids, rows: rows, nCounts: nCounts, filterPass: filterPass, keepZeros: keepZeros)
    let options = TokenizerOptions(
      version: version, tokenDictionary: t, geneMedians: m, geneMapping: map, stripVersion: stripVersion,
      nonCounts: nonCounts, threads: 2, inputSize: inputSize)
    let summary = try TranscriptomeTokenizer(options: options).run(inputs: [input], output: dir + "/out.dataset")
    return (TokenizerTestSupport.inputIDs(try TokenizerTestSupport.readDataset(dir + "/out.dataset")), summary)
  }

  @Test func tiesKeepInputColumnOrder() throws {
    // G1 first (5), then the tied G0, G2, G3 (2 each) in column order; G5 (1) last.
    let r = try run([[2, 5, 2, 2, 0, 1]])
    #expect(r.ids == [[2, 5, 4, 6, 7, 9, 3]])
    // ties created by medians: 4/2 == 2/1
    let r2 = try run([[0, 4, 2, 0, 0, 0]], medians: [Self.genes[1]: 2])
    #expect(r2.ids == [[2, 5, 6, 3]])
  }

  @Test func explicitZerosAreNotExpressed() throws {
    let r = try run([[1, 0, 3, 0, 0, 0]], keepZeros: true)
    #expect(r.ids == [[2, 6, 4, 3]])
  }

  @Test func exactDuplicateIDsAreSummedWithAWarning() throws {
    let ids = [Self.genes[0], Self.genes[1], Self.genes[2], Self.genes[0]]
    let r = try run([[1, 2, 3, 4]], ids: ids)
    #expect(r.ids == [[2, 4, 6, 5, 3]])  // G0 = 1 + 4 = 5 first
    #expect(r.summary.duplicateIDs == 1 && r.summary.genesCollapsed == 1)
    #expect(r.summary.warnings.count == 1 && r.summary.warnings[0].contains("1 duplicate gene id(s)"))
  }

  @Test func aliasesAreMappedAndSummed() throws {
    let ids = [Self.genes[0], "MYALIAS", Self.genes[2], "ensg00000000001"]
    let mapping = Self.genes.map { ($0, $0) } + [("MYALIAS", Self.genes[2])]
    let r = try run([[1, 2, 2, 7]], ids: ids, mapping: mapping)
    // G2 = 2 + 2 = 4 from two columns, lower-case id maps to G1 (7)
    #expect(r.ids == [[2, 5, 6, 4, 3]])
    #expect(r.summary.genesCollapsed == 1 && r.summary.duplicateIDs == 0 && r.summary.genesMapped == 4)
  }

  @Test func cellsWithoutTokenizableGenesAreDroppedAndCounted() throws {
    let ids = [Self.genes[0], "UNKNOWN1", Self.genes[1]]
    let r = try run([[0, 5, 0], [1, 0, 2], [0, 0, 0]], ids: ids, nCounts: [5, 3, 1])
    #expect(r.ids == [[2, 5, 4, 3]])
    #expect(r.summary.cellsEmpty == 2 && r.summary.cellsKept == 1 && r.summary.genesUnmapped == 1)
  }

  @Test func versionedIDsAreDroppedUnlessStripped() throws {
    let ids = [Self.genes[0] + ".17", Self.genes[1]]
    #expect(try run([[5, 1]], ids: ids).ids == [[2, 5, 3]])
    let stripped = try run([[5, 1]], ids: ids, stripVersion: true)
    #expect(stripped.ids == [[2, 4, 5, 3]])
    #expect(stripped.summary.versionsStripped == 1)
  }

  @Test func truncationAndSpecialTokens() throws {
    let row: [Float] = [6, 5, 4, 3, 2, 1]
    #expect(try run([row], inputSize: 4).ids == [[2, 4, 5, 3]])
    #expect(try run([row], version: .v1, inputSize: 3).ids == [[4, 5, 6]])
  }

  @Test func filterPassSelectsCells() throws {
    let r = try run([[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0]], filterPass: [1, 0, 1])
    #expect(r.ids == [[2, 4, 3], [2, 6, 3]])
    #expect(r.summary.cellsFilteredOut == 1 && r.summary.cellsRead == 3)
  }

  @Test func manyCellsSeveralFilesAndShardsKeepOrder() throws {
    let dir = FixturePaths.temporaryDirectory()
    let (t, m) = try TokenizerTestSupport.dictionaries(dir, genes: Self.genes)
    var rowsA: [[Float]] = []
    var rowsB: [[Float]] = []
    for i in 0..<500 {
      rowsA.append((0..<6).map { Float(($0 * 7 + i) % 5) })
      rowsB.append((0..<6).map { Float(($0 * 3 + i) % 4) })
    }
    let a = try TokenizerTestSupport.h5ad(dir, name: "a.h5ad", ids: Self.genes, rows: rowsA)
    let b = try TokenizerTestSupport.h5ad(dir, name: "b.h5ad", ids: Self.genes, rows: rowsB)
    let options = TokenizerOptions(
      version: .v2, tokenDictionary: t, geneMedians: m, threads: 2, cellsPerBatch: 64, maxShardBytes: 20_000)
    let summary = try TranscriptomeTokenizer(options: options).run(inputs: [a, b], output: dir + "/out.dataset")
    let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/out.dataset").sorted()
    let arrow = files.filter { $0.hasSuffix(".arrow") }
    #expect(arrow.count > 1 && arrow.count == summary.arrowFiles)
    #expect(arrow.first == String(format: "data-00000-of-%05d.arrow", arrow.count))
    // one file at a time, one thread, one batch gives the same rows
    let single = TokenizerOptions(version: .v2, tokenDictionary: t, geneMedians: m, threads: 1, cellsPerBatch: 10_000)
    try TranscriptomeTokenizer(options: single).run(inputs: [a, b], output: dir + "/one.dataset")
    let many = TokenizerTestSupport.inputIDs(try TokenizerTestSupport.readDataset(dir + "/out.dataset"))
    let one = TokenizerTestSupport.inputIDs(try TokenizerTestSupport.readDataset(dir + "/one.dataset"))
    #expect(many == one && many.count == summary.cellsKept && summary.cellsRead == 1000)
  }

  @Test func attributesKeepTheirTypes() throws {
    let dir = FixturePaths.temporaryDirectory()
    let (t, m) = try TokenizerTestSupport.dictionaries(dir, genes: Self.genes)
    let extra: [(String, Element)] = [
      ("cell_type", .categorical(Categorical(values: ["a", "b", nil]))),
      ("donor", .stringArray(StringArray(["d1", "d2", "d3"]))),
      ("age", .array(DenseArray(shape: [3], values: .int64([30, 40, 50])))),
      ("score", .array(DenseArray(shape: [3], values: .float32([0.5, 1.5, 2.5])))),
      ("ok", .array(DenseArray(shape: [3], values: .bool([true, false, true])))),
    ]
    let input = try TokenizerTestSupport.h5ad(
      dir, ids: Self.genes, rows: [[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0]], extraObs: extra)
    let options = TokenizerOptions(
      version: .v2, tokenDictionary: t, geneMedians: m,
      attributes: [("cell_type", "label"), ("donor", "donor"), ("age", "age"), ("score", "score"), ("ok", "ok")])
    try TranscriptomeTokenizer(options: options).run(inputs: [input], output: dir + "/out.dataset")
    let table = try TokenizerTestSupport.readDataset(dir + "/out.dataset")
    #expect(table.schema.fields.map(\.name) == ["input_ids", "label", "donor", "age", "score", "ok", "length"])
    #expect(table.schema.fields.map(\.type) == [.list(.int32), .utf8, .utf8, .int64, .float32, .bool, .int64])
    #expect(table.columns[1] == .utf8(["a", "b", nil]))
    #expect(table.columns[2] == .utf8(["d1", "d2", "d3"]))
    #expect(table.columns[3] == .int64([30, 40, 50]))
    #expect(table.columns[4] == .float32([0.5, 1.5, 2.5]))
    #expect(table.columns[5] == .bool([true, false, true]))
    #expect(table.columns[6] == .int64([3, 3, 3]))
  }

  @Test func nonCountValuesWarnWhenAsked() throws {
    let r = try run([[1.5, 2, 0, 0, 0, 0]], nonCounts: .warn)
    #expect(r.ids == [[2, 5, 4, 3]])
    #expect(r.summary.nonCountValues == 1)
  }
}

/// Bad input: one error naming the file and element, and no output folder left behind.
@Suite struct TokenizerBadInputTests {
  static let genes = TokenizerQuirkTests.genes

  func expectFailure(
    _ message: (String) -> String, rows: [[Float]] = [[1, 2, 0, 0, 0, 0]], ids: [String] = genes,
    nCounts: [Double]? = nil, idColumn: String = "ensembl_id", tokens: ((String) throws -> String)? = nil,
    medians: ((String) throws -> String)? = nil, dropNCounts: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let dir = FixturePaths.temporaryDirectory()
    var (t, m) = try TokenizerTestSupport.dictionaries(dir, genes: Self.genes)
    if let tokens { t = try tokens(dir) }
    if let medians { m = try medians(dir) }
    var input = try TokenizerTestSupport.h5ad(dir, ids: ids, rows: rows, nCounts: nCounts, idColumn: idColumn)
    if dropNCounts {
      var matrix = try H5ADReader.read(input, showProgress: false)
      matrix.obs.columns.removeValue(forKey: "n_counts")
      input = dir + "/no_n_counts.h5ad"
      try H5ADWriter.write(matrix, to: input)
    }
    let before = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
    let options = TokenizerOptions(version: .v2, tokenDictionary: t, geneMedians: m)
    do {
      try TranscriptomeTokenizer(options: options).run(inputs: [input], output: dir + "/out.dataset")
      Issue.record("expected an error", sourceLocation: sourceLocation)
    } catch let error as OmicsError {
      #expect(error.description == message(input), sourceLocation: sourceLocation)
      #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
    }
    #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir)) == before, "no output left", sourceLocation: sourceLocation)
  }

  @Test func missingEnsemblID() throws {
    try expectFailure({ "\($0): /var/ensembl_id: missing: the gene ids must be in var['ensembl_id'] (or use --gene-id-column / --use-var-index)" }, idColumn: "gene_symbol")
  }

  @Test func missingNCounts() throws {
    try expectFailure({ "\($0): /obs/n_counts: missing: Geneformer needs each cell's total count in obs['n_counts']" }, dropNCounts: true)
  }

  @Test func zeroNCounts() throws {
    try expectFailure(
      { "\($0): /obs/n_counts: cell 'c1' (row 2) has n_counts 0.0; it must be a positive number" },
      rows: [[1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]], nCounts: [1, 0])
  }

  @Test func nonIntegerCountsAreRefused() throws {
    try expectFailure(
      { "\($0): /X: cell 'c0' (row 1), gene 'v1' has the value 2.5, which is not a raw count (negative or not a whole number); pass --non-counts warn to tokenize anyway" },
      rows: [[1, 2.5, 0, 0, 0, 0]])
  }

  @Test func negativeCountsAreRefused() throws {
    try expectFailure(
      { "\($0): /X: cell 'c0' (row 1), gene 'v2' has the value -3.0, which is not a raw count (negative or not a whole number); pass --non-counts warn to tokenize anyway" },
      rows: [[1, 0, -3, 0, 0, 0]], nCounts: [10])
  }

  @Test func missingDictionary() throws {
    try expectFailure({ _ in "/nonexistent/tokens.pkl: cannot read the file (missing or not readable)" }, tokens: { _ in "/nonexistent/tokens.pkl" })
  }

  @Test func truncatedPickle() throws {
    var path = ""
    try expectFailure({ _ in "\(path): byte 3: pickle truncated (needs 1 more bytes)" }, tokens: { dir in
      path = dir + "/t.pkl"
      try Data([0x80, 0x04, 0x7D, 0x8C]).write(to: URL(fileURLWithPath: path))
      return path
    })
  }

  @Test func badMedianTSVLine() throws {
    var path = ""
    try expectFailure({ _ in "\(path): line 3: median 'abc' is not a number" }, medians: { dir in
      path = try TokenizerTestSupport.tsv(dir, "m.tsv", header: "ensembl_id\tnonzero_median", [(Self.genes[0], "1.0"), (Self.genes[1], "abc")])
      return path
    })
  }

  @Test func tokenGeneWithoutMedian() throws {
    var path = ""
    try expectFailure({ input in "\(path): token gene \(Self.genes[1]) (column '\(Self.genes[1])' of \(input)) has no median" }, medians: { dir in
      path = try TokenizerTestSupport.tsv(dir, "m.tsv", header: "ensembl_id\tnonzero_median", [(Self.genes[0], "1.0")])
      return path
    })
  }
}

/// The radix sorter against a stable comparison sort, with values tied exactly and tied in the
/// high 32 bits of the key only.
@Suite struct TokenizerRankSorterTests {
  @Test(arguments: [1, 2, 5, 24, 25, 100, 2_500, 5_000])
  func matchesAStableSort(_ n: Int) {
    var rng = SystemRandomNumberGenerator()
    var sorter = RankSorter()
    for round in 0..<20 {
      let values: [Double] = (0..<n).map { i in
        switch (i + round) % 4 {
        case 0: return Double(Int.random(in: 1...5, using: &rng))  // exact ties
        case 1: return 1 + Double(Int.random(in: 0...3, using: &rng)) * 1e-12  // equal high bits
        case 2: return -Double.random(in: 0...10, using: &rng)
        default: return Double.random(in: 0...1000, using: &rng)
        }
      }
      var keys = values.map(RankSorter.descendingKey)
      var tokens = (0..<n).map { Int32($0) }
      let expected = (0..<n).sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }.map { Int32($0) }
      keys.withUnsafeMutableBufferPointer { k in
        tokens.withUnsafeMutableBufferPointer { t in
          sorter.sort(keys: k.baseAddress!, tokens: t.baseAddress!, count: n)
        }
      }
      #expect(tokens == expected, "n \(n) round \(round)")
    }
  }
}
