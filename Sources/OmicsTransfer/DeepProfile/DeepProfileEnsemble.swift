import Foundation
import OmicsCore
import OmicsPreprocessing

/// One latent variable of the ensemble: unit `unit` of run `run` of the VAEs with latent size `latent`.
public struct LatentVariable: Sendable, Equatable {
  public var latent: Int
  public var run: Int
  public var unit: Int
  /// `L10_run3_z2` (latent size, run, unit; 0-based).
  public var id: String { "L\(latent)_run\(run)_z\(unit)" }
}

/// Pooling of many VAEs' latent variables into nodes (background §1.5, `Create_Ensemble_Labels.py`
/// and `Create_DeepProfile_*`): the variables in a fixed order (latent size outer, run inner, unit
/// innermost), k-means over the variables (each a point in sample space; n_init 10), a node = the
/// mean of its variables' values; gene weights likewise averaged per node.
public enum DeepProfileEnsemble {
  /// The VAEs in pooling order: latent sizes as given (outer), runs 0..<runs (inner).
  public static func runOrder(latents: [Int], runs: Int) -> [(latent: Int, run: Int)] {
    latents.flatMap { d in (0..<runs).map { (latent: d, run: $0) } }
  }

  /// The latent variables in pooling order.
  public static func variables(latents: [Int], runs: Int) -> [LatentVariable] {
    runOrder(latents: latents, runs: runs).flatMap { r in (0..<r.latent).map { LatentVariable(latent: r.latent, run: r.run, unit: $0) } }
  }

  /// The pooled matrix E (samples × V) from per-run embeddings (samples × d each) in pooling order.
  public static func pool(_ embeddings: [[Double]], latents: [Int], samples n: Int) -> [Double] {
    let v = latents.reduce(0, +)
    var e = [Double](repeating: 0, count: n * v)
    var offset = 0
    for (emb, d) in zip(embeddings, latents) {
      for i in 0..<n { for k in 0..<d { e[i * v + offset + k] = emb[i * d + k] } }
      offset += d
    }
    return e
  }

  /// k-means labels of the V variables of E (samples × V): `KMeans(n_clusters: nodes, n_init: 10)`.
  public static func cluster(_ e: [Double], samples n: Int, variables v: Int, nodes: Int, seed: UInt64) throws -> [Int] {
    guard nodes >= 1, nodes <= v else {
      throw OmicsError(location: "deepprofile", "--nodes \(nodes) must be between 1 and the number of latent variables (\(v))")
    }
    let points = DoubleMatrix(rows: v, cols: n)
    for i in 0..<n { for k in 0..<v { points[k, i] = e[i * v + k] } }
    return try KMeans.fit(points, KMeans.Options(k: nodes, nInit: 10, seed: seed)).labels
  }

  /// Node embedding (samples × nodes): row means of E over the variables of each label.
  public static func nodeEmbedding(_ e: [Double], samples n: Int, labels: [Int], nodes: Int) -> [Double] {
    let v = labels.count
    var sizes = [Double](repeating: 0, count: nodes)
    for l in labels { sizes[l] += 1 }
    var out = [Double](repeating: 0, count: n * nodes)
    for i in 0..<n {
      for k in 0..<v { out[i * nodes + labels[k]] += e[i * v + k] }
      for c in 0..<nodes { out[i * nodes + c] /= max(sizes[c], 1) }
    }
    return out
  }

  /// Node × gene weights: the mean of the rows (variables × genes) of each label.
  public static func nodeGeneWeights(_ w: [Double], genes g: Int, labels: [Int], nodes: Int) -> [Double] {
    var sizes = [Double](repeating: 0, count: nodes)
    for l in labels { sizes[l] += 1 }
    var out = [Double](repeating: 0, count: nodes * g)
    for (k, l) in labels.enumerated() { for j in 0..<g { out[l * g + j] += w[k * g + j] } }
    for c in 0..<nodes { for j in 0..<g { out[c * g + j] /= max(sizes[c], 1) } }
    return out
  }

  /// Labels as upstream saves them (`np.savetxt`, one per line, `%.18e`).
  public static func labelsText(_ labels: [Int]) -> String {
    labels.map { String(format: "%.18e", Double($0)) + "\n" }.joined()
  }

  /// Reads labels written by `labelsText` (or any one-number-per-line file of integral values).
  public static func parseLabels(_ text: String, file: String) throws -> [Int] {
    var out: [Int] = []
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let s = line.trimmingCharacters(in: .whitespaces)
      if s.isEmpty { continue }
      guard let v = Double(s), v >= 0, v == v.rounded(), v < 1e9 else {
        throw OmicsError(file: file, location: "line \(i + 1)", "not a cluster label: '\(s)'")
      }
      out.append(Int(v))
    }
    return out
  }
}
