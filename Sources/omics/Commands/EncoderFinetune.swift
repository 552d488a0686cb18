import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO
import OmicsNN
import OmicsTransfer

extension Encoder {
  /// `omics encoder finetune`: a cell classifier from a pretrained encoder (Geneformer's Classifier).
  struct Finetune: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Fine-tune a pretrained encoder into a cell classifier (BertForSequenceClassification).",
      discussion: """
        As Geneformer's Classifier trains cell classifiers: the pooler (tanh of a dense
        layer on position 0) and a linear head are initialised fresh, the first
        --freeze-layers encoder layers are frozen (embeddings, later layers, pooler and
        head train), AdamW with weight decay on all but biases and LayerNorm weights,
        clipping at 1.0, linear schedule after --warmup steps. A stratified, seeded
        --eval-split of each class is held out; after every epoch the held-out loss,
        accuracy and macro F1 are computed and the epoch with the lowest held-out loss
        is kept. Classes are numbered in sorted order and saved as id2label, so
        transformers shows the real names. Cells with an empty label are dropped (counted).

        OUT gets config.json + model.safetensors (BertForSequenceClassification.from_pretrained
        loads them), report.json (per-epoch figures, held-out accuracy and macro F1 of
        the kept epoch, class counts), eval_predictions.tsv and training.svg.

        Example:
          omics encoder finetune Geneformer-V1-10M cells.dataset --label cell_type \\
            --out classifier --freeze-layers 2 --epochs 3 --lr 5e-5
        """)

    @Argument(help: "Pretrained model folder (BertForMaskedLM or BertModel checkpoint).")
    var model: String

    @Argument(help: "Tokenized dataset folder with the label column.")
    var dataset: String

    @Option(help: "Dataset column holding each cell's class.")
    var label: String

    @Option(help: "Output folder (must not exist).")
    var out: String

    @Option(help: "Freeze the first N encoder layers.")
    var freezeLayers: Int = 0

    @Option(help: "Passes over the training cells.")
    var epochs: Int = 10

    @Option(help: "Peak learning rate.")
    var lr: Double = 5e-5

    @Option(help: "Warm-up steps.")
    var warmup: Int = 500

    @Option(help: "Cells per step.")
    var batchSize: Int = 12

    @Option(help: "AdamW weight decay.")
    var weightDecay: Double = 0.001

    @Option(help: "Fraction of each class held out for evaluation.")
    var evalSplit: Double = 0.2

    @Option(help: "Random seed (head initialisation, split, order, dropout).")
    var seed: UInt64 = 42

    @Option(help: "Threads for the matrix products (default: all cores).")
    var threads: Int?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
      guard epochs >= 1, batchSize >= 1 else { throw ValidationError("--epochs and --batch-size must be at least 1") }
      guard lr > 0, lr.isFinite, warmup >= 0, weightDecay >= 0 else { throw ValidationError("--lr must be positive, --warmup and --weight-decay not negative") }
      guard evalSplit >= 0, evalSplit < 1 else { throw ValidationError("--eval-split must be in [0, 1)") }
      guard freezeLayers >= 0 else { throw ValidationError("--freeze-layers must be 0 or more") }
    }

    func run() throws {
      global.apply()
      try runReportingErrors {
        if let threads { BLASThreads.set(threads) }
        if FileManager.default.fileExists(atPath: out) { throw OmicsError(file: out, "already exists; choose a new --out") }
        let corpus = try TokenizedCorpus.read(dataset)
        let raw = try corpus.labels(label)
        let kept = raw.indices.filter { !(raw[$0] ?? "").isEmpty }
        let names = Set(kept.map { raw[$0]! }).sorted()
        guard names.count >= 2 else {
          throw OmicsError(file: dataset, location: label, "has \(names.count) class\(names.count == 1 ? "" : "es"); a classifier needs at least 2")
        }
        let id = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset) })
        let network = try BertNetwork<Float>.load(directory: model, head: .classifier(labels: names.count), seed: seed)
        guard freezeLayers <= network.config.layers else {
          throw OmicsError(file: model, location: "num_hidden_layers", "--freeze-layers \(freezeLayers) exceeds the model's \(network.config.layers) layers")
        }
        try corpus.validate(vocabulary: network.config.vocabSize, maxLength: network.config.maxPositions)
        network.setLabelNames(names)
        var options = CellClassifierTrainer.Options()
        options.epochs = epochs
        options.learningRate = lr
        options.warmupSteps = warmup
        options.batchSize = batchSize
        options.weightDecay = weightDecay
        options.freezeLayers = freezeLayers
        options.evalFraction = evalSplit
        options.seed = seed
        let cells = kept.map { corpus.cells[$0] }, labels = kept.map { id[raw[$0]!]! }
        let trainer = CellClassifierTrainer(network: network, classNames: names, options: options)
        let (_, evalSet) = CellClassifierTrainer.split(labels: labels, fraction: evalSplit, seed: seed)
        let steps = epochs * ((kept.count - evalSet.count + batchSize - 1) / batchSize)
        let bar = global.quiet ? nil : ProgressBar("Fine-tuning (\(steps) steps)", total: steps)
        let report = try trainer.train(cells: cells, labels: labels, progress: bar)
        bar?.finish()
        try AtomicDirectory.write(to: out) { tmp in
          try network.save(to: tmp + "/model")
          for file in ["config.json", "model.safetensors"] {
            try FileManager.default.moveItem(atPath: tmp + "/model/" + file, toPath: tmp + "/" + file)
          }
          try FileManager.default.removeItem(atPath: tmp + "/model")
          var predictions = "cell\tlabel\tpredicted\n"
          let scores = try trainer.logits(cells, evalSet)
          for (k, i) in evalSet.enumerated() {
            let row = scores[k]
            predictions += "\(kept[i])\t\(names[labels[i]])\t\(names[row.indices.max { row[$0] < row[$1] } ?? 0])\n"
          }
          try Data(predictions.utf8).write(to: URL(fileURLWithPath: tmp + "/eval_predictions.tsv"))
          let b = max(report.bestEpoch, 0)
          let json: [String: Any] = [
            "classes": names, "class_counts": names.indices.map { c in labels.filter { $0 == c }.count },
            "dropped_without_label": raw.count - kept.count, "train_cells": report.trainCells, "eval_cells": report.evalCells,
            "best_epoch": report.bestEpoch + 1, "train_loss": report.trainLoss, "eval_loss": report.evalLoss,
            "eval_accuracy": report.evalAccuracy, "eval_macro_f1": report.evalMacroF1,
            "accuracy": report.evalAccuracy.isEmpty ? NSNull() : report.evalAccuracy[b] as Any,
            "macro_f1": report.evalMacroF1.isEmpty ? NSNull() : report.evalMacroF1[b] as Any,
            "freeze_layers": freezeLayers, "learning_rate": lr, "epochs": epochs, "seed": seed,
          ]
          try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: tmp + "/report.json"))
          var history = StageHistory(name: "classifier loss")
          history.train = report.trainLoss
          history.validation = report.evalLoss
          history.bestEpoch = report.bestEpoch
          try Data(TrainingPlot.svg([history]).utf8).write(to: URL(fileURLWithPath: tmp + "/training.svg"))
        }
        if !global.quiet {
          let acc = report.evalAccuracy.isEmpty ? "n/a" : String(format: "%.3f", report.evalAccuracy[max(report.bestEpoch, 0)])
          let f1 = report.evalMacroF1.isEmpty ? "n/a" : String(format: "%.3f", report.evalMacroF1[max(report.bestEpoch, 0)])
          StandardError.write("wrote \(out): \(names.count) classes, kept epoch \(report.bestEpoch + 1), held-out accuracy \(acc), macro F1 \(f1)\n")
        }
      }
    }
  }

  /// `omics encoder predict`: class probabilities of every cell from a fine-tuned classifier.
  struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Classify every cell of a tokenized dataset with a fine-tuned encoder.",
      discussion: """
        MODEL is a BertForSequenceClassification folder (omics encoder finetune output,
        or one saved by transformers). The TSV has one row per cell in dataset order:
        cell (row number), label (argmax class, named by id2label), then one
        probability column per class (softmax of the logits).

        Example:
          omics encoder predict classifier cells.dataset --out predictions.tsv
        """)

    @Argument(help: "Fine-tuned classifier folder.")
    var model: String

    @Argument(help: "Tokenized dataset folder.")
    var dataset: String

    @Option(help: "Output TSV.")
    var out: String

    @Option(help: "Cells per forward pass.")
    var batchSize: Int = 32

    @Option(help: "Threads for the matrix products (default: all cores).")
    var threads: Int?

    @OptionGroup var global: GlobalOptions

    func run() throws {
      global.apply()
      try runReportingErrors {
        if let threads { BLASThreads.set(threads) }
        let encoder = try BertEncoder.load(directory: model)
        guard let k = encoder.classifierLabels else {
          throw OmicsError(file: model, location: "classifier.weight", "tensor missing: not a fine-tuned classifier")
        }
        let names = encoder.config.labelNames ?? (0..<k).map { "LABEL_\($0)" }
        let corpus = try TokenizedCorpus.read(dataset)
        try corpus.validate(vocabulary: encoder.config.vocabSize, maxLength: encoder.config.maxPositions)
        let bar = global.quiet ? nil : ProgressBar("Classifying cells", total: corpus.cells.count)
        let probabilities = try CellClassifierPrediction.probabilities(encoder, cells: corpus.cells, batchSize: max(1, batchSize), progress: bar)
        bar?.finish()
        var text = "cell\tlabel\t" + names.map { "prob_" + $0 }.joined(separator: "\t") + "\n"
        for (i, row) in probabilities.enumerated() {
          let best = row.indices.max { row[$0] < row[$1] } ?? 0
          text += "\(i)\t\(names[best])\t" + row.map { String(format: "%.6g", $0) }.joined(separator: "\t") + "\n"
        }
        try AtomicFileWriter.write(Data(text.utf8), to: out)
        if !global.quiet { StandardError.write("wrote \(out): \(probabilities.count) cells, \(k) classes\n") }
      }
    }
  }
}
