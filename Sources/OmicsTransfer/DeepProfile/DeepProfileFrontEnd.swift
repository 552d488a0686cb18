import OmicsCore
import OmicsPreprocessing

/// How expression is reduced before the VAEs (background §1.2, §0.1).
public enum DeepProfileFrontEndKind: String, Sendable, CaseIterable {
  /// PCA of the z-scored genes (deepprofile-study `Create_PCs_for_DeepLearning_Models.py`): exact,
  /// scikit-learn ≥ 1.5 signs; the VAE input is the scores.
  case pca
  /// The review's description of the 2018 preprint (a project rule, not in any published code):
  /// genes with MAD below the mean MAD dropped (`omics filter --mad`), k-means over the z-scored
  /// genes, the VAE input is each cluster's centroid (mean of its genes).
  case clusters
}

/// The fitted front end: maps z-scored expression over the training genes to the VAE input, and
/// VAE-input attributions back to genes.
public struct DeepProfileFrontEnd: Sendable {
  public var kind: DeepProfileFrontEndKind
  /// Number of VAE inputs D (components or clusters).
  public var components: Int
  /// Training genes G (all of them; genes the MAD rule drops have cluster −1 and zero mapping).
  public var genes: [String]
  /// PCA: the mean subtracted before projecting (G; ~0 after z-scoring) and `components_` (D × G).
  public var mean: [Double]
  public var loadings: [Double]
  /// PCA: explained variance ratio of each component.
  public var varianceRatio: [Double]
  /// Clusters: the cluster of each gene (−1 = dropped by the MAD rule).
  public var clusterOfGene: [Int]

  /// The default component count by sample count (background §1.2): 1000 above 1,000 samples,
  /// 500 for 500–1,000, 250 below; never more than samples − 1 or the gene count.
  public static func defaultComponents(samples: Int, genes: Int) -> Int {
    let byCount = samples > 1000 ? 1000 : samples >= 500 ? 500 : 250
    return max(1, min(byCount, samples - 1, genes))
  }

  /// Fits the PCA front end on z-scored data (samples × genes).
  public static func fitPCA(_ z: [Double], samples: [String], genes: [String], components: Int) throws -> DeepProfileFrontEnd {
    let n = samples.count, g = genes.count
    guard components >= 1, components <= min(n - 1, g) else {
      throw OmicsError(location: "deepprofile", "--components \(components) must be between 1 and min(samples − 1, genes) = \(min(n - 1, g))")
    }
    let m = ExpressionMatrix(X: .dense(DenseArray(shape: [n, g], values: .float64(z))),
                             obs: DataFrame(index: samples), var: DataFrame(index: genes))
    let r = try PCA.fit(m, PCA.Options(nComps: components, solver: .exact))
    var mean = [Double](repeating: 0, count: g)
    for i in 0..<n { for j in 0..<g { mean[j] += z[i * g + j] } }
    for j in 0..<g { mean[j] /= Double(n) }
    var components_ = [Double](repeating: 0, count: components * g)
    for j in 0..<g { for c in 0..<components { components_[c * g + j] = r.loadings[j * components + c] } }
    return DeepProfileFrontEnd(kind: .pca, components: components, genes: genes, mean: mean, loadings: components_,
                               varianceRatio: r.varianceRatio, clusterOfGene: [])
  }

  /// Fits the clusters front end: MAD rule on the raw values, then k-means (k = `components`,
  /// n_init 10, `seed`) over the z-scored kept genes.
  public static func fitClusters(raw: [Double], z: [Double], samples: [String], genes: [String], components: Int,
                                 seed: UInt64) throws -> (DeepProfileFrontEnd, madThreshold: Double, kept: Int) {
    let n = samples.count, g = genes.count
    let rawMatrix = Matrix.dense(DenseArray(shape: [n, g], values: .float64(raw)))
    let mads = try MADFilter.mads(of: rawMatrix)
    let (kept, threshold) = MADFilter.select(mads, rule: .aboveMean)
    guard components >= 1, components <= kept.count else {
      throw OmicsError(location: "deepprofile", "--components \(components) clusters need at least as many genes; the MAD rule kept \(kept.count)")
    }
    let points = DoubleMatrix(rows: kept.count, cols: n)
    for (r, j) in kept.enumerated() { for i in 0..<n { points[r, i] = z[i * g + j] } }
    let result = try KMeans.fit(points, KMeans.Options(k: components, nInit: 10, seed: seed))
    var clusterOfGene = [Int](repeating: -1, count: g)
    for (r, j) in kept.enumerated() { clusterOfGene[j] = result.labels[r] }
    let fe = DeepProfileFrontEnd(kind: .clusters, components: components, genes: genes, mean: [], loadings: [],
                                 varianceRatio: [], clusterOfGene: clusterOfGene)
    return (fe, threshold, kept.count)
  }

  /// The VAE input (samples × D) for z-scored data over `genes`.
  public func transform(_ z: [Double], samples n: Int) -> [Double] {
    let g = genes.count, d = components
    var out = [Double](repeating: 0, count: n * d)
    switch kind {
    case .pca:
      var centred = z
      for i in 0..<n { for j in 0..<g { centred[i * g + j] -= mean[j] } }
      LatentIntegratedGradients.gemm(false, true, n, d, g, centred, g, loadings, g, 0, &out, d)
    case .clusters:
      var sizes = [Double](repeating: 0, count: d)
      for c in clusterOfGene where c >= 0 { sizes[c] += 1 }
      for i in 0..<n {
        for j in 0..<g where clusterOfGene[j] >= 0 { out[i * d + clusterOfGene[j]] += z[i * g + j] }
        for c in 0..<d { out[i * d + c] /= max(sizes[c], 1) }
      }
    }
    return out
  }

  /// The D × G matrix that maps an attribution over VAE inputs to genes: PCA `components_`
  /// (`attr_genes = attr_pca · components_`, upstream l.122–127); clusters: membership indicator
  /// (each gene inherits its cluster's attribution).
  public var geneMapping: [Double] {
    switch kind {
    case .pca: return loadings
    case .clusters:
      let g = genes.count
      var m = [Double](repeating: 0, count: components * g)
      for (j, c) in clusterOfGene.enumerated() where c >= 0 { m[c * g + j] = 1 }
      return m
    }
  }
}
