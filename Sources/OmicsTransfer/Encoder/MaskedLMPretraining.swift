import Foundation
import OmicsCore
import OmicsIO
import OmicsNN

/// Masked-LM pretraining of a Geneformer-style BERT as Geneformer's pretrainer runs it on the
/// Hugging Face Trainer (geneformer-model.md §3.1): its collator (`MaskedLMCollator`),
/// length-grouped batches (`LengthGroupedSampler`), AdamW with the Trainer's no-decay set,
/// gradient clipping at 1.0, then the warm-up schedule, one optimiser step per batch.
///
/// Output folder: `config.json` + `model.safetensors` (loads with `BertForMaskedLM.from_pretrained`),
/// `checkpoint-<step>/` every `saveEvery` steps (model, `optimizer.safetensors`, `trainer_state.json`),
/// `log.tsv` (one row per step), `training.svg`, `report.json`. A run resumed from a checkpoint
/// continues with the same batches, masks and dropout as an uninterrupted run (all randomness is
/// derived from the seed and the step), so it ends with the same weights.
public final class MaskedLMPretrainer {
  /// Hyperparameters; defaults are Geneformer's example pretraining script and the Trainer's.
  public struct Options: Sendable {
    public var epochs = 1
    public var learningRate = 1e-3
    public var warmupSteps = 0
    public var schedule: WarmupSchedule.Decay = .linear
    public var batchSize = 12
    public var maskProbability = 0.15
    public var weightDecay = 0.001
    public var maxGradNorm = 1.0
    public var seed: UInt64 = 42
    /// Write `checkpoint-<step>/` every this many steps (nil: only at the end).
    public var saveEvery: Int?
    public init() {}
  }

  /// What a finished run reports.
  public struct Report: Sendable {
    public var steps: Int
    public var losses: [Double]
    public var seconds: Double
    public var tokensPerSecond: Double
  }

  public let network: BertNetwork<Float>
  public let cells: [[Int32]]
  public let options: Options
  public let optimizer: Adam<Float>
  public private(set) var step = 0
  public private(set) var losses: [Double] = []
  private var gradientNorms: [Double] = []
  private var learningRates: [Double] = []

  public init(network: BertNetwork<Float>, cells: [[Int32]], options: Options) throws {
    guard !cells.isEmpty else { throw OmicsError("the dataset has no cells") }
    guard options.batchSize >= 1, options.epochs >= 1 else { throw OmicsError("batch size and epochs must be at least 1") }
    self.network = network
    self.cells = cells
    self.options = options
    optimizer = Adam.adamW(network.store, learningRate: options.learningRate, weightDecay: options.weightDecay,
                           noDecay: BertNetwork<Float>.isNoDecay)
  }

  public var stepsPerEpoch: Int { (cells.count + options.batchSize - 1) / options.batchSize }
  public var totalSteps: Int { stepsPerEpoch * options.epochs }

  var schedule: WarmupSchedule {
    WarmupSchedule(baseLR: options.learningRate, warmupSteps: options.warmupSteps, totalSteps: totalSteps, decay: options.schedule)
  }

  /// A generator for `purpose` at `index`, derived from the seed only (resumable).
  func generator(_ purpose: UInt64, _ index: Int) -> SeededGenerator {
    var g = SeededGenerator(seed: options.seed ^ (purpose &* 0x9E37_79B9_7F4A_7C15))
    for _ in 0..<3 { _ = g.next() }
    return SeededGenerator(seed: g.next() &+ UInt64(index) &* 0xD1B5_4A32_D192_ED03)
  }

  /// The batches of `epoch` (cell indices).
  func batches(epoch: Int) -> [[Int]] {
    var g = generator(1, epoch)
    return LengthGroupedSampler.batches(lengths: cells.map(\.count), batchSize: options.batchSize, rng: &g)
  }

  /// Runs one optimiser step on `members`; returns the loss.
  func trainStep(_ members: [Int]) throws -> Double {
    var maskRNG = generator(2, step)
    let batch = MaskedLMCollator(vocabulary: network.config.vocabSize, maskProbability: options.maskProbability)
      .collate(members.map { cells[$0] }, rng: &maskRNG)
    network.reseedDropout(generator(3, step).seed)
    network.store.zeroGradients()
    let loss = try network.maskedLMLoss(ids: batch.ids, labels: batch.labels, lengths: batch.lengths, training: true)
    guard loss.isFinite else { throw OmicsError("the loss became \(loss) at step \(step + 1); lower --lr") }
    gradientNorms.append(clipGradientNorm(network.store, maxNorm: options.maxGradNorm))
    optimizer.learningRate = schedule.learningRate(at: step)
    learningRates.append(optimizer.learningRate)
    optimizer.step()
    step += 1
    losses.append(loss)
    return loss
  }

