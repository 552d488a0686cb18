import Foundation

/// XGSEA's domain-adaptation objective over a projection W = [P; Q] of the set features of both
/// species, minimised on the Stiefel manifold (WᵀW = I):
///
///     F(W) = MMD²(W) + λ · tr(Zᵀ L Z) / c
///
/// - Z stacks the embeddings: z_i = Pᵀ f_i for source set i, Qᵀ f_j for target set j
///   (f the columns of ``SetMembershipFeatures``).
/// - MMD²(W) = Σ_ij v_i v_j k(z_i, z_j) with v_i = 1/ns on source and −1/nt on target sets and the
///   Gaussian kernel k(x, y) = exp(−‖x − y‖²/σ): the squared maximum mean discrepancy between the
///   two species' embedded sets.
/// - L = D − K is the Laplacian of ``SetSimilarityGraph``; tr(ZᵀLZ) = ½ Σ_ij K_ij ‖z_i − z_j‖². c is
///   ‖X L Xᵀ‖_F of the block-diagonal feature matrix X (the original code's normalisation of this
///   term, G = XLXᵀ/‖XLXᵀ‖_F), computed as √tr(L C L C) with C = XᵀX.
///
/// Euclidean gradient, with A_ij = v_i v_j k_ij and D_A its row sums on the diagonal:
/// ∂F/∂W = X [−(4/σ)(D_A − A) + (2λ/c) L] Z, split into the P and Q blocks.
struct DomainAdaptationObjective: Sendable {
  /// Source features (rs × ns) and target features (rt × nt).
  let sourceFeatures: DenseRowMatrix
  let targetFeatures: DenseRowMatrix
  /// The graph Laplacian over source then target sets.
  let laplacian: DenseRowMatrix
  /// Kernel width σ.
  let sigma: Double
  /// Weight λ of the graph term.
  let lambda: Double
  /// The normaliser c of the graph term (1 when XLXᵀ is 0).
  let graphScale: Double

  init(sourceFeatures: DenseRowMatrix, targetFeatures: DenseRowMatrix, laplacian: DenseRowMatrix, sigma: Double, lambda: Double) {
    self.sourceFeatures = sourceFeatures
    self.targetFeatures = targetFeatures
    self.laplacian = laplacian
    self.sigma = sigma
    self.lambda = lambda
    // C = blockdiag(FsᵀFs, FtᵀFt); ‖XLXᵀ‖_F² = tr(LCLC) = Σ_ij (LC)_ij (LC)_ji.
    let ns = sourceFeatures.cols, nt = targetFeatures.cols, n = ns + nt
    let cs = DenseRowMatrix.product(sourceFeatures, transposeA: true, sourceFeatures)
    let ct = DenseRowMatrix.product(targetFeatures, transposeA: true, targetFeatures)
    var c = DenseRowMatrix(rows: n, cols: n)
    for i in 0..<ns { for j in 0..<ns { c.values[i * n + j] = cs.values[i * ns + j] } }
    for i in 0..<nt { for j in 0..<nt { c.values[(ns + i) * n + ns + j] = ct.values[i * nt + j] } }
    let lc = DenseRowMatrix.product(laplacian, c)
    var trace = 0.0
    for i in 0..<n { for j in 0..<n { trace += lc.values[i * n + j] * lc.values[j * n + i] } }
    graphScale = trace > 0 ? trace.squareRoot() : 1
  }

  var sourceCount: Int { sourceFeatures.cols }
  var targetCount: Int { targetFeatures.cols }
  /// Rows of W: source feature dimension, then target.
  var ambientDimension: Int { sourceFeatures.rows + targetFeatures.rows }

  /// The embedded sets Z ((ns + nt) × p): source rows first.
  func embedding(_ w: DenseRowMatrix) -> DenseRowMatrix {
    let rs = sourceFeatures.rows
    let p = w.rows(0..<rs), q = w.rows(rs..<w.rows)
    return DenseRowMatrix.stacked(
      DenseRowMatrix.product(sourceFeatures, transposeA: true, p), DenseRowMatrix.product(targetFeatures, transposeA: true, q))
  }

  /// The parts of F at W.
  struct Value: Sendable {
    var mmd: Double
    var graph: Double
    var total: Double { mmd + graph }
  }

  /// F(W) and its parts.
  func value(_ w: DenseRowMatrix) -> Value {
    let z = embedding(w)
    let (mmd, _) = kernelTerms(z, wantCoefficients: false)
    return Value(mmd: mmd, graph: graphTerm(z))
  }

  /// F(W), its parts, and the Euclidean gradient ∂F/∂W.
  func valueAndGradient(_ w: DenseRowMatrix) -> (Value, DenseRowMatrix) {
    let z = embedding(w)
    let n = z.rows
    let (mmd, a) = kernelTerms(z, wantCoefficients: true)
    // B = −(4/σ)(D_A − A) + (2λ/c) L
    var b = laplacian.scaled(by: 2 * lambda / graphScale)
    let f = -4 / sigma
    for i in 0..<n {
      var rowSum = 0.0
      for j in 0..<n { rowSum += a[i * n + j] }
      for j in 0..<n { b.values[i * n + j] -= f * a[i * n + j] }
      b.values[i * n + i] += f * rowSum
    }
    let bz = DenseRowMatrix.product(b, z)
    let ns = sourceCount
    let gradP = DenseRowMatrix.product(sourceFeatures, bz.rows(0..<ns))
    let gradQ = DenseRowMatrix.product(targetFeatures, bz.rows(ns..<n))
    return (Value(mmd: mmd, graph: graphTerm(z)), DenseRowMatrix.stacked(gradP, gradQ))
  }

  /// λ tr(ZᵀLZ)/c.
  func graphTerm(_ z: DenseRowMatrix) -> Double {
    lambda * DenseRowMatrix.product(laplacian, z).dot(z) / graphScale
  }

  /// MMD² and, when asked, the coefficients A_ij = v_i v_j k_ij (row-major n × n).
  func kernelTerms(_ z: DenseRowMatrix, wantCoefficients: Bool) -> (Double, [Double]) {
    let n = z.rows, p = z.cols, ns = sourceCount
    let vs = 1 / Double(ns), vt = -1 / Double(targetCount)
    var a = wantCoefficients ? [Double](repeating: 0, count: n * n) : []
    var total = 0.0
    z.values.withUnsafeBufferPointer { zp in
      for i in 0..<n {
        let vi = i < ns ? vs : vt
        for j in i..<n {
          var d = 0.0
          for k in 0..<p {
            let e = zp[i * p + k] - zp[j * p + k]
            d += e * e
          }
          let vj = j < ns ? vs : vt
          let c = vi * vj * Foundation.exp(-d / sigma)
          total += i == j ? c : 2 * c
          if wantCoefficients {
            a[i * n + j] = c
            a[j * n + i] = c
          }
        }
      }
    }
    return (total, a)
  }
}
