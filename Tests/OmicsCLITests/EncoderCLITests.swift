import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

/// `omics encoder embed` end to end on the tiny transformers model of ../shared/data/bert/micro:
/// a datasets folder holding the reference's V2 cells, embeddings equal to EmbExtractor's, rows in
/// dataset order, outputs in .h5ad/.csv/.npy; bad input is one line and no file.
@Suite(.enabled(if: FixturePaths.shared("bert/micro") != nil, "needs ../shared/data/bert/micro (transformers reference outputs)"))
struct EncoderCLITests {
  /// Writes the reference's V2 cells (unpadded) as a tokenized dataset with a `cell_type` column.
  static func dataset(in dir: String) throws -> (path: String, reference: SafeTensorsFile) {
    let ref = try SafeTensorsFile(path: try #require(FixturePaths.shared("bert/micro")) + "/reference.safetensors")
    let shape = try #require(ref.info("v2.input_ids")).shape
    let ids = try ref.int64s("v2.input_ids"), lengths = try ref.int64s("v2.lengths")
    var offsets: [Int32] = [0], values: [Int32] = []
    for s in 0..<shape[0] {
      values += ids[(s * shape[1])..<(s * shape[1] + Int(lengths[s]))].map { Int32($0) }
      offsets.append(Int32(values.count))
    }
    let path = dir + "/cells.dataset"
    let writer = try HFDatasetWriter(
      destination: path, fields: [ArrowField("input_ids", .list(.int32)), ArrowField("cell_type", .utf8), ArrowField("length", .int64)])
    try writer.write(columns: [
      .list(offsets: offsets, child: .primitive(.int32(values), count: values.count)),
      .strings((0..<shape[0]).map { "type \($0)" }),
      .primitive(.int64(lengths), count: shape[0]),
    ])
    try writer.finish()
    return (path, ref)
  }

  static var model: String { (FixturePaths.shared("bert/micro") ?? "") + "/model" }

  @Test func cellEmbeddingsEqualEmbExtractorInDatasetOrder() throws {
    let dir = FixturePaths.temporaryDirectory()
    let (data, ref) = try Self.dataset(in: dir)
    let result = try CLIRunner.run(["encoder", "embed", Self.model, data, "--out", dir + "/e.h5ad", "--attr", "cell_type", "--batch-size", "2", "-q"])
    #expect(result.status == 0, "\(result.stderr)")
    let m = try H5ADReader.read(dir + "/e.h5ad", showProgress: false)
    guard case .array(let a)? = m.obsm["X_geneformer"], case .float32(let got) = a.values else {
      Issue.record("no float32 obsm X_geneformer"); return
    }
    let expected = try ref.floats("v2.cell_emb.layer-1")
    #expect(a.shape == [3, 64])
    #expect(zip(got, expected).allSatisfy { abs($0 - $1) <= 1e-5 })
    #expect(m.obs.strings("cell_type") == ["type 0", "type 1", "type 2"])

    let cls = try CLIRunner.run(["encoder", "embed", Self.model, data, "--out", dir + "/c.csv", "--mode", "cls", "--emb-layer", "0", "-q"])
    #expect(cls.status == 0, "\(cls.stderr)")
    let lines = try String(contentsOfFile: dir + "/c.csv", encoding: .utf8).split(separator: "\n")
    #expect(lines.first == Substring("," + (0..<64).map(String.init).joined(separator: ",")))
    let csvValues = lines.dropFirst().flatMap { $0.split(separator: ",").dropFirst().map { Float(String($0)) ?? .nan } }
    let clsExpected = try ref.floats("v2.cls_emb.layer0")
    #expect(zip(csvValues, clsExpected).allSatisfy { abs($0 - $1) <= 1e-5 } && csvValues.count == clsExpected.count)

    let npy = try CLIRunner.run(["encoder", "embed", Self.model, data, "--out", dir + "/g.npy", "--mode", "gene", "-q"])
    #expect(npy.status == 0, "\(npy.stderr)")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/g.npy"))
    #expect(bytes.count % 64 == (61 * 64 * 4) % 64 && bytes.prefix(6) == Data([0x93] + Array("NUMPY".utf8)))
  }

  @Test func badInputsAreOneLine() throws {
    let dir = FixturePaths.temporaryDirectory()
    let (data, _) = try Self.dataset(in: dir)
    let missing = try CLIRunner.run(["encoder", "embed", dir + "/nope", data, "--out", dir + "/e.h5ad"])
    #expect(missing.status != 0 && missing.stderr == "error: \(dir)/nope/config.json: cannot read\n", "\(missing.stderr)")
    let attr = try CLIRunner.run(["encoder", "embed", Self.model, data, "--out", dir + "/e.h5ad", "--attr", "donor"])
    #expect(attr.status != 0 && attr.stderr.hasPrefix("error: \(data): donor: column missing"), "\(attr.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir + "/e.h5ad"))
  }

  /// issue 9's bad inputs: ids beyond the vocabulary, a cell longer than the positions, a truncated
  /// weights file — each one line naming the file, and no output.
  @Test func badDatasetsAndTruncatedWeightsAreOneLine() throws {
    let dir = FixturePaths.temporaryDirectory()
    func write(_ cells: [[Int32]], _ name: String) throws -> String {
      var offsets: [Int32] = [0], values: [Int32] = []
      for c in cells { values += c; offsets.append(Int32(values.count)) }
      let path = dir + "/" + name
      let writer = try HFDatasetWriter(destination: path, fields: [ArrowField("input_ids", .list(.int32))])
      try writer.write(columns: [.list(offsets: offsets, child: .primitive(.int32(values), count: values.count))])
      try writer.finish()
      return path
    }
    let vocab = try write([[2, 10, 3], [2, 300, 3]], "vocab.dataset")
    let r1 = try CLIRunner.run(["encoder", "embed", Self.model, vocab, "--out", dir + "/a.npy"])
    #expect(r1.status != 0 && r1.stderr == "error: \(vocab): token id 300 is outside the vocabulary of 256\n", "\(r1.stderr)")
    let long = try write([[2] + [Int32](repeating: 7, count: 600) + [3]], "long.dataset")
    let r2 = try CLIRunner.run(["encoder", "embed", Self.model, long, "--out", dir + "/b.npy"])
    #expect(r2.status != 0 && r2.stderr.contains("exceeds max_position_embeddings 512"), "\(r2.stderr)")
    try FileManager.default.createDirectory(atPath: dir + "/cut", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: Self.model + "/config.json", toPath: dir + "/cut/config.json")
    let weights = try Data(contentsOf: URL(fileURLWithPath: Self.model + "/model.safetensors"))
    try weights.prefix(weights.count / 2).write(to: URL(fileURLWithPath: dir + "/cut/model.safetensors"))
    let r3 = try CLIRunner.run(["encoder", "embed", dir + "/cut", vocab, "--out", dir + "/c.npy"])
    #expect(r3.status != 0 && r3.stderr.hasPrefix("error: \(dir)/cut/model.safetensors") && r3.stderr.split(separator: "\n").count == 1, "\(r3.stderr)")
    for f in ["a.npy", "b.npy", "c.npy"] { #expect(!FileManager.default.fileExists(atPath: dir + "/" + f)) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).allSatisfy { !$0.hasPrefix(".") })
  }
}
