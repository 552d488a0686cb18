import Foundation
import OmicsCore
import OmicsIO
import OmicsNN

/// Fine-tuning of a pretrained BERT into a cell classifier as Geneformer's `Classifier` does it
/// (geneformer-model.md §3.2): `BertForSequenceClassification` with a fresh pooler and head,
/// the first `freezeLayers` encoder layers frozen, AdamW with the no-decay set, clipping at 1.0,
/// linear warm-up schedule, evaluation after every epoch and the epoch with the lowest held-out
/// loss kept (`load_best_model_at_end`). Labels are numbered in sorted order and written as `id2label`.
public final class CellClassifierTrainer {
  /// Hyperparameters; defaults are Geneformer's cell-classifier defaults for 6-layer models.
  public struct Options: Sendable {
    public var epochs = 10
    public var learningRate = 5e-5
    public var warmupSteps = 500
    public var batchSize = 12
    public var weightDecay = 0.001
    public var freezeLayers = 0
    public var evalFraction = 0.2
    public var seed: UInt64 = 42
    public init() {}
  }

  /// Per-epoch figures and the final held-out metrics.
  public struct Report: Sendable {
    public var trainLoss: [Double] = []
    public var evalLoss: [Double] = []
    public var evalAccuracy: [Double] = []
    public var evalMacroF1: [Double] = []
    public var bestEpoch = -1
    public var trainCells = 0
    public var evalCells = 0
  }

  public let network: BertNetwork<Float>
  public let options: Options
  public let classNames: [String]

  public init(network: BertNetwork<Float>, classNames: [String], options: Options) {
    self.network = network
    self.classNames = classNames
    self.options = options
  }

  /// A seeded split stratified by class: `evalFraction` of each class (rounded, at least one when
  /// the class has two or more cells) is held out.
  public static func split(labels: [Int], fraction: Double, seed: UInt64) -> (train: [Int], eval: [Int]) {
    var rng = SeededGenerator(seed: seed ^ 0x5EED)
    var train: [Int] = [], eval: [Int] = []
    for c in Set(labels).sorted() {
      let members = labels.indices.filter { labels[$0] == c }
      let shuffled = rng.permutation(members.count).map { members[$0] }
      var k = Int((Double(members.count) * fraction).rounded())
      if fraction > 0 && members.count >= 2 { k = min(max(k, 1), members.count - 1) }
      eval += shuffled.prefix(k)
      train += shuffled.dropFirst(k)
    }
    return (train.sorted(), eval.sorted())
  }

  /// Logits of `members` in eval mode, batched.
  public func logits(_ cells: [[Int32]], _ members: [Int]) throws -> [[Float]] {
    var out: [[Float]] = []
    for start in stride(from: 0, to: members.count, by: options.batchSize) {
      let group = members[start..<min(members.count, start + options.batchSize)].map { cells[$0] }
      let batch = BertEncoder.Batch(sequences: group)
      let (l, _) = try network.classificationLoss(ids: batch.ids.map(Int.init), lengths: batch.lengths, labels: nil, training: false)
      let k = l.columns
      for r in 0..<group.count { out.append(Array(l.scalars[(r * k)..<((r + 1) * k)])) }
    }
    return out
  }

  /// Trains on `cells` with class ids `labels`; the kept (best) weights are left in `network`.
  public func train(cells: [[Int32]], labels: [Int], progress: ProgressBar? = nil) throws -> Report {
    let (trainSet, evalSet) = Self.split(labels: labels, fraction: options.evalFraction, seed: options.seed)
    guard !trainSet.isEmpty else { throw OmicsError("no cells left to train on") }
    network.freezeLayers(options.freezeLayers)
    let optimizer = Adam.adamW(network.store, learningRate: options.learningRate, weightDecay: options.weightDecay,
                               noDecay: BertNetwork<Float>.isNoDecay)
    let stepsPerEpoch = (trainSet.count + options.batchSize - 1) / options.batchSize
    let schedule = WarmupSchedule(baseLR: options.learningRate, warmupSteps: options.warmupSteps,
                                  totalSteps: stepsPerEpoch * options.epochs, decay: .linear)
    var report = Report(trainCells: trainSet.count, evalCells: evalSet.count)
    var rng = SeededGenerator(seed: options.seed)
    network.reseedDropout(rng.next())
    var best: [Float]?, bestLoss = Double.infinity, step = 0
    for epoch in 0..<options.epochs {
      let order = rng.permutation(trainSet.count).map { trainSet[$0] }
      var total = 0.0
      for start in stride(from: 0, to: order.count, by: options.batchSize) {
        let members = Array(order[start..<min(order.count, start + options.batchSize)])
        let batch = BertEncoder.Batch(sequences: members.map { cells[$0] })
        network.store.zeroGradients()
        let (_, loss) = try network.classificationLoss(ids: batch.ids.map(Int.init), lengths: batch.lengths,
                                                       labels: members.map { labels[$0] }, training: true)
        guard let loss, loss.isFinite else { throw OmicsError("the loss became non-finite at epoch \(epoch + 1); lower --lr") }
        total += loss * Double(members.count)
        clipGradientNorm(network.store, maxNorm: 1)
        optimizer.learningRate = schedule.learningRate(at: step)
        optimizer.step()
        step += 1
        progress?.update(step)
      }
      report.trainLoss.append(total / Double(order.count))
      if evalSet.isEmpty {
        best = network.store.snapshot()
        report.bestEpoch = epoch
        continue
      }
      let scores = try logits(cells, evalSet)
      let truth = evalSet.map { labels[$0] }
      let predicted = scores.map { row in row.indices.max { row[$0] < row[$1] } ?? 0 }
      var loss = 0.0
      for (row, y) in zip(scores, truth) {
        let m = Double(row.max() ?? 0)
        let lse = m + log(row.reduce(0.0) { $0 + exp(Double($1) - m) })
        loss += lse - Double(row[y])
      }
      loss /= Double(truth.count)
      report.evalLoss.append(loss)
      report.evalAccuracy.append(ClassificationMetrics.accuracy(predicted: predicted, truth: truth))
      report.evalMacroF1.append(ClassificationMetrics.macroF1(predicted: predicted, truth: truth))
      if loss < bestLoss {
        bestLoss = loss
        best = network.store.snapshot()
        report.bestEpoch = epoch
      }
    }
    if let best { network.store.restore(best) }
    return report
  }
}
