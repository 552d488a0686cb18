import Foundation
import OmicsCore
import OmicsNN

/// The `aligned` adaptation stage (background §1.10, §5.3 "warm start + multi-bandwidth MMD").
///
/// The target encoder starts as a copy of the fine-tuned bulk encoder (same genes); the bulk model
/// is frozen and run in **eval** mode; the target encoder runs in train mode (its BatchNorm
/// statistics move to the target). Per epoch, source and target training rows are shuffled into
/// batches and paired (target batches cycled), both truncated to `m = min` rows; batches with
/// `m < 2` are skipped. Loss = `w·Σ_f MMD²_{f·med}` with `med` the median pairwise distance of
/// the concatenated embeddings (no gradient through it), `f ∈ {¼, ½, 1, 2, 4}`; Adam (lr 1e-3 by
/// default), no scheduler. Selection: the epoch with the lowest validation MMD (source validation vs
/// target validation, target encoder in eval mode) among epochs ≥ ⌊epochs/10⌋. Target labels are
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
    for epoch in 0..<config.adaptEpochs {
      for (phase, xs, xt) in [(true, sourceTrain, targetTrain), (false, sourceValidation, targetValidation)] {
        var total = 0.0, batches = 0
        let targetBatches = shuffledBatches(xt.rows, size: config.batchSize, rng: &rng)
        var j = 0
        for b in shuffledBatches(xs.rows, size: config.batchSize, rng: &rng) {
          let bt = targetBatches[j]
          j = (j + 1) % targetBatches.count
          let m = min(b.count, bt.count)
          if m < 2 { continue }
          let zs = try bulk.encoder.forward(xs.gatherRows(Array(b[..<m])), training: false)
          let zt = try target.forward(xt.gatherRows(Array(bt[..<m])), training: phase)
          let mmd = try MultiBandwidthMMD.loss(zs, zt, factors: config.bandwidthFactors, weight: config.mmdWeight)
          if phase {
            targetStore.zeroGradients()
            _ = try target.backward(mmd.dy)
            adam.step()
          }
          total += mmd.value
          batches += 1
        }
        let epochLoss = total / Double(max(batches, 1))
        guard epochLoss.isFinite else { throw OmicsError(location: name, "loss became non-finite at epoch \(epoch + 1)") }
        if phase {
          history.train.append(epochLoss)
        } else {
          history.validation.append(epochLoss)
          if epoch >= firstEligible && epochLoss < best {
            best = epochLoss
            bestValues = targetStore.snapshot()
            history.bestEpoch = epoch
          }
        }
      }
      bar.update(epoch + 1)
    }
    bar.finish()
    targetStore.restore(bestValues)
    history.seconds = Date().timeIntervalSince(started)
    return history
  }
}
