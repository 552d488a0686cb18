import Foundation
import OmicsCore
import OmicsIO
import OmicsNN

/// The trained ensemble on disk (inside the `train` output folder), read back by `embed`:
///
///     deepprofile.json          format version, settings, genes, front end, run list, node labels
///     frontend.safetensors      pca.mean (G), pca.components (D × G) — or clusters.gene_cluster (G)
///     runs/L{d}_run{r}/         model.safetensors (encoder and decoder, Float32) + config.json
///     ensemble_labels.txt       the node of each latent variable, upstream's `%.18e` format
public enum DeepProfileModelStore {
  /// Version of the folder layout; `embed` refuses any other.
  public static let formatVersion = 1
  public static let formatName = "omics-deepprofile"

  static func runFolder(latent: Int, run: Int) -> String { "runs/L\(latent)_run\(run)" }

  /// Writes the model files into `dir` (an existing, still temporary folder).
  static func write(_ result: DeepProfileResult, to dir: String) throws {
    let m = result.model, fe = m.frontEnd, s = result.settings
    let config: [String: Any] = [
      "format": formatName, "format_version": formatVersion, "omics_transfer_version": OmicsTransfer.version,
      "front_end": fe.kind.rawValue, "components": fe.components, "genes": fe.genes,
      "latents": s.latents, "runs": s.runs, "nodes": m.nodes, "labels": m.labels,
      "run_folders": m.runOrder.map { runFolder(latent: $0.latent, run: $0.run) },
      "standardization": "per-gene z-score within the data (ddof 0); new data: missing genes/values → gene mean → 0",
    ]
    try DeepProfileOutputWriter.writeJSON(config, to: dir + "/deepprofile.json")
    let g = fe.genes.count
    let entries: [SafeTensorsWriter.Entry]
    switch fe.kind {
    case .pca:
      entries = [.float64("pca.mean", shape: [g], fe.mean), .float64("pca.components", shape: [fe.components, g], fe.loadings),
                 .float64("pca.explained_variance_ratio", shape: [fe.components], fe.varianceRatio)]
    case .clusters:
      entries = [.int64("clusters.gene_cluster", shape: [g], fe.clusterOfGene.map(Int64.init))]
    }
    try SafeTensorsWriter.write(entries, to: dir + "/frontend.safetensors")
    try AtomicFileWriter.write(Data(DeepProfileEnsemble.labelsText(m.labels).utf8), to: dir + "/ensemble_labels.txt")
    for (i, model) in m.runs.enumerated() {
      let (d, r) = m.runOrder[i]
      let runConfig: [String: Any] = [
        "model_type": "deepprofile_vae", "inputs": model.inputs, "latent": d, "hidden": [model.hidden1, model.hidden2],
        "run": r, "seed": Int(m.seeds[i]), "batchnorm": "keras2 (eps 1e-3, momentum 0.99)",
        "embedding": "z_mean in inference mode", "omics_transfer_version": OmicsTransfer.version,
      ]
      try Checkpoint.save(model.store, config: runConfig, to: dir + "/" + runFolder(latent: d, run: r))
    }
  }

  /// Reads a model folder written by `train`.
  public static func read(_ dir: String) throws -> DeepProfileModel {
    let path = dir + "/deepprofile.json"
    guard let data = FileManager.default.contents(atPath: path) else {
      throw OmicsError(file: path, "cannot read: is \(dir) a folder written by omics deepprofile train?")
    }
    guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
      throw OmicsError(file: path, "not a JSON object")
    }
    guard json["format"] as? String == formatName else { throw OmicsError(file: path, "not an omics deepprofile model") }
    let version = json["format_version"] as? Int ?? -1
    guard version == formatVersion else {
      throw OmicsError(file: path, "model format version \(version) (omics_transfer \(json["omics_transfer_version"] as? String ?? "?")); this omics reads version \(formatVersion): retrain the model")
    }
    func field<T>(_ key: String, _ type: T.Type) throws -> T {
      guard let v = json[key] as? T else { throw OmicsError(file: path, location: key, "missing or of the wrong type") }
      return v
    }
    guard let kind = DeepProfileFrontEndKind(rawValue: try field("front_end", String.self)) else {
      throw OmicsError(file: path, location: "front_end", "unknown front end")
    }
    let components = try field("components", Int.self), genes = try field("genes", [String].self)
    let latents = try field("latents", [Int].self), runs = try field("runs", Int.self)
    let nodes = try field("nodes", Int.self), labels = try field("labels", [Int].self)
    let order = DeepProfileEnsemble.runOrder(latents: latents, runs: runs)
    guard labels.count == latents.reduce(0, +) * runs, labels.allSatisfy({ $0 >= 0 && $0 < nodes }) else {
      throw OmicsError(file: path, location: "labels", "\(labels.count) labels do not fit \(runs) runs of latent sizes \(latents) and \(nodes) nodes")
    }
    let fePath = dir + "/frontend.safetensors"
    let st = try SafeTensorsFile(path: fePath)
    let g = genes.count
    var fe = DeepProfileFrontEnd(kind: kind, components: components, genes: genes, mean: [], loadings: [], varianceRatio: [],
                                 clusterOfGene: [])
    switch kind {
    case .pca:
      fe.mean = try st.doubles("pca.mean")
      fe.loadings = try st.doubles("pca.components")
      guard fe.mean.count == g, fe.loadings.count == components * g else {
        throw OmicsError(file: fePath, "PCA shapes do not match \(components) components × \(g) genes")
      }
    case .clusters:
      fe.clusterOfGene = try st.int64s("clusters.gene_cluster").map { Int($0) }
      guard fe.clusterOfGene.count == g, fe.clusterOfGene.allSatisfy({ $0 >= -1 && $0 < components }) else {
        throw OmicsError(file: fePath, "cluster labels do not match \(g) genes and \(components) clusters")
      }
    }
    var models: [DeepProfileVAE<Float>] = []
    var seeds: [UInt64] = []
    for (d, r) in order {
      let folder = dir + "/" + runFolder(latent: d, run: r)
      var rng = SeededGenerator(seed: 0)
      let model = DeepProfileVAE<Float>(inputs: components, latent: d, rng: &rng)
      let cfg = try Checkpoint.load(model.store, fromDirectory: folder)
      seeds.append(UInt64(cfg["seed"] as? Int ?? 0))
      models.append(model)
    }
    return DeepProfileModel(frontEnd: fe, runs: models, runOrder: order, seeds: seeds, labels: labels, nodes: nodes)
  }
}
