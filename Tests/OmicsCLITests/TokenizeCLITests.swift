import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

/// `omics tokenize`, `omics medians`, `omics vocab` end to end with the built binary.
@Suite struct TokenizeCLITests {
  static let shared = FixturePaths.shared("geneformer/fixtures/geneformer_fixture.h5ad")

  @Test(.enabled(if: shared != nil, "needs ../shared/data/geneformer (skipped: shared data absent)"))
  func tokenizeMatchesUpstreamV2() throws {
    let input = try #require(Self.shared)
    let dicts = try #require(FixturePaths.shared("geneformer"))
    let dir = FixturePaths.temporaryDirectory()
    let result = try CLIRunner.run(["tokenize", input, "--out", dir + "/out.dataset", "--dictionaries", dicts, "--attr", "cell_type"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("cells: 8 read, 7 kept, 1 dropped by filter_pass, 0 dropped with no tokenizable gene"))
    #expect(result.stderr.contains("genes: 203 mapped, 2 unmapped, 1 collapsed into another column's gene (0 exact duplicates)"))
    let table = try ArrowStreamReader.readDatasetFolder(dir + "/out.dataset")
    let path = try #require(FixturePaths.shared("geneformer/fixtures/expected_V2.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    let rows = try #require(json["rows"] as? [[String: Any]])
    guard case .list(let offsets, .int32(let values)) = table.columns[0] else {
      Issue.record("input_ids is not list<int32>")
      return
    }
    for (i, row) in rows.enumerated() {
      #expect(values[offsets[i]..<offsets[i + 1]].map(Int.init) == row["input_ids"] as? [Int], "row \(i)")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.dataset"])
  }

  static func smallInput(_ dir: String, nCounts: [Double] = [3, 3], idColumn: String = "ensembl_id", values: [Float] = [1, 2, 0, 3]) throws -> (String, String, String) {
    let genes = ["ENSG00000000001", "ENSG00000000002"]
    var tokens = "key\ttoken_id\n<pad>\t0\n<mask>\t1\n<cls>\t2\n<eos>\t3\n"
    var medians = "ensembl_id\tnonzero_median\n"
    for (i, g) in genes.enumerated() {
      tokens += "\(g)\t\(i + 4)\n"
      medians += "\(g)\t1.0\n"
    }
    try tokens.write(toFile: dir + "/tokens.tsv", atomically: true, encoding: .utf8)
    try medians.write(toFile: dir + "/medians.tsv", atomically: true, encoding: .utf8)
    let X = SparseMatrix(
      layout: .csr, rows: 2, cols: 2, indptr: [0, 2, 4], indices: [0, 1, 0, 1], data: .float32(values))
    var obs = DataFrame(index: ["a", "b"])
    obs.columns["n_counts"] = .array(DenseArray(shape: [2], values: .float64(nCounts)))
    var v = DataFrame(index: genes)
    v.columns[idColumn] = .stringArray(StringArray(genes))
    try H5ADWriter.write(ExpressionMatrix(X: .sparse(X), obs: obs, var: v), to: dir + "/in.h5ad")
    return (dir + "/in.h5ad", dir + "/tokens.tsv", dir + "/medians.tsv")
  }

  static let badCases: [(name: String, message: String)] = [
    ("zero n_counts", "/obs/n_counts: cell 'b' (row 2) has n_counts 0.0; it must be a positive number"),
    ("missing ensembl_id", "/var/ensembl_id: missing: the gene ids must be in var['ensembl_id'] (or use --gene-id-column / --use-var-index)"),
    ("non-integer", "/X: cell 'a' (row 1), gene 'ENSG00000000002' has the value 2.5, which is not a raw count (negative or not a whole number); pass --non-counts warn to tokenize anyway"),
    ("unreadable dictionary", "cannot read the file (missing or not readable)"),
  ]

  @Test(arguments: badCases.map(\.name))
  func badInputFailsInOneLineWithNoOutput(_ name: String) throws {
    let message = try #require(Self.badCases.first { $0.name == name }?.message)
    let dir = FixturePaths.temporaryDirectory()
    let (input, tokens, medians) = try Self.smallInput(
      dir, nCounts: name == "zero n_counts" ? [3, 0] : [3, 3], idColumn: name == "missing ensembl_id" ? "gene_ids" : "ensembl_id",
      values: name == "non-integer" ? [1, 2.5, 0, 3] : [1, 2, 0, 3])
    let before = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
    let tokenFile = name == "unreadable dictionary" ? dir + "/missing.pkl" : tokens
    let result = try CLIRunner.run(["tokenize", input, "--out", dir + "/out.dataset", "--token-dictionary", tokenFile, "--gene-medians", medians])
    #expect(result.status == 1)
    #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    let file = name == "unreadable dictionary" ? tokenFile : input
    #expect(result.stderr == "error: \(file): \(message)\n")
    #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir)) == before)
  }

  @Test func nonCountsWarnOption() throws {
    let dir = FixturePaths.temporaryDirectory()
    let (input, tokens, medians) = try Self.smallInput(dir, values: [1, 2.5, 0, 3])
    let result = try CLIRunner.run([
      "tokenize", input, "--out", dir + "/out.dataset", "--token-dictionary", tokens, "--gene-medians", medians,
      "--non-counts", "warn",
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("warning: 1 stored values were not raw counts (negative or not whole numbers)"))
    let table = try ArrowStreamReader.readDatasetFolder(dir + "/out.dataset")
    #expect(table.columns[0] == .list(offsets: [0, 4, 7], child: .int32([2, 5, 4, 3, 2, 5, 3])))  // cell b: explicit zero not expressed
  }

  @Test func existingOutputIsRefused() throws {
    let dir = FixturePaths.temporaryDirectory()
    let (input, tokens, medians) = try Self.smallInput(dir)
    try FileManager.default.createDirectory(atPath: dir + "/out.dataset", withIntermediateDirectories: false)
    let result = try CLIRunner.run(["tokenize", input, "--out", dir + "/out.dataset", "--token-dictionary", tokens, "--gene-medians", medians])
    #expect(result.status == 1)
    #expect(result.stderr == "error: \(dir)/out.dataset: already exists; remove it or choose another --out\n")
  }

  @Test func mediansAndVocab() throws {
    let dir = FixturePaths.temporaryDirectory()
    let (input, _, _) = try Self.smallInput(dir)
    var r = try CLIRunner.run(["medians", input, "--out", dir + "/a.sketch"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr == "wrote \(dir)/a.sketch: 2 genes over 2 cells from 1 file(s)\n")
    r = try CLIRunner.run(["medians", "merge", dir + "/a.sketch", dir + "/a.sketch", "--out", dir + "/ab.sketch", "-q"])
    #expect(r.status == 0, "\(r.stderr)")
    r = try CLIRunner.run(["medians", "export", dir + "/ab.sketch", "--out", dir + "/m.tsv", "-q"])
    #expect(r.status == 0, "\(r.stderr)")
    // gene 1: 1/3e4 and 0 (not expressed) → values {3333.33…} twice; gene 2: 2/3e4, 3/3e4 twice each
    let tsv = try String(contentsOfFile: dir + "/m.tsv", encoding: .utf8)
    let gene1: Double = 1.0 / 3 * 10_000
    let low: Double = 2.0 / 3 * 10_000
    let high: Double = 3.0 / 3 * 10_000
    let gene2: Double = low * 0.5 + high * 0.5
    #expect(tsv == "ensembl_id\tnonzero_median\nENSG00000000001\t\(gene1)\nENSG00000000002\t\(gene2)\n")
    r = try CLIRunner.run(["medians", "export", dir + "/ab.sketch", "--out", dir + "/m.pkl", "-q"])
    #expect(r.status == 0)
    r = try CLIRunner.run(["vocab", dir + "/ab.sketch", "--out", dir + "/tokens.pkl"])
    #expect(r.stderr == "wrote \(dir)/tokens.pkl: 6 tokens (4 special, 2 genes)\n")
    let (keys, values) = try PickleReader.readDictionary(path: dir + "/tokens.pkl")
    #expect(keys == ["<pad>", "<mask>", "<cls>", "<eos>", "ENSG00000000001", "ENSG00000000002"].map { .string($0) })
    #expect(values == (0..<6).map { .int(Int64($0)) })
    r = try CLIRunner.run(["medians", "export", dir + "/none.sketch", "--out", dir + "/x.tsv"])
    #expect(r.status == 1 && r.stderr == "error: \(dir)/none.sketch: cannot read the file (missing or not readable)\n")
  }
}
