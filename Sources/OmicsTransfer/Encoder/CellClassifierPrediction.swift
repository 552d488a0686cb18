import Foundation
import OmicsCore
import OmicsNN

/// Class probabilities of cells from a fine-tuned `BertForSequenceClassification` (inference
/// path of `BertEncoder`): cells batched longest first, results in input order.
public enum CellClassifierPrediction {
  public static func probabilities(_ model: BertEncoder, cells: [[Int32]], batchSize: Int,
                                   progress: ProgressBar? = nil) throws -> [[Double]] {
    let order = cells.indices.sorted { cells[$0].count != cells[$1].count ? cells[$0].count > cells[$1].count : $0 < $1 }
    var out = [[Double]](repeating: [], count: cells.count)
    for start in stride(from: 0, to: order.count, by: batchSize) {
      let members = Array(order[start..<min(order.count, start + batchSize)])
      let batch = BertEncoder.Batch(sequences: members.map { cells[$0] })
      let last = try model.forward(batch, keepHiddenStates: false).last
      let logits = try model.classify(last).logits
      let k = logits.columns
      for (r, i) in members.enumerated() {
        let row = (0..<k).map { Double(logits.scalars[r * k + $0]) }
        let m = row.max() ?? 0
        let e = row.map { exp($0 - m) }
        let s = e.reduce(0, +)
        out[i] = e.map { $0 / s }
      }
      progress?.update(start + members.count)
    }
    return out
  }
}
