import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import OmicsTransfer

/// Helpers shared by the `omics adapt` CLI tests: reading predictions and scoring them.
enum AdaptSupport {
  struct Predictions {
    var cells: [String]
    var probSourceOnly: [Double]
    var labelSourceOnly: [Int]
    var probAdapted: [Double]
    var labelAdapted: [Int]
  }

  static func predictions(_ dir: String) throws -> Predictions {
    let text = try String(contentsOfFile: dir + "/predictions.tsv", encoding: .utf8)
    var lines = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    let header = lines.removeFirst()
    precondition(header == ["cell", "prob_source_only", "label_source_only", "prob_adapted", "label_adapted"], "\(header)")
    return Predictions(cells: lines.map { $0[0] }, probSourceOnly: lines.map { Double($0[1]) ?? .nan },
                       labelSourceOnly: lines.map { Int($0[2]) ?? -1 }, probAdapted: lines.map { Double($0[3]) ?? .nan },
                       labelAdapted: lines.map { Int($0[4]) ?? -1 })
  }

  static func report(_ dir: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/report.json"))
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
  }

  /// The 0/1 `truth` column of a fixture target (used for scoring only).
  static func truth(_ target: String) throws -> [Int] {
    let m = try H5ADReader.read(target, showProgress: false)
    return (MatrixExtraction.numericColumn(m, "truth") ?? []).map { Int($0) }
  }

  /// Target AUROC and weighted F1 of the source-only and the adapted predictions.
  static func scores(_ p: Predictions, truth: [Int]) -> (aurocSource: Double, aurocAdapted: Double, f1Source: Double, f1Adapted: Double) {
    (ClassificationMetrics.auroc(p.probSourceOnly, truth), ClassificationMetrics.auroc(p.probAdapted, truth),
     ClassificationMetrics.weightedF1(predicted: p.labelSourceOnly, truth: truth),
     ClassificationMetrics.weightedF1(predicted: p.labelAdapted, truth: truth))
  }
}
