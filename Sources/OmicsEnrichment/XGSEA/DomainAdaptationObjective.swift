import Dispatch
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
  /// Worker threads of the pair pass (the result does not depend on it).
  let threads: Int

  init(
    sourceFeatures: DenseRowMatrix, targetFeatures: DenseRowMatrix, laplacian: DenseRowMatrix, sigma: Double, lambda: Double,
    threads: Int = 1
  ) {
    self.threads = Swift.max(1, threads)
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
    let kernel = kernelPass(z, wantGradientTerms: false)
    let lz = DenseRowMatrix.product(laplacian, z)
    return Value(mmd: kernel.mmd, graph: lambda * lz.dot(z) / graphScale)
  }

  /// F(W), its parts, and the Euclidean gradient ∂F/∂W.
  func valueAndGradient(_ w: DenseRowMatrix) -> (Value, DenseRowMatrix) {
    let z = embedding(w)
    let n = z.rows, p = z.cols
    let kernel = kernelPass(z, wantGradientTerms: true)
    let lz = DenseRowMatrix.product(laplacian, z)
    // BZ = −(4/σ)(D_A Z − A Z) + (2λ/c) L Z
    var bz = lz.scaled(by: 2 * lambda / graphScale)
    let f = -4 / sigma
    for i in 0..<n {
      for k in 0..<p { bz.values[i * p + k] += f * (kernel.rowSums[i] * z.values[i * p + k] - kernel.az.values[i * p + k]) }
    }
    let ns = sourceCount
    let gradP = DenseRowMatrix.product(sourceFeatures, bz.rows(0..<ns))
    let gradQ = DenseRowMatrix.product(targetFeatures, bz.rows(ns..<n))
    return (Value(mmd: kernel.mmd, graph: lambda * lz.dot(z) / graphScale), DenseRowMatrix.stacked(gradP, gradQ))
  }

  /// λ tr(ZᵀLZ)/c.
  func graphTerm(_ z: DenseRowMatrix) -> Double {
    lambda * DenseRowMatrix.product(laplacian, z).dot(z) / graphScale
  }

  /// One pass over the pairs of embedded sets: MMD² = Σ_ij A_ij with A_ij = v_i v_j k_ij, and for
  /// the gradient the row sums of A and the product A Z, without storing A.
  struct KernelPass {
    var mmd = 0.0
    var rowSums: [Double] = []
    var az = DenseRowMatrix(rows: 0, cols: 0)
  }

  /// The pairs are split into a fixed number of row blocks (rows i ≡ b mod blocks), computed by
  /// `threads` workers and summed in block order, so the result does not depend on the thread count.
  func kernelPass(_ z: DenseRowMatrix, wantGradientTerms: Bool) -> KernelPass {
    let n = z.rows, p = z.cols, ns = sourceCount
    let vs = 1 / Double(ns), vt = -1 / Double(targetCount)
    let blocks = Swift.min(16, Swift.max(1, n))
    let width = wantGradientTerms ? 1 + n + n * p : 1
    let partial = PartialSums(count: blocks * width)
    let inverseSigma = 1 / sigma
    z.values.withUnsafeBufferPointer { zp in
      let base = zp.baseAddress!
      func computeBlock(_ b: Int) {
        let out = partial.pointer + b * width
        var total = 0.0
        var i = b
        while i < n {
          let vi = i < ns ? vs : vt
          let zi = base + i * p
          for j in i..<n {
            let zj = base + j * p
            var d = 0.0
            for k in 0..<p {
              let e = zi[k] - zj[k]
              d += e * e
            }
            let c = vi * (j < ns ? vs : vt) * Foundation.exp(-d * inverseSigma)
            total += i == j ? c : 2 * c
            if wantGradientTerms {
              out[1 + i] += c
              let azi = out + 1 + n + i * p
              for k in 0..<p { azi[k] += c * zj[k] }
              if i != j {
                out[1 + j] += c
                let azj = out + 1 + n + j * p
                for k in 0..<p { azj[k] += c * zi[k] }
              }
            }
          }
          i += blocks
        }
        out[0] = total
      }
      let workers = Swift.min(threads, blocks)
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        for b in stride(from: worker, to: blocks, by: workers) { computeBlock(b) }
      }
    }
    var result = KernelPass()
    if wantGradientTerms {
      result.rowSums = [Double](repeating: 0, count: n)
      result.az = DenseRowMatrix(rows: n, cols: p)
    }
    for b in 0..<blocks {
      let out = partial.pointer + b * width
      result.mmd += out[0]
      if wantGradientTerms {
        for i in 0..<n { result.rowSums[i] += out[1 + i] }
        for e in 0..<(n * p) { result.az.values[e] += out[1 + n + e] }
      }
    }
    return result
  }
}

/// Zero-initialised scratch written by parallel workers, each to its own disjoint range.
final class PartialSums: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<Double>
  let count: Int
  init(count: Int) {
    self.count = count
    pointer = .allocate(capacity: Swift.max(1, count))
    pointer.initialize(repeating: 0, count: Swift.max(1, count))
  }
  deinit { pointer.deallocate() }
}
