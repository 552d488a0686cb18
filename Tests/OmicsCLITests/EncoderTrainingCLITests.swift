import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

/// `omics encoder pretrain`: a run from a config lowers the loss on a corpus with structure and
/// writes a folder BertEncoder (and transformers) loads; a resumed run ends with the same bytes as
/// an uninterrupted one; bad input is one line and leaves no output folder.
@Suite(.enabled(if: FixturePaths.shared("bert/micro") != nil, "needs ../shared/data/bert/micro (config of the micro model)"))
struct EncoderTrainingCLITests {
  /// 48 cells: <cls>, then one of three fixed gene programs in a cell-specific rotation, <eos>.
  static func corpus(in dir: String, cells: Int = 48) throws -> String {
    var offsets: [Int32] = [0], values: [Int32] = [], labels: [String?] = []
    for c in 0..<cells {
      let program = c % 3
      let genes = (0..<12).map { Int32(4 + program * 40 + ($0 * 3 + c / 3) % 12) }
      values += [2] + genes.prefix(8 + c % 5) + [3]
      offsets.append(Int32(values.count))
      labels.append(["alpha", "beta", "gamma"][program])
    }
    let path = dir + "/corpus.dataset"
    let writer = try HFDatasetWriter(
      destination: path, fields: [ArrowField("input_ids", .list(.int32)), ArrowField("cell_type", .utf8), ArrowField("length", .int64)])
    try writer.write(columns: [
      .list(offsets: offsets, child: .primitive(.int32(values), count: values.count)),
      .strings(labels),
      .primitive(.int64((0..<cells).map { Int64(offsets[$0 + 1] - offsets[$0]) }), count: cells),
    ])
    try writer.finish()
    return path
  }

  static var config: String { (FixturePaths.shared("bert/micro") ?? "") + "/model/config.json" }

