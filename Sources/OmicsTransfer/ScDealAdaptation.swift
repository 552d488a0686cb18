import Foundation
import OmicsCore
import OmicsNN

/// The inputs of one adaptation run: labelled bulk samples and unlabelled cells, dense row-major.
public struct AdaptInputs: Sendable {
  /// Source rows × source genes (labelled rows only).
  public var source: [Float]
  public var sourceGenes: [String]
  /// 0/1 label of each source row.
  public var labels: [Int]
  /// Target rows × target genes.
  public var target: [Float]
  public var targetGenes: [String]

  public init(source: [Float], sourceGenes: [String], labels: [Int], target: [Float], targetGenes: [String]) {
    self.source = source
    self.sourceGenes = sourceGenes
    self.labels = labels
    self.target = target
    self.targetGenes = targetGenes
  }

  public var sourceRows: Int { sourceGenes.isEmpty ? 0 : source.count / sourceGenes.count }
  public var targetRows: Int { targetGenes.isEmpty ? 0 : target.count / targetGenes.count }
}

/// Held-out metrics of a classifier (`p[:,1]` as score, argmax as label).
public struct BinaryMetrics: Sendable, Equatable {
  public var auroc: Double
  public var averagePrecision: Double
  public var weightedF1: Double
  public var count: Int

  public init(scores: Tensor<Float>, truth: [Int]) {
    let p = (0..<scores.rows).map { Double(scores[$0, 1]) }
    auroc = ClassificationMetrics.auroc(p, truth)
    averagePrecision = ClassificationMetrics.averagePrecision(p, truth)
    weightedF1 = ClassificationMetrics.weightedF1(predicted: ScDealAdaptation.argmax(scores), truth: truth)
    count = truth.count
  }
}

/// Everything a run produces.
public struct AdaptResult {
  public var config: AdaptConfig
  /// Genes the bulk model reads (shared genes in `aligned` mode, all source genes in `upstream`).
  public var genes: [String]
  /// Genes the target encoder reads (= `genes` in `aligned` mode).
  public var targetGenes: [String]
  public var droppedFromSource: Int
  public var droppedFromTarget: Int
  public var splits: [String: Int]
  public var bulkTest: BinaryMetrics
  /// `(cells, 2)` sigmoid scores of the bulk model on the target as it is; nil when the target lacks
  /// some of the bulk model's genes (`upstream` mode).
  public var sourceOnly: Tensor<Float>?
  /// `(cells, 2)` sigmoid scores of the bulk predictor on the adapted target embedding.
  public var adapted: Tensor<Float>
  /// `(cells, latent)` adapted target embedding (`X_adapt`).
  public var embedding: Tensor<Float>
  public var stages: [StageHistory]
  public var bulk: BulkModel
  public var targetStore: ParameterStore<Float>
  public var attributions: AttributionSummary?
}

