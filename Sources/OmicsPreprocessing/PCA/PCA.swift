import Foundation
import OmicsCore
import OrderedCollections

/// Principal component analysis as scanpy's `pp.pca` (centred, optionally scaled to unit variance):
/// the top eigenpairs of the covariance matrix (genes × genes) or, when there are fewer cells than
/// genes, of the Gram matrix (cells × cells), through LAPACK `dsyevr` on OpenBLAS.
///
/// Outputs follow scanpy: `obsm['X_pca']` (scores, cells × n), `varm['PCs']` (loadings, genes × n),
/// `uns['pca']` with `variance` (eigenvalues of the covariance, ddof 1) and `variance_ratio`.
/// Signs follow scikit-learn ≥ 1.5: the largest-|loading| entry of each component is positive.
/// Large inputs use randomized SVD instead ([`RandomizedPCA`]), which keeps sparse X sparse.
public enum PCA {
  /// How the components are computed.
  public enum Solver: String, Sendable, CaseIterable {
    /// Exact eigen-decomposition (LAPACK); the input is densified.
    case exact
    /// Randomized SVD on the implicitly centred matrix; nothing is densified.
    case randomized
    /// Randomized when a dense copy of the input would exceed `autoDenseLimit` bytes, exact otherwise.
    case auto
  }

  /// The dense size (bytes of Doubles) above which `auto` picks randomized SVD: 1 GiB.
  public static let autoDenseLimit = 1 << 30

  public struct Options: Sendable, Equatable {
    public var solver: Solver = .auto
    /// Seed of the randomized solver's test matrix.
    public var seed: UInt64 = 0
    public var nComps: Int
    /// Scale every gene to unit variance (ddof 1) after centring; constant genes stay 0.
    public var scale: Bool
    public var layer: String?
    /// Use only genes where this bool var column is true (scanpy's mask_var); other genes get zero loadings.
    public var maskVar: String?
    public init(
      nComps: Int = 50, scale: Bool = false, layer: String? = nil, maskVar: String? = nil, solver: Solver = .auto, seed: UInt64 = 0
    ) {
      self.solver = solver
      self.seed = seed
      self.nComps = nComps
      self.scale = scale
      self.layer = layer
      self.maskVar = maskVar
    }
  }

  public struct Result: Sendable {
    /// Cells × n, row-major.
    public var scores: [Double]
    /// Genes × n, row-major (zero rows for masked-out genes).
    public var loadings: [Double]
    public var variance: [Double]
    public var varianceRatio: [Double]
    public var nComps: Int
  }

  public static func fit(_ m: ExpressionMatrix, _ options: Options) throws -> Result {
    let matrix = try MatrixSlots.matrix(m, layer: options.layer)
    var genes = Array(0..<m.nVars)
    if let mask = options.maskVar {
      guard let column = m.var.columns[mask] else { throw OmicsError("no var column named '\(mask)' to select genes") }
      guard case .array(let a) = column, a.scalarType == .bool, case .bool(let flags) = a.values else {
        throw OmicsError("var column '\(mask)' is not boolean")
      }
      genes = flags.indices.filter { flags[$0] }
    }
    let n = m.nObs, p = genes.count
    let maxComps = min(n, p)
    guard options.nComps >= 1 else { throw OmicsError("n-comps must be at least 1, got \(options.nComps)") }
    guard options.nComps <= maxComps, n >= 2 else {
      throw OmicsError("n-comps = \(options.nComps) is larger than min(cells, genes) = \(maxComps)")
    }
    let k = options.nComps
    let sub = p == m.nVars ? matrix : MatrixSlots.selectColumns(matrix, genes)
    let randomized = options.solver == .randomized || (options.solver == .auto && n * p * 8 > autoDenseLimit)
    var scores: [Double], loadings: [Double], variance: [Double], totalVariance: Double
    if randomized {
      if let bad = SeuratV3HighlyVariableGenes.firstNonFinite(sub) {
        throw OmicsError("\(Clustering.slotName(options.layer)) holds a non-finite value (\(bad)); PCA needs finite numbers")
      }
      let f = try RandomizedPCA.fit(sub, nComps: k, scale: options.scale, seed: options.seed)
      (scores, loadings, variance, totalVariance) = (f.scores, f.loadings, f.variance, f.totalVariance)
    } else {
      (scores, loadings, variance, totalVariance) = try exact(sub, k: k, m, genes: genes, options)
    }
    return finish(scores: scores, loadings: loadings, variance: variance, totalVariance: totalVariance, n: n, k: k, genes: genes, nVars: m.nVars)
  }

