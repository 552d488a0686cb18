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
    try BestValidationTraining.run(
      store: model.store, train: (train, trainLabels), validation: (validation, validationLabels), rows: { $0.0.rows },
      epochs: epochs, batchSize: batchSize, rng: &rng, name: name
    ) { training, data, b, _ in
      let scores = try model.forward(data.0.gatherRows(b), training: training)
      let loss = try crossEntropyLoss(scores, labels: b.map { data.1[$0] })
      if training { try model.backward(loss.gradient) }
      return loss.value
    }
  }
}
