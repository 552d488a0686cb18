import Foundation
import OmicsCore
import OmicsIO

/// Writes the output folder of `omics deepprofile train` (Docs/deepprofile.md, "Outputs"):
/// `embedding.h5ad`, `nodes.tsv`, `node_gene_weights.tsv`, the model files
/// (`DeepProfileModelStore`), `report.json`, `training.svg`, `node_heatmap.svg` and, with gene sets,
/// `node_pathways.tsv`. Everything goes into a hidden temporary sibling folder renamed to the
/// requested name only when complete; an existing folder of that name is replaced only then.
public enum DeepProfileOutputWriter {
  /// What the command knows beyond the result (recorded in `report.json`).
  public struct Provenance {
    public var input: String
    public var seconds: Double
    public var extraFiles: [String: Data]
    public var extraReport: [String: Any]
    public init(input: String, seconds: Double, extraFiles: [String: Data] = [:], extraReport: [String: Any] = [:]) {
      self.input = input
      self.seconds = seconds
      self.extraFiles = extraFiles
      self.extraReport = extraReport
    }
  }

  public static func write(_ result: DeepProfileResult, input: ExpressionMatrix, provenance: Provenance, to dir: String) throws {
    try AtomicDirectory.write(to: dir) { tmp in
      try writeEmbedding(result.nodeEmbedding, nodes: result.model.nodes, input: input, to: tmp + "/embedding.h5ad")
      try writeNodes(result, to: tmp + "/nodes.tsv")
      if let w = result.nodeGeneWeights {
        try writeNodeGeneWeights(w, nodes: result.model.nodes, genes: result.model.frontEnd.genes, to: tmp + "/node_gene_weights.tsv")
      }
      try DeepProfileModelStore.write(result, to: tmp)
      try writeJSON(report(result, provenance: provenance), to: tmp + "/report.json")
      try AtomicFileWriter.write(Data(DeepProfilePlots.trainingSVG(result.summaries).utf8), to: tmp + "/training.svg")
      try AtomicFileWriter.write(Data(DeepProfilePlots.nodeHeatmapSVG(result.nodeEmbedding, samples: input.nObs,
                                                                       nodes: result.model.nodes).utf8),
                                 to: tmp + "/node_heatmap.svg")
      for (name, data) in provenance.extraFiles { try AtomicFileWriter.write(data, to: tmp + "/" + name) }
    }
  }

  /// The input's obs with X = node embedding (samples × nodes, var `node_0…`) and obsm `X_deepprofile`.
  public static func writeEmbedding(_ e: [Double], nodes: Int, input: ExpressionMatrix, to path: String) throws {
    let n = input.nObs
    let values = DenseArray(shape: [n, nodes], values: .float32(e.map(Float.init)))
    var m = ExpressionMatrix(X: .dense(values), obs: input.obs, var: DataFrame(index: (0..<nodes).map { "node_\($0)" }))
    m.obsm["X_deepprofile"] = .array(values)
    try H5ADWriter.write(m, to: path)
  }

  static func writeNodes(_ r: DeepProfileResult, to path: String) throws {
    var members = [[String]](repeating: [], count: r.model.nodes)
    for (v, l) in zip(r.variables, r.model.labels) { members[l].append(v.id) }
    let rows: [[TSVCell]] = members.enumerated().map { (c, ids) in
      [.string("node_\(c)"), .int(ids.count), .string(ids.joined(separator: ","))]
    }
    try TSVWriter.write(header: ["node", "n_variables", "latent_variables"], rows: rows, to: path)
  }

  static func writeNodeGeneWeights(_ w: [Double], nodes: Int, genes: [String], to path: String) throws {
    let g = genes.count
    let rows: [[TSVCell]] = (0..<nodes).map { c in [.string("node_\(c)")] + (0..<g).map { .double(w[c * g + $0]) } }
    try TSVWriter.write(header: ["node"] + genes, rows: rows, to: path)
  }

  static func report(_ r: DeepProfileResult, provenance p: Provenance) -> [String: Any] {
    let s = r.settings
    func num(_ v: Double) -> Any { v.isFinite ? v : NSNull() }
    var report: [String: Any] = [
      "omics_transfer_version": OmicsTransfer.version, "input": p.input, "seconds": p.seconds,
      "samples": r.nodeEmbedding.count / max(r.model.nodes, 1), "genes": r.model.frontEnd.genes.count,
      "settings": [
        "front_end": s.frontEnd.rawValue, "components": r.model.frontEnd.components, "latents": s.latents, "runs": s.runs,
        "nodes": s.nodes, "epochs": s.vae.epochs, "batch_size": s.vae.batchSize, "lr": s.vae.learningRate,
        "beta": s.vae.beta, "warmup_kappa": s.vae.warmupKappa, "seed": Int(s.seed), "kmeans_seed": Int(s.kmeansSeed),
        "threads": s.threads, "adam_epsilon": 1e-7, "attribution_steps": s.attributions ? s.attributionSteps : 0,
      ] as [String: Any],
      "timings_seconds": r.timings,
      "runs": r.summaries.map { x in
        ["latent": x.latent, "run": x.run, "seed": Int(x.seed), "hidden": x.hidden, "final_loss": num(x.losses.last ?? .nan),
         "first_loss": num(x.losses.first ?? .nan), "reconstruction_mse": num(x.reconstructionMSE), "mean_r2": num(x.meanR2),
         "seconds": x.seconds] as [String: Any]
      },
    ]
    if r.model.frontEnd.kind == .pca {
      report["pca_explained_variance"] = r.model.frontEnd.varianceRatio.reduce(0, +)
    }
    if let t = r.madThreshold { report["mad_threshold"] = t }
    if let k = r.genesKept { report["genes_kept_by_mad"] = k }
    for (k, v) in p.extraReport { report[k] = v }
    return report
  }

  static func writeJSON(_ object: [String: Any], to path: String) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
    try AtomicFileWriter.write(data + Data("\n".utf8), to: path)
  }
}
