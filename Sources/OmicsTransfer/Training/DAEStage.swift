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
    try BestValidationTraining.run(
      store: store, train: train, validation: validation, rows: { $0.rows }, epochs: epochs, batchSize: batchSize,
      rng: &rng, name: name
    ) { training, x, b, rng in
      var z = x.gatherRows(b)
      for i in 0..<z.count where rng.nextUnit() < maskProbability { z.scalars[i] = 0 }
      let out = try decoder.forward(try encoder.forward(z, training: training), training: training)
      let loss = try mseLoss(out, z)
      if training { _ = try encoder.backward(try decoder.backward(loss.gradient)) }
      return loss.value
    }
  }
}