  /// Trains to the end, writing checkpoints into `outDir` and the final model at the end.
  public func run(outDir: String, progress: ProgressBar? = nil) throws -> Report {
    let start = Date()
    var tokens = 0
    let fm = FileManager.default
    try fm.createDirectory(atPath: outDir, withIntermediateDirectories: true)
    progress?.update(step)
    while step < totalSteps {
      let epoch = step / stepsPerEpoch
      let members = batches(epoch: epoch)[step % stepsPerEpoch]
      _ = try trainStep(members)
      tokens += members.reduce(0) { $0 + cells[$1].count }
      progress?.update(step)
      if let every = options.saveEvery, step % every == 0, step < totalSteps { try saveCheckpoint(in: outDir) }
    }
    try saveCheckpoint(in: outDir)
    let seconds = Date().timeIntervalSince(start)
    try network.save(to: outDir + "/.model-tmp")
    for file in ["config.json", "model.safetensors"] {
      try? fm.removeItem(atPath: outDir + "/" + file)
      try fm.moveItem(atPath: outDir + "/.model-tmp/" + file, toPath: outDir + "/" + file)
    }
    try? fm.removeItem(atPath: outDir + "/.model-tmp")
    try writeLog(outDir + "/log.tsv")
    var history = StageHistory(name: "masked-LM loss per step")
    history.train = losses
    try AtomicFileWriter.write(Data(TrainingPlot.svg([history], xLabel: "step").utf8), to: outDir + "/training.svg")
    let report = Report(steps: step, losses: losses, seconds: seconds, tokensPerSecond: Double(tokens) / max(seconds, 1e-9))
    let json: [String: Any] = [
      "steps": step, "epochs": options.epochs, "cells": cells.count, "batch_size": options.batchSize,
      "final_loss": losses.last ?? .nan, "first_loss": losses.first ?? .nan, "seconds_this_run": seconds,
      "tokens_per_second": report.tokensPerSecond, "learning_rate": options.learningRate, "warmup_steps": options.warmupSteps,
      "weight_decay": options.weightDecay, "mask_probability": options.maskProbability, "seed": options.seed,
    ]
    try AtomicFileWriter.write(try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys]),
                               to: outDir + "/report.json")
    return report
  }

  func writeLog(_ path: String) throws {
    var text = "step\tepoch\tlearning_rate\tloss\tgrad_norm\n"
    for i in losses.indices {
      text += "\(i + 1)\t\(i / stepsPerEpoch + 1)\t\(learningRates[i])\t\(losses[i])\t\(gradientNorms[i])\n"
    }
    try AtomicFileWriter.write(Data(text.utf8), to: path)
  }

  /// `outDir/checkpoint-<step>/`: the model, the AdamW moments and the position in the run.
  public func saveCheckpoint(in outDir: String) throws {
    let fm = FileManager.default
    let final = outDir + "/checkpoint-\(step)"
    let tmp = outDir + "/.checkpoint-\(step).tmp"
    try? fm.removeItem(atPath: tmp)
    try network.save(to: tmp)
    let (m, v, steps) = optimizer.state
    var entries: [SafeTensorsWriter.Entry] = []
    for e in network.store.entries where e.kind == .parameter {
      entries.append(.float32("exp_avg." + e.name, shape: e.shape, Array(m[e.range])))
      entries.append(.float32("exp_avg_sq." + e.name, shape: e.shape, Array(v[e.range])))
    }
    try SafeTensorsWriter.write(entries, to: tmp + "/optimizer.safetensors")
    let state: [String: Any] = [
      "global_step": step, "optimizer_steps": steps, "epoch": Double(step) / Double(stepsPerEpoch), "total_steps": totalSteps,
      "seed": options.seed, "losses": losses, "grad_norms": gradientNorms, "learning_rates": learningRates,
      "options": ["epochs": options.epochs, "learning_rate": options.learningRate, "warmup_steps": options.warmupSteps,
                  "batch_size": options.batchSize, "mask_probability": options.maskProbability,
                  "weight_decay": options.weightDecay, "cells": cells.count, "schedule": "\(options.schedule)"],
    ]
    try JSONSerialization.data(withJSONObject: state, options: [.prettyPrinted, .sortedKeys])
      .write(to: URL(fileURLWithPath: tmp + "/trainer_state.json"))
    try? fm.removeItem(atPath: final)
    try fm.moveItem(atPath: tmp, toPath: final)
  }

  /// Restores the optimiser moments and the position from `checkpoint` (a `checkpoint-<step>`
  /// folder of a run with the same data and options); the weights are read by the caller.
  public func resume(from checkpoint: String) throws {
    let statePath = checkpoint + "/trainer_state.json"
    guard let data = FileManager.default.contents(atPath: statePath),
          let state = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
          let global = state["global_step"] as? Int, let steps = state["optimizer_steps"] as? Int,
          let saved = state["options"] as? [String: Any] else {
      throw OmicsError(file: statePath, "missing or not a trainer state written by omics encoder pretrain")
    }
    if let n = saved["cells"] as? Int, n != cells.count {
      throw OmicsError(file: statePath, location: "cells", "the checkpoint was trained on \(n) cells, the dataset has \(cells.count)")
    }
    if let b = saved["batch_size"] as? Int, b != options.batchSize {
      throw OmicsError(file: statePath, location: "batch_size", "the checkpoint used --batch-size \(b), this run \(options.batchSize)")
    }
    guard global <= totalSteps else {
      throw OmicsError(file: statePath, location: "global_step", "step \(global) is beyond this run's \(totalSteps) steps")
    }
    let file = try SafeTensorsFile(path: checkpoint + "/optimizer.safetensors")
    var m = [Float](repeating: 0, count: network.store.values.count), v = m
    for e in network.store.entries where e.kind == .parameter {
      m.replaceSubrange(e.range, with: try file.floats("exp_avg." + e.name))
      v.replaceSubrange(e.range, with: try file.floats("exp_avg_sq." + e.name))
    }
    try optimizer.restore(m: m, v: v, steps: steps)
    step = global
    losses = (state["losses"] as? [Double]) ?? []
    gradientNorms = (state["grad_norms"] as? [Double]) ?? []
    learningRates = (state["learning_rates"] as? [Double]) ?? []
  }
}

extension SeededGenerator {
  /// A seed drawn from this generator (for seeding another stream).
  var seed: UInt64 { var g = self; return g.next() }
}
