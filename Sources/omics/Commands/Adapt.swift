import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO
import OmicsNN
import OmicsPreprocessing
import OmicsTransfer

/// `omics adapt`: bulk → single-cell drug-response transfer (scDEAL), `aligned` or `upstream` recipe.
struct Adapt: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Transfer a bulk drug-response classifier to single cells by domain adaptation (scDEAL).",
    discussion: """
      SOURCE holds labelled bulk samples (h5ad, GEO series matrix, or a genes × samples TSV with
      --labels); obs column --label has two classes: 0/1, or two strings (resistant → 0,
      sensitive → 1; other pairs in sorted order, the first → 0; the mapping is printed). Rows with
      a missing label are dropped and counted. --binarize waterfall turns a continuous response
      (log IC50: low = sensitive = 1) into two classes by the CCLE waterfall rule.
      TARGET holds single cells (h5ad, 10x, loom), log-normalised, or raw counts with --normalize
      (total 1e4 per cell, then log1p). Each domain is min-max scaled per gene within itself.

      --mode aligned (default): the genes both sides share (by id, in source order; the number
      dropped is reported); a denoising autoencoder on the bulk samples, then encoder + predictor
      fine-tuned on the labels; the target encoder starts as a copy of the bulk encoder and is
      trained with a multi-bandwidth MMD (median heuristic × ¼, ½, 1, 2, 4) while the bulk model
      stays frozen; the epoch with the lowest validation MMD is kept. Target labels are never used.
      --mode upstream: scDEAL as its code runs (separate target autoencoder on the target's own
      genes, CE + 0.25·MMD with σ = 1000, Adam 1e-2, plateau scheduler); its results are
      orientation-random by construction (see Docs/adapt.md).

      Writes DIR/predictions.tsv (cell, prob_source_only, label_source_only, prob_adapted,
      label_adapted), DIR/target.h5ad (obs adapt_prob, adapt_label; obsm X_adapt), DIR/model/
      (config.json + model.safetensors), DIR/report.json, DIR/training.svg and, with
      --attributions K, DIR/attributions.tsv (top K genes per predicted class by integrated
      gradients). The folder appears only when everything is written. The same --seed and
      --threads give the same model bit for bit.

      Examples:
        omics adapt bulk.h5ad cells.h5ad --label response --out adapt_out
        omics adapt gdsc.h5ad counts.h5ad --label LN_IC50 --binarize waterfall --normalize --out run1 --attributions 20
        omics adapt expression.tsv cells.h5ad --labels samples.tsv --label sensitivity --out run2 --seed 3
      """)

  @Argument(help: "Labelled bulk samples (h5ad, GEO series matrix, TSV).")
  var source: String

  @Argument(help: "Single cells (h5ad, 10x, loom).")
  var target: String

  @Option(help: "Column holding the response (obs of SOURCE, or of --labels).")
  var label: String

  @Option(help: "Output folder.")
  var out: String

  @Option(help: "Sample table (first column = sample names) holding --label, for sources without obs columns.")
  var labels: String?

  @Option(help: "Recipe: aligned or upstream.")
  var mode: AdaptMode = .aligned

  @Option(help: "Turn a continuous response into two classes: waterfall.")
  var binarize: BinarizeChoice?

  @Flag(help: "TARGET holds raw counts: normalise each cell to 1e4 and log1p first.")
  var normalize = false

  @Option(help: "Random seed.")
  var seed: UInt64 = 0

  @Option(help: "Epochs of the bulk autoencoder and of the bulk predictor (each).")
  var bulkEpochs = 40

  @Option(help: "Epochs of the adaptation stage.")
  var adaptEpochs = 60

  @Option(help: "Bottleneck size.")
  var latent = 32

  @Option(help: "Encoder hidden sizes, comma-separated.")
  var hidden = "512,256"

  @Option(help: "Predictor hidden sizes, comma-separated.")
  var predictorHidden = "16,8"

  @Option(help: "Dropout probability.")
  var dropout = 0.3

  @Option(help: "Mini-batch size.")
  var batchSize = 200

  @Option(help: "Adam learning rate of the adaptation stage (aligned mode).")
  var lr = 1e-3

  @Option(help: "Top K genes per predicted class by integrated gradients (attributions.tsv).")
  var attributions: Int?

  @Option(help: "Threads (BLAS); default: all cores.")
  var threads: Int?

  @OptionGroup var global: GlobalOptions

  enum BinarizeChoice: String, ExpressibleByArgument, CaseIterable { case waterfall }

  static func parseSizes(_ text: String, _ option: String) throws -> [Int] {
    let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
      throw ValidationError("\(option) must be positive integers separated by commas, got '\(text)'")
    }
    return parts.map { $0! }
  }

  func validate() throws {
    _ = try Self.parseSizes(hidden, "--hidden")
    _ = try Self.parseSizes(predictorHidden, "--predictor-hidden")
    if bulkEpochs < 1 || adaptEpochs < 1 { throw ValidationError("--bulk-epochs and --adapt-epochs must be at least 1") }
    if latent < 1 { throw ValidationError("--latent must be at least 1") }
    if batchSize < 2 { throw ValidationError("--batch-size must be at least 2 (BatchNorm needs two rows)") }
    if !(dropout >= 0 && dropout < 1) { throw ValidationError("--dropout must be in [0, 1)") }
    if !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number") }
    if let attributions, attributions < 1 { throw ValidationError("--attributions must be at least 1") }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
  }

  func run() throws {
    global.apply()
    try runReportingErrors {
      let started = Date()
      let sourceMatrix = try MatrixFileReader.read(source, options: .init(showProgress: !global.quiet))
      var targetMatrix = try MatrixFileReader.read(target, options: .init(showProgress: !global.quiet))
      guard targetMatrix.nObs > 0 else { throw OmicsError(file: target, "the target has no cells") }

      // Labels.
      let encoded: BinaryLabels
      var binarization: [String: Double]?
      if let binarize, binarize == .waterfall {
        let values: [Double]
        if let labels {
          values = try LabelTable.read(labels, column: label, samples: sourceMatrix.obs.index).map { s in
            guard let s, let v = Double(s) else { return .nan }
            return v
          }
        } else {
          guard sourceMatrix.obs.columns[label] != nil else { throw missingColumn() }
          guard let v = MatrixExtraction.numericColumn(sourceMatrix, label) else {
            throw OmicsError(file: source, location: "obs/\(label)", "--binarize waterfall needs a numeric column")
          }
          values = v
        }
        let w = try Waterfall.binarize(values, column: label)
        encoded = try BinaryLabels(numbers: w.labels.map { $0.map(Double.init) ?? .nan }, column: label)
        binarization = ["threshold": w.threshold, "linearity_r": w.linearity, "median_rule": w.usedMedian ? 1 : 0]
      } else if let labels {
        encoded = try BinaryLabels(values: try LabelTable.read(labels, column: label, samples: sourceMatrix.obs.index),
                                   column: label)
      } else {
        guard let values = MatrixExtraction.stringColumn(sourceMatrix, label) else { throw missingColumn() }
        do { encoded = try BinaryLabels(values: values, column: label) } catch let e as OmicsError { throw e.inFile(source) }
      }

      // Matrices; target.h5ad carries the target as it was read (before --normalize).
      let originalTarget = targetMatrix
      if normalize {
        do {
          _ = try Normalization.apply(&targetMatrix, .init(targetSum: 1e4, normalizeTotal: true, log1p: true))
        } catch let e as OmicsError { throw e.inFile(target) }
      }
      let sourceX = try MatrixExtraction.denseX(sourceMatrix, file: source)
      let targetX = try MatrixExtraction.denseX(targetMatrix, file: target)
      let keep = encoded.labels.indices.filter { encoded.labels[$0] != nil }
      let g = sourceMatrix.nVars
      var xs = [Float](repeating: 0, count: keep.count * g)
      for (k, r) in keep.enumerated() { for j in 0..<g { xs[k * g + j] = sourceX[r * g + j] } }
      let inputs = AdaptInputs(source: xs, sourceGenes: sourceMatrix.var.index, labels: keep.map { encoded.labels[$0]! },
                               target: targetX, targetGenes: targetMatrix.var.index)

      var config = AdaptConfig()
      config.mode = mode
      config.seed = seed
      config.bulkEpochs = bulkEpochs
      config.adaptEpochs = adaptEpochs
      config.latent = latent
      config.hidden = try Self.parseSizes(hidden, "--hidden")
      config.predictorHidden = try Self.parseSizes(predictorHidden, "--predictor-hidden")
      config.dropout = dropout
      config.batchSize = batchSize
      config.adaptLearningRate = lr
      config.attributions = attributions ?? 0
      config.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
      if !global.quiet {
        StandardError.write("labels '\(label)': \(encoded.mappingDescription); \(encoded.counts[0]) × 0, \(encoded.counts[1]) × 1, \(encoded.missing) missing dropped\n")
      }
      keepFreedMemoryForReuse()
      let result = try ScDealAdaptation.run(inputs, config: config)
      if !global.quiet && mode == .aligned {
        StandardError.write("genes: \(result.genes.count) shared (\(result.droppedFromSource) source and \(result.droppedFromTarget) target genes dropped)\n")
      }
      let provenance = AdaptOutputWriter.Provenance(
        source: source, target: target, labelColumn: label, labelMapping: encoded.mapping,
        missingLabels: encoded.missing, classCounts: encoded.counts, binarization: binarization,
        normalized: normalize, seconds: Date().timeIntervalSince(started))
      try AdaptOutputWriter.write(result, target: originalTarget, provenance: provenance, to: out)
      if !global.quiet {
        let b = result.bulkTest
        StandardError.write(String(format: "wrote %@: %d cells; bulk held-out AUROC %.3f, AP %.3f, weighted F1 %.3f; %.1f s\n",
                                   out, result.adapted.rows, b.auroc, b.averagePrecision, b.weightedF1,
                                   Date().timeIntervalSince(started)))
      }
    }
  }

  func missingColumn() -> OmicsError {
    OmicsError(file: labels ?? source, location: "obs", "no label column '\(label)'")
  }
}

extension AdaptMode: ExpressibleByArgument {}

/// Training allocates the same few hundred-kilobyte activation and gradient buffers thousands of
/// times; glibc serves blocks that large with `mmap` and returns them on `free`, so every batch paid
/// page faults and page zeroing (~10 % of `omics adapt`'s time in `perf`). Raising the mmap
/// threshold to its maximum (32 MiB on 64-bit glibc) and the trim threshold to 64 MiB keeps freed
/// blocks in the heap for reuse.
/// (`mallopt` is in `malloc.h`, which the Glibc module does not export: it is looked up by name.)
private func keepFreedMemoryForReuse() {
  #if os(Linux)
  typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
  guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }  // RTLD_DEFAULT
  let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
  let (trimThreshold, mmapThreshold): (Int32, Int32) = (-1, -3)  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
  _ = mallopt(mmapThreshold, 32 << 20)
  _ = mallopt(trimThreshold, 64 << 20)
  #endif
}
