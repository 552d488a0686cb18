import Foundation
import OmicsCore
import OmicsIO
import OmicsNN

/// Writes the output folder of `omics adapt`: `predictions.tsv`, `target.h5ad`, `model/`
/// (`config.json` + `model.safetensors`), `report.json`, `training.svg` and, with attributions,
/// `attributions.tsv`. Everything goes into a temporary sibling folder that is renamed to the
/// requested name only when complete; an existing folder of that name is replaced only then.
public enum AdaptOutputWriter {
  /// What the command knows beyond the result (recorded in `report.json`).
  public struct Provenance: Sendable {
    public var source: String
    public var target: String
    public var labelColumn: String
    public var labelMapping: [String: Int]
    public var missingLabels: Int
    public var classCounts: [Int]
    public var binarization: [String: Double]?
    public var normalized: Bool
    public var seconds: Double

    public init(source: String, target: String, labelColumn: String, labelMapping: [String: Int], missingLabels: Int,
                classCounts: [Int], binarization: [String: Double]? = nil, normalized: Bool, seconds: Double) {
      self.source = source
      self.target = target
      self.labelColumn = labelColumn
      self.labelMapping = labelMapping
      self.missingLabels = missingLabels
      self.classCounts = classCounts
      self.binarization = binarization
      self.normalized = normalized
      self.seconds = seconds
    }
  }

  public static func write(_ result: AdaptResult, target: ExpressionMatrix, provenance: Provenance, to dir: String) throws {
    try AtomicDirectory.write(to: dir) { tmp in
      try FileManager.default.createDirectory(atPath: tmp + "/model", withIntermediateDirectories: true)
      try writePredictions(result, cells: target.obs.index, to: tmp + "/predictions.tsv")
      try writeTargetH5AD(result, target: target, to: tmp + "/target.h5ad")
      try writeModel(result, provenance: provenance, to: tmp + "/model")
      try writeJSON(report(result, provenance: provenance), to: tmp + "/report.json")
      try AtomicFileWriter.write(Data(TrainingPlot.svg(result.stages).utf8), to: tmp + "/training.svg")
      if let a = result.attributions {
        let rows: [[TSVCell]] = a.rows.map {
          [.int($0.predictedClass), .int($0.rank), .string($0.gene), .double($0.meanAttribution), .int($0.cells)]
        }
        try TSVWriter.write(header: ["class", "rank", "gene", "mean_attribution", "cells"], rows: rows,
                            to: tmp + "/attributions.tsv")
      }
    }
  }

  static func writePredictions(_ r: AdaptResult, cells: [String], to path: String) throws {
    let adaptedLabels = ScDealAdaptation.argmax(r.adapted)
    let sourceLabels = r.sourceOnly.map(ScDealAdaptation.argmax)
    let rows: [[TSVCell]] = cells.indices.map { i in
      [.string(cells[i]),
       r.sourceOnly.map { .double(Double($0[i, 1])) } ?? .missing,
       sourceLabels.map { .int($0[i]) } ?? .missing,
       .double(Double(r.adapted[i, 1])), .int(adaptedLabels[i])]
    }
    try TSVWriter.write(header: ["cell", "prob_source_only", "label_source_only", "prob_adapted", "label_adapted"],
                        rows: rows, to: path)
  }

  static func writeTargetH5AD(_ r: AdaptResult, target: ExpressionMatrix, to path: String) throws {
    var m = target
    let n = m.nObs
    m.obs.columns["adapt_prob"] = .array(DenseArray(shape: [n], values: .float64((0..<n).map { Double(r.adapted[$0, 1]) })))
    m.obs.columns["adapt_label"] = .array(DenseArray(shape: [n], values: .int64(ScDealAdaptation.argmax(r.adapted).map(Int64.init))))
    m.obsm["X_adapt"] = .array(DenseArray(shape: [n, r.embedding.columns], values: .float32(r.embedding.scalars)))
    try H5ADWriter.write(m, to: path)
  }

  /// `model.safetensors` holds the bulk model under `source_model.` and the adapted target encoder
  /// under `target_model.` (scDEAL's DaNN wrapper names); the deployed single-cell model is
  /// `target_model` encoder + `source_model.predictor`.
  static func writeModel(_ r: AdaptResult, provenance: Provenance, to dir: String) throws {
    let entries = Checkpoint.entries(of: r.bulk.store, prefix: "source_model.")
      + Checkpoint.entries(of: r.targetStore, prefix: "target_model.")
    try SafeTensorsWriter.write(entries, to: dir + "/model.safetensors")
    let c = r.config
    let config: [String: Any] = [
      "model_type": "scdeal_dann", "omics_transfer_version": OmicsTransfer.version, "mode": c.mode.rawValue,
      "source_genes": r.genes, "target_genes": r.targetGenes, "latent": c.latent, "hidden": c.hidden,
      "predictor_hidden": c.predictorHidden, "dropout": c.dropout, "label_column": provenance.labelColumn,
      "label_mapping": provenance.labelMapping, "scaling": "per-domain per-gene min-max",
      "deployed_model": "target_model.{encoder,bottleneck} then source_model.predictor; output column 1 = class 1",
    ]
    try writeJSON(config, to: dir + "/config.json")
  }

  static func report(_ r: AdaptResult, provenance p: Provenance) -> [String: Any] {
    let c = r.config
    func num(_ v: Double) -> Any { v.isFinite ? v : NSNull() }
    var stages: [String: Any] = [:]
    for s in r.stages {
      stages[s.name] = ["train_loss": s.train.map(num), "validation_loss": s.validation.map(num),
                        "best_epoch": s.bestEpoch + 1, "seconds": s.seconds]
    }
    var report: [String: Any] = [
      "omics_transfer_version": OmicsTransfer.version,
      "source": p.source, "target": p.target, "mode": c.mode.rawValue, "seed": Int(c.seed), "threads": c.threads,
      "settings": ["bulk_epochs": c.bulkEpochs, "adapt_epochs": c.adaptEpochs, "latent": c.latent, "hidden": c.hidden,
                   "predictor_hidden": c.predictorHidden, "dropout": c.dropout, "batch_size": c.batchSize,
                   "adapt_lr": c.mode == .aligned ? c.adaptLearningRate : 1e-2,
                   "mmd_weight": c.mode == .aligned ? c.mmdWeight : 0.25] as [String: Any],
      "genes_used": r.genes.count, "target_genes_used": r.targetGenes.count,
      "genes_dropped_from_source": r.droppedFromSource, "genes_dropped_from_target": r.droppedFromTarget,
      "label_column": p.labelColumn, "label_mapping": p.labelMapping, "labels_missing_dropped": p.missingLabels,
      "class_counts": ["0": p.classCounts[0], "1": p.classCounts[1]], "target_normalized": p.normalized,
      "splits": r.splits, "target_cells": r.adapted.rows,
      "bulk_test": ["auroc": num(r.bulkTest.auroc), "average_precision": num(r.bulkTest.averagePrecision),
                    "weighted_f1": num(r.bulkTest.weightedF1), "samples": r.bulkTest.count] as [String: Any],
      "stages": stages, "seconds": p.seconds,
    ]
    if let b = p.binarization { report["binarization"] = b }
    if let a = r.attributions {
      report["attributions"] = ["top": c.attributions, "steps": c.attributionSteps,
                                "max_completeness_error": a.completenessError,
                                "mean_completeness_error": a.meanCompletenessError] as [String: Any]
    }
    return report
  }

  static func writeJSON(_ object: [String: Any], to path: String) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    try AtomicFileWriter.write(data + Data("\n".utf8), to: path)
  }
}
