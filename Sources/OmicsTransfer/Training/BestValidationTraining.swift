import Foundation
import OmicsCore
import OmicsNN

/// The epoch loop the two bulk stages share (scDEAL's `train_AE_model` / `train_predictor_model`):
/// per epoch a training pass then a validation pass over shuffled batches (batches of one row are
/// skipped, BatchNorm), Adam lr 1e-2, `ReduceLROnPlateau` stepped on the training epoch loss, and
/// the weights of the epoch with the lowest validation loss kept.
enum BestValidationTraining {
  /// `batchLoss(training, x, y, rows, rng)` computes one batch's loss and, when training, its
  /// backward pass; gradients are zeroed before and Adam steps after it.
  static func run<Data>(
    store: ParameterStore<Float>, train: Data, validation: Data, rows: (Data) -> Int, epochs: Int, batchSize: Int,
    rng: inout SeededGenerator, name: String,
    batchLoss: (_ training: Bool, _ data: Data, _ batch: [Int], _ rng: inout SeededGenerator) throws -> Double
  ) throws -> StageHistory {
    var history = StageHistory(name: name)
    let started = Date()
    let adam = Adam(store, learningRate: 1e-2)
    let plateau = ReduceLROnPlateau()
    var best = Double.infinity
    var bestValues = store.snapshot()
    let bar = ProgressBar(name, total: epochs)
    for epoch in 0..<epochs {
      for (phase, data) in [(true, train), (false, validation)] {
        var total = 0.0, batches = 0
        for b in shuffledBatches(rows(data), size: batchSize, rng: &rng) where b.count >= 2 {
          if phase { store.zeroGradients() }
          total += try batchLoss(phase, data, b, &rng)
          if phase { adam.step() }
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