/// scDEAL's bulk → single-cell transfer (background §1), in the `aligned` or `upstream` recipe.
///
/// Steps: per-domain per-gene min-max scaling; splits (source 64/16/20, target 80/20); bulk DAE;
/// encoder + predictor fine-tuned on the labels; adaptation; inference on every target cell.
/// All randomness comes from `config.seed` (one independent stream per stage); with the same seed and
/// thread count the model is bit-identical.
public enum ScDealAdaptation {
  public static func run(_ inputs: AdaptInputs, config: AdaptConfig) throws -> AdaptResult {
    guard inputs.targetRows > 0 else { throw OmicsError(location: "TARGET", "the target has no cells") }
    guard inputs.sourceRows > 0 else { throw OmicsError(location: "SOURCE", "the source has no labelled samples") }
    // Products split into blocks by omics, OpenBLAS single-threaded: no spinning BLAS threads between
    // the many small products, and the model does not depend on the thread count (BLASThreads).
    BLASThreads.setPartitioned(config.threads)
    // Genes.
    let sourceColumns: [Int], targetColumns: [Int], genes: [String], targetGenes: [String]
    let droppedSource: Int, droppedTarget: Int
    switch config.mode {
    case .aligned:
      let a = GeneAlignment(source: inputs.sourceGenes, target: inputs.targetGenes)
      guard !a.genes.isEmpty else {
        throw OmicsError(location: "genes",
                         "SOURCE and TARGET share no gene ids (\(inputs.sourceGenes.count) and \(inputs.targetGenes.count) genes; e.g. '\(inputs.sourceGenes.first ?? "")' vs '\(inputs.targetGenes.first ?? "")')")
      }
      (sourceColumns, targetColumns, genes, targetGenes) = (a.sourceColumns, a.targetColumns, a.genes, a.genes)
      (droppedSource, droppedTarget) = (a.droppedFromSource, a.droppedFromTarget)
    case .upstream:
      sourceColumns = Array(inputs.sourceGenes.indices)
      targetColumns = Array(inputs.targetGenes.indices)
      (genes, targetGenes, droppedSource, droppedTarget) = (inputs.sourceGenes, inputs.targetGenes, 0, 0)
    }
    var xs = gatherColumns(inputs.source, cols: inputs.sourceGenes.count, columns: sourceColumns)
    var xt = gatherColumns(inputs.target, cols: inputs.targetGenes.count, columns: targetColumns)
    MinMaxScaler.scaleColumns(&xs, rows: inputs.sourceRows, cols: genes.count)
    MinMaxScaler.scaleColumns(&xt, rows: inputs.targetRows, cols: targetGenes.count)
    let source = Tensor(shape: [inputs.sourceRows, genes.count], scalars: xs)
    let target = Tensor(shape: [inputs.targetRows, targetGenes.count], scalars: xt)

    var root = SeededGenerator(seed: config.seed)
    var initRng = root.split(), splitRng = root.split(), bulkRng = root.split(), adaptRng = root.split()
    let sSplit = DomainSplit.source(count: source.rows, rng: &splitRng)
    let tSplit = DomainSplit.target(count: target.rows, rng: &splitRng)
    let need = AdaptConfig.minimumSplitRows
    if sSplit.train.count < need || sSplit.validation.count < need || sSplit.test.count < need {
      throw OmicsError(location: "SOURCE",
                       "\(source.rows) labelled samples are too few: the 64/16/20 split gives \(sSplit.train.count)/\(sSplit.validation.count)/\(sSplit.test.count) and each part needs at least \(need) (13 samples or more)")
    }
    if tSplit.train.count < need || tSplit.validation.count < need {
      throw OmicsError(location: "TARGET",
                       "\(target.rows) cells are too few: the 80/20 split gives \(tSplit.train.count)/\(tSplit.validation.count) and each part needs at least \(need) (10 cells or more)")
    }
    let y = inputs.labels
    let sTrain = source.gatherRows(sSplit.train), sVal = source.gatherRows(sSplit.validation)
    let tTrain = target.gatherRows(tSplit.train), tVal = target.gatherRows(tSplit.validation)

    // Bulk stage: DAE, then encoder + predictor.
    let daeStore = ParameterStore<Float>()
    let daeEncoder = EncoderNetwork(input: genes.count, hidden: config.hidden, latent: config.latent,
                                    dropout: config.dropout, store: daeStore, rng: &initRng)
    daeEncoder.computesInputGradient = false  // training discards dL/dx (integrated gradients turns it on)
    let daeDecoder = DecoderNetwork(latent: config.latent, hidden: config.hidden, output: genes.count,
                                    dropout: config.dropout, store: daeStore, rng: &initRng)
    var stages: [StageHistory] = []
    stages.append(try DAEStage.train(encoder: daeEncoder, decoder: daeDecoder, store: daeStore, train: sTrain,
                                     validation: sVal, epochs: config.bulkEpochs, batchSize: config.batchSize,
                                     rng: &bulkRng, name: "bulk autoencoder"))
    let bulk = BulkModel(input: genes.count, config: config, rng: &initRng)
    bulk.encoder.computesInputGradient = false
    bulk.store.copyMatching(from: daeStore)
    stages.append(try PredictorStage.train(model: bulk, train: sTrain, trainLabels: sSplit.train.map { y[$0] },
                                           validation: sVal, validationLabels: sSplit.validation.map { y[$0] },
                                           epochs: config.bulkEpochs, batchSize: config.batchSize, rng: &bulkRng,
                                           name: "bulk predictor"))
    let bulkTest = BinaryMetrics(scores: try evaluateInBlocks(source.gatherRows(sSplit.test)) { try bulk.forward($0, training: false) },
                                 truth: sSplit.test.map { y[$0] })

    // Source-only baseline: the bulk model on the target as it is (before adaptation moves BN stats).
    var sourceOnly: Tensor<Float>?
    if config.mode == .aligned {
      sourceOnly = try evaluateInBlocks(target) { try bulk.forward($0, training: false) }
    } else {
      sourceOnly = try upstreamSourceOnly(bulk: bulk, inputs: inputs)
    }

    // Adaptation.
    let targetStore = ParameterStore<Float>()
    let targetEncoder = EncoderNetwork(input: targetGenes.count, hidden: config.hidden, latent: config.latent,
                                       dropout: config.dropout, store: targetStore, rng: &initRng)
    targetEncoder.computesInputGradient = false
    switch config.mode {
    case .aligned:
      targetStore.copyMatching(from: bulk.store)
      stages.append(try AlignedAdaptationStage.train(bulk: bulk, target: targetEncoder, targetStore: targetStore,
                                                     sourceTrain: sTrain, sourceValidation: sVal, targetTrain: tTrain,
                                                     targetValidation: tVal, config: config, rng: &adaptRng))
    case .upstream:
      let decoder = DecoderNetwork(latent: config.latent, hidden: config.hidden, output: targetGenes.count,
                                   dropout: config.dropout, store: targetStore, rng: &initRng)
      stages.append(try DAEStage.train(encoder: targetEncoder, decoder: decoder, store: targetStore, train: tTrain,
                                       validation: tVal, epochs: config.bulkEpochs, batchSize: config.batchSize,
                                       rng: &adaptRng, name: "target autoencoder"))
      stages.append(try UpstreamAdaptationStage.train(
        bulk: bulk, target: targetEncoder, targetStore: targetStore, sourceTrain: sTrain,
        sourceTrainLabels: sSplit.train.map { y[$0] }, sourceValidation: sVal,
        sourceValidationLabels: sSplit.validation.map { y[$0] }, targetTrain: tTrain, targetValidation: tVal,
        config: config, rng: &adaptRng))
    }
    let embedding = try evaluateInBlocks(target) { try targetEncoder.forward($0, training: false) }
    let adapted = try evaluateInBlocks(embedding) { try bulk.predictor.forward($0, training: false) }
    var attributions: AttributionSummary?
    if config.attributions > 0 {
      let ig = try IntegratedGradients.attribute(target, encoder: targetEncoder, predictor: bulk.predictor,
                                                 steps: config.attributionSteps)
      attributions = AttributionSummary(values: ig.values, genes: targetGenes, predicted: argmax(adapted),
                                        top: config.attributions, completenessError: ig.completenessError,
                                        meanCompletenessError: ig.meanCompletenessError)
      targetStore.zeroGradients()
      bulk.store.zeroGradients()
    }
    let splits = ["source_train": sSplit.train.count, "source_validation": sSplit.validation.count,
                  "source_test": sSplit.test.count, "target_train": tSplit.train.count,
                  "target_validation": tSplit.validation.count]
    return AdaptResult(config: config, genes: genes, targetGenes: targetGenes, droppedFromSource: droppedSource,
                       droppedFromTarget: droppedTarget, splits: splits, bulkTest: bulkTest, sourceOnly: sourceOnly,
                       adapted: adapted, embedding: embedding, stages: stages, bulk: bulk, targetStore: targetStore,
                       attributions: attributions)
  }

