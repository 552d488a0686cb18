import Foundation
import OmicsCore
import OmicsNN

/// The `aligned` adaptation stage (background §1.10, §5.3 "warm start + multi-bandwidth MMD").
///
/// The target encoder starts as a copy of the fine-tuned bulk encoder (same genes); the bulk model
/// is frozen and run in **eval** mode (a fixed row-wise map, so the source rows are embedded once
/// before the first epoch); the target encoder runs in train mode (its BatchNorm
/// statistics move to the target). Per epoch, source and target training rows are shuffled into
/// batches and paired (target batches cycled), both truncated to `m = min` rows; batches with
/// `m < 2` are skipped. Loss = `w·Σ_f MMD²_{f·med}` with `med` the median pairwise distance of
/// the concatenated embeddings (no gradient through it), `f ∈ {¼, ½, 1, 2, 4}`; Adam (lr 1e-3 by
/// default), no scheduler. Selection: the epoch with the lowest validation MMD among epochs
/// ≥ ⌊epochs/10⌋, computed after each epoch between **all** source validation rows and **all**
/// target validation rows (target encoder in eval mode) — the prototype of background §5.3 scores
/// one random paired batch instead, a noisier criterion (see Docs/adapt.md). Target labels are
/// never used.
enum AlignedAdaptationStage {
  static func train(bulk: BulkModel, target: EncoderNetwork, targetStore: ParameterStore<Float>,
                    sourceTrain: Tensor<Float>, sourceValidation: Tensor<Float>,
                    targetTrain: Tensor<Float>, targetValidation: Tensor<Float>,
                    config: AdaptConfig, rng: inout SeededGenerator) throws -> StageHistory {
    let name = "adaptation (MMD)"
    var history = StageHistory(name: name)
    let started = Date()
    let adam = Adam(targetStore, learningRate: config.adaptLearningRate)
    var best = Double.infinity
    var bestValues = targetStore.snapshot()
    let bar = ProgressBar(name, total: config.adaptEpochs)
    let firstEligible = config.adaptEpochs / 10
    let sourceValidationEmbedding = try evaluateInBlocks(sourceValidation) { try bulk.encoder.forward($0, training: false) }
    // The frozen bulk encoder in eval mode is a fixed row-wise map: embed the source rows once.
    let sourceTrainEmbedding = try evaluateInBlocks(sourceTrain) { try bulk.encoder.forward($0, training: false) }
    for epoch in 0..<config.adaptEpochs {
      // Training: paired shuffled batches.
      var total = 0.0, batches = 0
      let targetBatches = shuffledBatches(targetTrain.rows, size: config.batchSize, rng: &rng)
      var j = 0
      for b in shuffledBatches(sourceTrain.rows, size: config.batchSize, rng: &rng) {
        let bt = targetBatches[j]
        j = (j + 1) % targetBatches.count
        let m = min(b.count, bt.count)
        if m < 2 { continue }
        let zs = sourceTrainEmbedding.gatherRows(Array(b[..<m]))
        let zt = try target.forward(targetTrain.gatherRows(Array(bt[..<m])), training: true)
        let mmd = try MultiBandwidthMMD.loss(zs, zt, factors: config.bandwidthFactors, weight: config.mmdWeight,
                                              threads: config.threads)
        targetStore.zeroGradients()
        _ = try target.backward(mmd.dy)
        adam.step()
        total += mmd.value
        batches += 1
      }
      let trainLoss = total / Double(max(batches, 1))
      // Validation: all source validation rows against all target validation rows, eval mode.
      let validationLoss = try MultiBandwidthMMD.loss(sourceValidationEmbedding,
                                                      try evaluateInBlocks(targetValidation) { try target.forward($0, training: false) },
                                                      factors: config.bandwidthFactors, weight: config.mmdWeight,
                                                      threads: config.threads).value
      guard trainLoss.isFinite, validationLoss.isFinite else {
        throw OmicsError(location: name, "loss became non-finite at epoch \(epoch + 1)")
      }
      history.train.append(trainLoss)
      history.validation.append(validationLoss)
      if epoch >= firstEligible && validationLoss < best {
        best = validationLoss
        bestValues = targetStore.snapshot()
        history.bestEpoch = epoch
      }
      bar.update(epoch + 1)
    }
    bar.finish()
    targetStore.restore(bestValues)
    history.seconds = Date().timeIntervalSince(started)
    return history
  }
}
