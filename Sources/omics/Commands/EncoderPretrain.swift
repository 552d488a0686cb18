import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO
import OmicsNN
import OmicsTransfer

extension Encoder {
  /// `omics encoder pretrain`: masked-LM pretraining as Geneformer's pretrainer runs it.
  struct Pretrain: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Masked-LM pretraining of a Geneformer-style BERT on a tokenized dataset.",
      discussion: """
        Geneformer's recipe on the Hugging Face Trainer, on CPU: its collator (15 % of
        the non-pad tokens selected, <cls>/<eos> included; 80 % <mask>, 10 % a random
        id, 10 % kept), loss over the selected positions only, length-grouped batches,
        AdamW (β 0.9/0.999, ε 1e-8) with weight decay on everything but biases and
        LayerNorm weights, gradient clipping at 1.0, linear or cosine schedule with
        warm-up (the first step has learning rate 0 when --warmup > 0).

        Start from a config.json (random initialisation as transformers does it) or
        from a model folder (continued pretraining). OUT gets config.json and
        model.safetensors (BertForMaskedLM.from_pretrained loads them), checkpoint-<step>/
        folders (with optimizer.safetensors and trainer_state.json) every --save-every
        steps and at the end, log.tsv (loss, learning rate and gradient norm per step),
        training.svg and report.json. --resume OUT/checkpoint-<step> continues a run
        with the same dataset and options; it ends with the same weights as an
        uninterrupted run.

        Examples:
          omics encoder pretrain corpus.dataset --config config.json --out pretrained \\
            --epochs 3 --lr 1e-3 --warmup 10000 --batch-size 12
          omics encoder pretrain corpus.dataset --model Geneformer-V1-10M --out continued --lr 5e-5
          omics encoder pretrain corpus.dataset --config config.json --out pretrained \\
            --resume pretrained/checkpoint-2000
        """)

    @Argument(help: "Tokenized dataset folder (Hugging Face datasets layout, input_ids column).")
    var dataset: String

    @Option(help: "Output folder (must not exist unless --resume points into it).")
    var out: String

    @Option(help: "config.json of a new model (BertForMaskedLM, random initialisation).")
    var config: String?

    @Option(help: "Model folder to continue pretraining from.")
    var model: String?

    @Option(help: "A checkpoint-<step> folder of an earlier run to resume.")
    var resume: String?

    @Option(help: "Passes over the dataset.")
    var epochs: Int = 1

    @Option(help: "Peak learning rate.")
    var lr: Double = 1e-3

    @Option(help: "Warm-up steps (learning rate rises linearly from 0).")
    var warmup: Int = 0

    @Option(help: "Decay after warm-up: linear or cosine.")
    var schedule: String = "linear"

    @Option(help: "Cells per step.")
    var batchSize: Int = 12

    @Option(help: "Probability that a token is selected for the loss.")
    var maskProb: Double = 0.15

    @Option(help: "AdamW weight decay (not on biases and LayerNorm weights).")
    var weightDecay: Double = 0.001

    @Option(help: "Random seed (initialisation, batches, masks, dropout).")
    var seed: UInt64 = 42

    @Option(help: "Write a checkpoint every N steps (default: only at the end).")
    var saveEvery: Int?

    @Option(help: "Use only the first N cells.")
    var maxCells: Int?

    @Option(help: "Threads for the matrix products (default: all cores).")
    var threads: Int?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
      guard (config == nil) != (model == nil) || resume != nil else {
        throw ValidationError("give exactly one of --config (new model) and --model (continue from weights)")
      }
      guard epochs >= 1, batchSize >= 1 else { throw ValidationError("--epochs and --batch-size must be at least 1") }
      guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be positive") }
      guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more") }
      guard maskProb > 0, maskProb < 1 else { throw ValidationError("--mask-prob must be in (0, 1)") }
      guard weightDecay >= 0 else { throw ValidationError("--weight-decay must be 0 or more") }
      guard schedule == "linear" || schedule == "cosine" else { throw ValidationError("--schedule must be linear or cosine") }
      if let saveEvery, saveEvery < 1 { throw ValidationError("--save-every must be at least 1") }
      if let maxCells, maxCells < 1 { throw ValidationError("--max-cells must be at least 1") }
    }

    func run() throws {
      global.apply()
      try runReportingErrors {
        if let threads { BLASThreads.set(threads) }
        if resume == nil, FileManager.default.fileExists(atPath: out) {
          throw OmicsError(file: out, "already exists; choose a new --out (or --resume a checkpoint in it)")
        }
        let network: BertNetwork<Float>
        if let source = resume ?? model {
          network = try BertNetwork<Float>.load(directory: source, head: .maskedLM, seed: seed)
        } else {
          let config = try BertConfig.read(config!)
          network = BertNetwork<Float>(config: config, head: .maskedLM, seed: seed)
        }
        let corpus = try TokenizedCorpus.read(dataset, maxCells: maxCells)
        try corpus.validate(vocabulary: network.config.vocabSize, maxLength: network.config.maxPositions)
        var options = MaskedLMPretrainer.Options()
        options.epochs = epochs
        options.learningRate = lr
        options.warmupSteps = warmup
        options.schedule = schedule == "cosine" ? .cosine() : .linear
        options.batchSize = batchSize
        options.maskProbability = maskProb
        options.weightDecay = weightDecay
        options.seed = seed
        options.saveEvery = saveEvery
        let trainer = try MaskedLMPretrainer(network: network, cells: corpus.cells, options: options)
        if let resume { try trainer.resume(from: resume) }
        let bar = global.quiet ? nil : ProgressBar("Pretraining (\(trainer.totalSteps) steps)", total: trainer.totalSteps)
        let report = try trainer.run(outDir: out, progress: bar)
        bar?.finish()
        if !global.quiet {
          StandardError.write(String(format: "wrote %@: %d steps, loss %.4f → %.4f, %.0f tokens/s\n", out, report.steps,
                                     report.losses.first ?? .nan, report.losses.last ?? .nan, report.tokensPerSecond))
        }
      }
    }
  }
}