  /// Class per row: argmax of the two scores (ties → 0, as `argmax` picks the first).
  public static func argmax(_ scores: Tensor<Float>) -> [Int] {
    (0..<scores.rows).map { scores[$0, 1] > scores[$0, 0] ? 1 : 0 }
  }

  static func gatherColumns(_ x: [Float], cols: Int, columns: [Int]) -> [Float] {
    let rows = cols == 0 ? 0 : x.count / cols
    var out = [Float](repeating: 0, count: rows * columns.count)
    for r in 0..<rows { for (k, c) in columns.enumerated() { out[r * columns.count + k] = x[r * cols + c] } }
    return out
  }

  /// `upstream` mode: the bulk model on the target, when the target has every source gene.
  static func upstreamSourceOnly(bulk: BulkModel, inputs: AdaptInputs) throws -> Tensor<Float>? {
    let a = GeneAlignment(source: inputs.sourceGenes, target: inputs.targetGenes)
    guard a.genes.count == inputs.sourceGenes.count else { return nil }
    var xt = gatherColumns(inputs.target, cols: inputs.targetGenes.count, columns: a.targetColumns)
    MinMaxScaler.scaleColumns(&xt, rows: inputs.targetRows, cols: a.genes.count)
    return try evaluateInBlocks(Tensor(shape: [inputs.targetRows, a.genes.count], scalars: xt)) {
      try bulk.forward($0, training: false)
    }
  }
}
