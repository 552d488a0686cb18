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
}
