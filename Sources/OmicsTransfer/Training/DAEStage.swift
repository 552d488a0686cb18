import Foundation
import OmicsCore
import OmicsNN

/// The denoising-autoencoder pre-training of scDEAL (background §1.4 step 5).
///
/// Per batch an i.i.d. Bernoulli(0.2) mask zeroes input entries and the autoencoder reconstructs
/// the **corrupted** batch (upstream masks the batch tensor in place, so its target is the masked
/// input): `L = mean((AE(x̃) − x̃)²)`. Adam lr 1e-2, `ReduceLROnPlateau` (PyTorch defaults) stepped
/// on the training epoch loss, the weights of the epoch with the lowest validation loss kept
/// (validation batches are masked the same way). Batches of one row are skipped (BatchNorm).
enum DAEStage {
  static let maskProbability = 0.2

  static func train(encoder: EncoderNetwork, decoder: DecoderNetwork, store: ParameterStore<Float>,
                    train: Tensor<Float>, validation: Tensor<Float>, epochs: Int, batchSize: Int,
                    rng: inout SeededGenerator, name: String) throws -> StageHistory {
    var history = StageHistory(name: name)
    let started = Date()
    let adam = Adam(store, learningRate: 1e-2)
    let plateau = ReduceLROnPlateau()
    var best = Double.infinity
    var bestValues = store.snapshot()
    let bar = ProgressBar(name, total: epochs)
    for epoch in 0..<epochs {
      for (phase, x) in [(true, train), (false, validation)] {
        var total = 0.0, batches = 0
        for b in shuffledBatches(x.rows, size: batchSize, rng: &rng) where b.count >= 2 {
          var z = x.gatherRows(b)
          for i in 0..<z.count where rng.nextUnit() < maskProbability { z.scalars[i] = 0 }
          let out = try decoder.forward(try encoder.forward(z, training: phase), training: phase)
          let loss = try mseLoss(out, z)
          if phase {
            store.zeroGradients()
            _ = try encoder.backward(try decoder.backward(loss.gradient))
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
