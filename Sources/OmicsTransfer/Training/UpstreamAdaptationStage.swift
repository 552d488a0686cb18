import Foundation
import OmicsCore
import OmicsNN

/// The `upstream` DaNN stage, as scDEAL's `train_DaNN_model2` runs (background §1.6 step 4).
///
/// Adam lr 1e-2 over the **target autoencoder only**; loss `CE(bulk predictor(z_s), y_s) +
/// 0.25·MMD²_{σ=1000}(z_s, z_t)` — the CE term depends only on the bulk branch, so the only gradient
/// is the MMD's; both branches in train mode in the training phase (the bulk BatchNorm running
/// statistics drift and are kept, bulk dropout is active), eval mode in the validation phase.
/// Paired batches are truncated to `m = min` rows and skipped when `m < 10` (target batch index not
/// advanced); epoch loss = Σ loss / max(#source batches, #target batches); `ReduceLROnPlateau` on
/// the training loss; the state (target autoencoder **and** bulk model) of the lowest validation
/// loss after the first 10 % of epochs is kept. Not reproduced: the gradient-free Louvain "cluster"
/// term, which only shifts the logged loss.
enum UpstreamAdaptationStage {
  static func train(bulk: BulkModel, target: EncoderNetwork, targetStore: ParameterStore<Float>,
                    sourceTrain: Tensor<Float>, sourceTrainLabels: [Int], sourceValidation: Tensor<Float>,
                    sourceValidationLabels: [Int], targetTrain: Tensor<Float>, targetValidation: Tensor<Float>,
                    config: AdaptConfig, rng: inout SeededGenerator) throws -> StageHistory {
    let name = "adaptation (DaNN)"
    var history = StageHistory(name: name)
    let started = Date()
    let adam = Adam(targetStore, learningRate: 1e-2)
    let plateau = ReduceLROnPlateau()
    var best = Double.infinity
    var bestTarget = targetStore.snapshot(), bestBulk = bulk.store.snapshot()
    let bar = ProgressBar(name, total: config.adaptEpochs)
    let epochs = config.adaptEpochs
    for epoch in 0..<epochs {
      for (phase, xs, ys, xt) in [(true, sourceTrain, sourceTrainLabels, targetTrain),
                                  (false, sourceValidation, sourceValidationLabels, targetValidation)] {
        var total = 0.0
        let targetBatches = shuffledBatches(xt.rows, size: config.batchSize, rng: &rng)
        let sourceBatches = shuffledBatches(xs.rows, size: config.batchSize, rng: &rng)
        var j = 0
        for b in sourceBatches {
          let bt = targetBatches[j]
          let m = min(b.count, bt.count)
          if m < 10 { continue }
          let rows = Array(b[..<m])
          let zs = try bulk.encoder.forward(xs.gatherRows(rows), training: phase)
          let scores = try bulk.predictor.forward(zs, training: phase)
          let ce = try crossEntropyLoss(scores, labels: rows.map { ys[$0] })
          let zt = try target.forward(xt.gatherRows(Array(bt[..<m])), training: phase)
          let mmd = try mmdLoss(zs, zt, bandwidths: [1000], weight: 0.25)
          if phase {
            targetStore.zeroGradients()
            _ = try target.backward(mmd.dy)
            adam.step()
          }
          total += ce.value + mmd.value
          j = (j + 1) % targetBatches.count
        }
        let epochLoss = total / Double(max(sourceBatches.count, targetBatches.count, 1))
        guard epochLoss.isFinite else { throw OmicsError(location: name, "loss became non-finite at epoch \(epoch + 1)") }
        if phase {
          history.train.append(epochLoss)
          plateau.step(epochLoss, optimizer: adam)
        } else {
          history.validation.append(epochLoss)
          if epochLoss < best && Double(epoch) > 0.1 * Double(epochs) {
            best = epochLoss
            bestTarget = targetStore.snapshot()
            bestBulk = bulk.store.snapshot()
            history.bestEpoch = epoch
          }
        }
      }
      bar.update(epoch + 1)
    }
    bar.finish()
    targetStore.restore(bestTarget)
    bulk.store.restore(bestBulk)
    history.seconds = Date().timeIntervalSince(started)
    return history
  }
}