  static func tsvColumn(_ path: String, _ name: String) throws -> [Double] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
    let k = try #require(lines.first?.firstIndex(of: name))
    return lines.dropFirst().compactMap { Double($0[k]) }
  }

  @Test func pretrainingLowersTheLossAndWritesALoadableModel() throws {
    let dir = FixturePaths.temporaryDirectory()
    let data = try Self.corpus(in: dir)
    let r = try CLIRunner.run(["encoder", "pretrain", data, "--config", Self.config, "--out", dir + "/pre", "--epochs", "10",
                               "--batch-size", "8", "--lr", "5e-3", "--warmup", "4", "--seed", "1", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let losses = try Self.tsvColumn(dir + "/pre/log.tsv", "loss")
    #expect(losses.count == 60)
    let early = losses.prefix(6).reduce(0, +) / 6, late = losses.suffix(6).reduce(0, +) / 6
    #expect(late < early * 0.7, "loss \(early) → \(late)")
    let rates = try Self.tsvColumn(dir + "/pre/log.tsv", "learning_rate")
    #expect(rates[0] == 0 && abs(rates[2] - 2.5e-3) < 1e-12 && abs(rates[4] - 5e-3) < 1e-12)
    for file in ["config.json", "model.safetensors", "training.svg", "report.json", "checkpoint-60/optimizer.safetensors",
                 "checkpoint-60/trainer_state.json", "checkpoint-60/model.safetensors"] {
      #expect(FileManager.default.fileExists(atPath: dir + "/pre/" + file), "\(file)")
    }
    // the result embeds with the inference path
    let e = try CLIRunner.run(["encoder", "embed", dir + "/pre", data, "--out", dir + "/emb.npy", "--quiet"])
    #expect(e.status == 0, "\(e.stderr)")
  }

  @Test func resumedRunEndsWithTheSameWeights() throws {
    let dir = FixturePaths.temporaryDirectory()
    let data = try Self.corpus(in: dir, cells: 24)
    let common = ["--config", Self.config, "--epochs", "2", "--batch-size", "6", "--warmup", "2", "--seed", "9", "--quiet"]
    let whole = try CLIRunner.run(["encoder", "pretrain", data, "--out", dir + "/whole"] + common)
    #expect(whole.status == 0, "\(whole.stderr)")
    let part = try CLIRunner.run(["encoder", "pretrain", data, "--out", dir + "/part", "--save-every", "3"] + common)
    #expect(part.status == 0, "\(part.stderr)")
    // resume from step 3 into a fresh copy of the run's folder
    try FileManager.default.createDirectory(atPath: dir + "/resumed", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: dir + "/part/checkpoint-3", toPath: dir + "/resumed/checkpoint-3")
    let resumed = try CLIRunner.run(["encoder", "pretrain", data, "--out", dir + "/resumed", "--resume", dir + "/resumed/checkpoint-3"] + common)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/whole/model.safetensors"))
    let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/resumed/model.safetensors"))
    #expect(a == b)
    #expect(try Self.tsvColumn(dir + "/whole/log.tsv", "loss") == Self.tsvColumn(dir + "/resumed/log.tsv", "loss"))
  }

  @Test func badPretrainingInputIsOneLine() throws {
    let dir = FixturePaths.temporaryDirectory()
    let data = try Self.corpus(in: dir)
    // a vocabulary smaller than the corpus' ids
    var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.config))) as? [String: Any])
    json["vocab_size"] = 50
    try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: dir + "/small.json"))
    let vocab = try CLIRunner.run(["encoder", "pretrain", data, "--config", dir + "/small.json", "--out", dir + "/o1"])
    #expect(vocab.status != 0 && vocab.stderr.hasPrefix("error: \(data): input_ids row 1: token id"), "\(vocab.stderr)")
    #expect(vocab.stderr.split(separator: "\n").count == 1)
    json["vocab_size"] = 256
    json["max_position_embeddings"] = 10
    try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: dir + "/short.json"))
    let long = try CLIRunner.run(["encoder", "pretrain", data, "--config", dir + "/short.json", "--out", dir + "/o2"])
    #expect(long.status != 0 && long.stderr.contains("exceed the model's max_position_embeddings 10"), "\(long.stderr)")
    let exists = try CLIRunner.run(["encoder", "pretrain", data, "--config", Self.config, "--out", dir])
    #expect(exists.status != 0 && exists.stderr.contains("already exists"), "\(exists.stderr)")
    for o in ["o1", "o2"] { #expect(!FileManager.default.fileExists(atPath: dir + "/" + o)) }
  }

  @Test func finetunedClassifierLearnsTheProgramsAndPredicts() throws {
    let dir = FixturePaths.temporaryDirectory()
    let data = try Self.corpus(in: dir)
    let model = (FixturePaths.shared("bert/micro") ?? "") + "/model"
    let r = try CLIRunner.run(["encoder", "finetune", model, data, "--label", "cell_type", "--out", dir + "/clf", "--epochs", "10",
                               "--lr", "3e-3", "--warmup", "2", "--batch-size", "8", "--freeze-layers", "1", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/clf/report.json"))) as? [String: Any])
    #expect(report["accuracy"] as? Double == 1 && report["macro_f1"] as? Double == 1, "\(report)")
    #expect(report["train_cells"] as? Int == 39 && report["eval_cells"] as? Int == 9)
    let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/clf/config.json"))) as? [String: Any])
    #expect(config["id2label"] as? [String: String] == ["0": "alpha", "1": "beta", "2": "gamma"])
    #expect(config["architectures"] as? [String] == ["BertForSequenceClassification"])
    // layer 0 was frozen: its weights are the pretrained ones; layer 1 moved
    let before = try SafeTensorsFile(path: model + "/model.safetensors"), after = try SafeTensorsFile(path: dir + "/clf/model.safetensors")
    #expect(try before.floats("bert.encoder.layer.0.attention.self.query.weight") == after.floats("bert.encoder.layer.0.attention.self.query.weight"))
    #expect(try before.floats("bert.encoder.layer.1.attention.self.query.weight") != after.floats("bert.encoder.layer.1.attention.self.query.weight"))
    #expect(after.info("cls.predictions.bias") == nil && after.info("classifier.weight")?.shape == [3, 64])
    let p = try CLIRunner.run(["encoder", "predict", dir + "/clf", data, "--out", dir + "/pred.tsv", "--quiet"])
    #expect(p.status == 0, "\(p.stderr)")
    let rows = try String(contentsOfFile: dir + "/pred.tsv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
    #expect(rows[0] == ["cell", "label", "prob_alpha", "prob_beta", "prob_gamma"])
    #expect(rows.dropFirst().map { $0[1] } == (0..<48).map { ["alpha", "beta", "gamma"][$0 % 3] })
  }

  @Test func badFinetuningInputIsOneLine() throws {
    let dir = FixturePaths.temporaryDirectory()
    let data = try Self.corpus(in: dir)
    let model = (FixturePaths.shared("bert/micro") ?? "") + "/model"
    let column = try CLIRunner.run(["encoder", "finetune", model, data, "--label", "donor", "--out", dir + "/c1"])
    #expect(column.status != 0 && column.stderr.hasPrefix("error: \(data): donor: column missing"), "\(column.stderr)")
    let freeze = try CLIRunner.run(["encoder", "finetune", model, data, "--label", "cell_type", "--out", dir + "/c2", "--freeze-layers", "5"])
    #expect(freeze.status != 0 && freeze.stderr.contains("exceeds the model's 2 layers"), "\(freeze.stderr)")
    let notClassifier = try CLIRunner.run(["encoder", "predict", model, data, "--out", dir + "/p.tsv"])
    #expect(notClassifier.status != 0 && notClassifier.stderr.contains("not a fine-tuned classifier"), "\(notClassifier.stderr)")
    for o in ["c1", "c2", "p.tsv"] { #expect(!FileManager.default.fileExists(atPath: dir + "/" + o)) }
  }
}
