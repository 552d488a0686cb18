import OmicsCore
import OrderedCollections

/// k-means over the genes (each gene a point in sample space: DeepProfile's gene clusters) or over
/// the cells, on X, a layer or (cells only) an obsm embedding.
public enum Clustering {
  /// The points to cluster, checked for finiteness.
  public static func genePoints(_ m: ExpressionMatrix, layer: String?) throws -> DoubleMatrix {
    let matrix = try MatrixSlots.matrix(m, layer: layer)
    let points = DoubleMatrix.transposing(matrix)
    if let bad = points.firstNonFinite() {
      throw OmicsError(
        "\(slotName(layer)) holds a NaN or infinite value at obs '\(m.obs.index[bad.col])', var '\(m.var.index[bad.row])'; k-means needs finite numbers")
    }
    return points
  }

  public static func cellPoints(_ m: ExpressionMatrix, layer: String?, obsm: String?) throws -> DoubleMatrix {
    let matrix: Matrix
    if let obsm {
      guard let element = m.obsm[obsm] else {
        let available = m.obsm.keys.isEmpty ? "the file has no obsm entries" : "obsm: " + m.obsm.keys.joined(separator: ", ")
        throw OmicsError("no obsm entry named '\(obsm)' (\(available))")
      }
      guard let e = element.matrix else { throw OmicsError("obsm/\(obsm) is not a 2-D matrix") }
      matrix = e
    } else {
      matrix = try MatrixSlots.matrix(m, layer: layer)
    }
    let points = DoubleMatrix.rows(of: matrix)
    if let bad = points.firstNonFinite() {
      let slot = obsm.map { "obsm/\($0)" } ?? slotName(layer)
      throw OmicsError("\(slot) holds a NaN or infinite value at obs '\(m.obs.index[bad.row])', column \(bad.col); k-means needs finite numbers")
    }
    return points
  }

  /// Gene clustering: k-means over genes, and the centroid matrix (samples × k) with the samples' obs.
  public static func clusterGenes(_ m: ExpressionMatrix, layer: String?, _ options: KMeans.Options) throws -> (KMeans.Result, ExpressionMatrix) {
    guard options.k <= m.nVars else {
      throw OmicsError("k = \(options.k) is larger than the number of genes (\(m.nVars))")
    }
    let points = try genePoints(m, layer: layer)
    let result = try KMeans.fit(points, options)
    let k = options.k, samples = m.nObs
    // centres are k × samples; the centroid matrix is samples × k
    var values = [Double](repeating: 0, count: samples * k)
    for c in 0..<k { for s in 0..<samples { values[s * k + c] = result.centers[c * samples + s] } }
    let floatType = (try MatrixSlots.matrix(m, layer: layer)).scalarType == .float32
    var sizes = [Int64](repeating: 0, count: k)
    for l in result.labels { sizes[l] += 1 }
    let variables = DataFrame(
      index: (0..<k).map { "cluster_\($0)" },
      columns: ["n_genes": .array(DenseArray(shape: [k], values: .int64(sizes)))])
    let uns: OrderedDictionary<String, Element> = [
      "kmeans": .dict([
        "inertia": .array(.scalar(.float64([result.inertia]))),
        "n_iter": .array(.scalar(.int64([Int64(result.iterations)]))),
        "seed": .array(.scalar(.int64([Int64(bitPattern: options.seed)]))),
        "n_init": .array(.scalar(.int64([Int64(options.nInit)]))),
      ])
    ]
    let centroids = ExpressionMatrix(
      X: .dense(DenseArray(shape: [samples, k], values: floatType ? .float32(values.map(Float.init)) : .float64(values))),
      obs: m.obs, var: variables, uns: uns)
    return (result, centroids)
  }

  /// Cell clustering: k-means over cells.
  public static func clusterCells(_ m: ExpressionMatrix, layer: String?, obsm: String?, _ options: KMeans.Options) throws -> KMeans.Result {
    guard options.k <= m.nObs else {
      throw OmicsError("k = \(options.k) is larger than the number of cells (\(m.nObs))")
    }
    return try KMeans.fit(try cellPoints(m, layer: layer, obsm: obsm), options)
  }

  static func slotName(_ layer: String?) -> String { layer.map { "layers/\($0)" } ?? "X" }
}
