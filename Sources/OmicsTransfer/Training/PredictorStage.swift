import Foundation
import OmicsCore
import OmicsNN

/// The bulk predictor fine-tuning of scDEAL (background §1.4 step 6): encoder (initialised from the
/// DAE) + predictor trained end to end with cross-entropy on the **sigmoid outputs** (as upstream),
/// Adam lr 1e-2, `ReduceLROnPlateau` on the training loss, best validation epoch kept.
enum PredictorStage {
  static func train(model: BulkModel, train: Tensor<Float>, trainLabels: [Int], validation: Tensor<Float>,
                    validationLabels: [Int], epochs: Int, batchSize: Int, rng: inout SeededGenerator,
                    name: String) throws -> StageHistory {
    var history = StageHistory(name: name)
    let started = Date()
    let store = model.store
    let adam = Adam(store, learningRate: 1e-2)
    let plateau = ReduceLROnPlateau()
    var best = Double.infinity
    var bestValues = store.snapshot()
    let bar = ProgressBar(name, total: epochs)
    for epoch in 0..<epochs {
      for (phase, x, y) in [(true, train, trainLabels), (false, validation, validationLabels)] {
        var total = 0.0, batches = 0
        for b in shuffledBatches(x.rows, size: batchSize, rng: &rng) where b.count >= 2 {
          let scores = try model.forward(x.gatherRows(b), training: phase)
          let loss = try crossEntropyLoss(scores, labels: b.map { y[$0] })
          if phase {
            store.zeroGradients()
            try model.backward(loss.gradient)
            adam.step()
          }
          total += loss.value
          batches += 1
        }
        let epochLoss = total / Double(max(batches, 1))
        guard epochLoss.isFinite else { throw OmicsError(location: name, "loss became non-finite at epoch \(epoch + 1)") }
        if phase {
          history.train.append(epochLoss)
          plateau.step(epochLoss, optimizer: adam)
        } else {
          history.validation.append(epochLoss)
          if epochLoss < best {
            best = epochLoss
            bestValues = store.snapshot()
            history.bestEpoch = epoch
          }
        }
      }
      bar.update(epoch + 1)
    }
    bar.finish()
    store.restore(bestValues)
    history.seconds = Date().timeIntervalSince(started)
    return history
  }
}