  /// Eigen-decomposition of the covariance or Gram matrix of the densified, centred input.
  static func exact(_ sub: Matrix, k: Int, _ m: ExpressionMatrix, genes: [Int], _ options: Options) throws
    -> (scores: [Double], loadings: [Double], variance: [Double], totalVariance: Double)
  {
    let n = sub.rows, p = sub.cols
    let x = DoubleMatrix.rows(of: sub)  // n × p
    if let bad = x.firstNonFinite() {
      throw OmicsError("\(Clustering.slotName(options.layer)) holds a NaN or infinite value at obs '\(m.obs.index[bad.row])', var '\(m.var.index[genes[bad.col]])'; PCA needs finite numbers")
    }
    center(x, scale: options.scale)
    let denominator = Double(n - 1)
    var totalVariance = 0.0
    for i in 0..<(n * p) { totalVariance += x.base[i] * x.base[i] }
    totalVariance /= denominator

    var scores = [Double](repeating: 0, count: n * k)
    var loadings = [Double](repeating: 0, count: p * k)
    var variance = [Double](repeating: 0, count: k)
    if p <= n {
      // covariance route: C = Xᵀ X / (n − 1), p × p
      let c = UnsafeMutablePointer<Double>.allocate(capacity: p * p)
      defer { c.deallocate() }
      BLAS.gemmAtB(m: p, n: p, k: n, alpha: 1 / denominator, x.base, lda: p, x.base, ldb: p, c, ldc: p)
      let (values, vectors) = try SymmetricEigen.largest(c, n: p, count: k)
      variance = values
      loadings = vectors
      scores.withUnsafeMutableBufferPointer { s in
        vectors.withUnsafeBufferPointer { v in
          guard let sb = s.baseAddress, let vb = v.baseAddress else { return }
          cblasGemm(n, k, p, x.base, p, vb, k, sb, k)
        }
      }
    } else {
      // Gram route: G = X Xᵀ, n × n; eigenvalues s², vectors U; scores U·s, loadings Xᵀ U / s
      let g = UnsafeMutablePointer<Double>.allocate(capacity: n * n)
      defer { g.deallocate() }
      BLAS.gemmABt(m: n, n: n, k: p, x.base, lda: p, x.base, ldb: p, g, ldc: n)
      let (values, vectors) = try SymmetricEigen.largest(g, n: n, count: k)
      for j in 0..<k { variance[j] = max(0, values[j]) / denominator }
      for i in 0..<n { for j in 0..<k { scores[i * k + j] = vectors[i * k + j] * max(0, values[j]).squareRoot() } }
      loadings.withUnsafeMutableBufferPointer { l in
        vectors.withUnsafeBufferPointer { u in
          guard let lb = l.baseAddress, let ub = u.baseAddress else { return }
          BLAS.gemmAtB(m: p, n: k, k: n, x.base, lda: p, ub, ldb: k, lb, ldc: k)
        }
      }
      for j in 0..<k {
        let s = max(0, values[j]).squareRoot()
        let inv = s > 0 ? 1 / s : 0
        for i in 0..<p { loadings[i * k + j] *= inv }
      }
    }
    return (scores, loadings, variance, totalVariance)
  }

  /// Sign convention, masked-out genes, variance ratios.
  static func finish(
    scores: [Double], loadings: [Double], variance: [Double], totalVariance: Double, n: Int, k: Int, genes: [Int], nVars: Int
  ) -> Result {
    var scores = scores, loadings = loadings
    let p = genes.count
    // sign convention (scikit-learn ≥ 1.5): largest |loading| positive
    for j in 0..<k {
      var best = 0
      for i in 0..<p where abs(loadings[i * k + j]) > abs(loadings[best * k + j]) { best = i }
      if loadings[best * k + j] < 0 {
        for i in 0..<p { loadings[i * k + j] = -loadings[i * k + j] }
        for i in 0..<n { scores[i * k + j] = -scores[i * k + j] }
      }
    }
    var fullLoadings = loadings
    if p != nVars {
      fullLoadings = [Double](repeating: 0, count: nVars * k)
      for (row, gene) in genes.enumerated() { for j in 0..<k { fullLoadings[gene * k + j] = loadings[row * k + j] } }
    }
    let ratio = variance.map { totalVariance > 0 ? $0 / totalVariance : 0 }
    return Result(scores: scores, loadings: fullLoadings, variance: variance, varianceRatio: ratio, nComps: k)
  }

  /// Writes the result into the slots scanpy uses.
  public static func store(_ r: Result, in m: inout ExpressionMatrix, float32: Bool, options: Options) {
    func array(_ v: [Double], _ shape: [Int]) -> Element {
      .array(DenseArray(shape: shape, values: float32 ? .float32(v.map(Float.init)) : .float64(v)))
    }
    m.obsm["X_pca"] = array(r.scores, [m.nObs, r.nComps])
    m.varm["PCs"] = array(r.loadings, [m.nVars, r.nComps])
    var params: OrderedDictionary<String, Element> = [
      "zero_center": .array(.scalar(.bool([true]))),
      "use_highly_variable": .array(.scalar(.bool([options.maskVar == "highly_variable"]))),
    ]
    params["mask_var"] = options.maskVar.map { .string($0) } ?? .null
    m.uns["pca"] = .dict([
      "params": .dict(params),
      "variance": .array(DenseArray(shape: [r.nComps], values: .float64(r.variance))),
      "variance_ratio": .array(DenseArray(shape: [r.nComps], values: .float64(r.varianceRatio))),
    ])
  }

  /// Centres (and optionally scales) the columns of x in place.
  static func center(_ x: DoubleMatrix, scale: Bool) {
    let n = x.rows, p = x.cols
    var mean = [Double](repeating: 0, count: p)
    for i in 0..<n { let row = x.base + i * p; for j in 0..<p { mean[j] += row[j] } }
    for j in 0..<p { mean[j] /= Double(n) }
    Parallel.forEachChunk(n, minimumPerChunk: 64) { range in
      for i in range { let row = x.base + i * p; for j in 0..<p { row[j] -= mean[j] } }
    }
    guard scale else { return }
    var sd = [Double](repeating: 0, count: p)
    for i in 0..<n { let row = x.base + i * p; for j in 0..<p { sd[j] += row[j] * row[j] } }
    for j in 0..<p { sd[j] = (sd[j] / Double(max(n - 1, 1))).squareRoot(); if sd[j] == 0 { sd[j] = 1 } }
    Parallel.forEachChunk(n, minimumPerChunk: 64) { range in
      for i in range { let row = x.base + i * p; for j in 0..<p { row[j] /= sd[j] } }
    }
  }

  /// C (m × n) = A (m × k) · B (k × n), row-major.
  static func cblasGemm(_ m: Int, _ n: Int, _ k: Int, _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>, _ ldb: Int, _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
    BLAS.gemmAB(m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, c, ldc: ldc)
  }
}
