import OmicsCore

/// Per-gene z-scores (`sklearn.preprocessing.scale`: mean 0, standard deviation with ddof 0) of a
/// samples × genes matrix, in place.
public enum GeneStandardization {
  /// Training data: a constant gene (or a NaN/infinite value) is an error naming the gene, the
  /// sample and `file`.
  public static func standardizeTraining(_ x: inout [Double], samples: [String], genes: [String], file: String) throws {
    let n = samples.count, g = genes.count
    if let i = x.firstIndex(where: { !$0.isFinite }) {
      throw OmicsError(file: file, location: "X", "non-finite value \(x[i]) at sample '\(samples[i / g])', gene '\(genes[i % g])' (use --missing zero to treat NaN as 0, as upstream's nan_to_num)")
    }
    let (mean, sd) = moments(x, n: n, g: g)
    let constant = (0..<g).filter { sd[$0] == 0 }
    if let first = constant.first {
      let more = constant.count > 1 ? " and \(constant.count - 1) more" : ""
      throw OmicsError(file: file, location: "X", "gene '\(genes[first])'\(more) constant over all \(n) samples: z-scores are undefined; remove constant genes first")
    }
    apply(&x, n: n, g: g, mean: mean, sd: sd)
  }

  /// New data (`embed`, upstream `Preprocess_TCGA_Rnaseq_Expression.py`): constant genes (a gene
  /// the new data lacks is filled with one value) become 0, as `scale` does.
  public static func standardizeNew(_ x: inout [Double], samples: Int, genes: Int) {
    let (mean, sd) = moments(x, n: samples, g: genes)
    apply(&x, n: samples, g: genes, mean: mean, sd: sd.map { $0 == 0 ? 1 : $0 })
  }

  static func moments(_ x: [Double], n: Int, g: Int) -> (mean: [Double], sd: [Double]) {
    var mean = [Double](repeating: 0, count: g), ss = mean
    x.withUnsafeBufferPointer { p in
      for i in 0..<n { for j in 0..<g { mean[j] += p[i * g + j] } }
      for j in 0..<g { mean[j] /= Double(max(n, 1)) }
      for i in 0..<n { for j in 0..<g { let d = p[i * g + j] - mean[j]; ss[j] += d * d } }
    }
    return (mean, ss.map { ($0 / Double(max(n, 1))).squareRoot() })
  }

  static func apply(_ x: inout [Double], n: Int, g: Int, mean: [Double], sd: [Double]) {
    x.withUnsafeMutableBufferPointer { p in
      for i in 0..<n { for j in 0..<g { p[i * g + j] = (p[i * g + j] - mean[j]) / sd[j] } }
    }
  }
}
