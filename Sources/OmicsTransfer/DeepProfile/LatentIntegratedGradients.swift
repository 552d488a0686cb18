import OmicsCore
import OmicsNN

/// Integrated gradients of each latent mean μ_c of a DeepProfile VAE with respect to its input
/// (background §1.4, `IntegratedGradients.explain`): zero baseline, `steps` points of a **left**
/// Riemann sum (α = s/steps for s = 0…steps−1; α = 1 is never evaluated), BatchNorm in inference mode:
/// `IG_cj(x) = x_j/steps · Σ_s ∂μ_c(α_s x)/∂x_j`.
///
/// In inference mode the encoder is piecewise linear, so each point's Jacobian is
/// `W_μ · diag(r₂a₂) · W₂ · diag(r₁a₁) · W₁` (r: ReLU masks, a: BatchNorm scales): computed for all
/// d units at once with three GEMMs on `(rows·d) × ·` matrices, with no parameter gradients.
public enum LatentIntegratedGradients {
  /// Attributions for the rows of `x` `(n, D)`: a flat `n × d × D` array (sample, unit, input).
  public static func attribute<T: NNScalar>(_ model: DeepProfileVAE<T>, _ x: Tensor<T>, steps: Int = 50) throws -> [T] {
    guard x.rank == 2, x.columns == model.inputs else {
      throw OmicsError(location: "integrated-gradients", "expected input (samples, \(model.inputs)), found \(x.shape)")
    }
    let n = x.rows, p = model.inputs, d = model.latent, h1 = model.hidden1, h2 = model.hidden2
    let s = model.store
    func values(_ name: String) -> [T] { s.tensor(name)?.scalars ?? [] }
    func bnAffine(_ name: String) -> (scale: [T], shift: [T]) {
      let g = values(name + ".weight"), b = values(name + ".bias")
      let rm = values(name + ".running_mean"), rv = values(name + ".running_var")
      let eps = name == "encoder.bn1" ? model.bn1.eps : model.bn2.eps
      var scale = [T](repeating: 0, count: g.count), shift = scale
      for j in g.indices {
        scale[j] = T(Double(g[j]) / (Double(rv[j]) + eps).squareRoot())
        shift[j] = b[j] - scale[j] * rm[j]
      }
      return (scale, shift)
    }
    let w1 = values("encoder.dense1.weight"), b1 = values("encoder.dense1.bias")
    let w2 = values("encoder.dense2.weight"), b2 = values("encoder.dense2.bias")
    let wmu = values("z_mean.weight")
    let a1 = bnAffine("encoder.bn1"), a2 = bnAffine("encoder.bn2")
    var total = [T](repeating: 0, count: n * d * p)
    var xs = [T](repeating: 0, count: n * p)
    var z1 = [T](repeating: 0, count: n * h1), z2 = [T](repeating: 0, count: n * h2)
    var g1 = [T](repeating: 0, count: n * d * h1), g2 = [T](repeating: 0, count: n * d * h2)
    for step in 0..<steps {
      let alpha = T(Double(step) / Double(steps))
      for i in 0..<(n * p) { xs[i] = x.scalars[i] * alpha }
      // forward: pre-activations after BatchNorm (their sign gives the ReLU masks)
      for r in 0..<n { for j in 0..<h1 { z1[r * h1 + j] = b1[j] } }
      gemm(false, true, n, h1, p, xs, p, w1, p, 1, &z1, h1)
      for r in 0..<n {
        for j in 0..<h1 {
          let v = a1.scale[j] * z1[r * h1 + j] + a1.shift[j]
          z1[r * h1 + j] = v > 0 ? v : 0
        }
      }
      for r in 0..<n { for j in 0..<h2 { z2[r * h2 + j] = b2[j] } }
      gemm(false, true, n, h2, h1, z1, h1, w2, h1, 1, &z2, h2)
      // backward for every unit: row (r, c) of g2 = W_μ[c, :] ⊙ r₂a₂
      g2.withUnsafeMutableBufferPointer { g in
        z2.withUnsafeBufferPointer { zp in
          for r in 0..<n {
            for c in 0..<d {
              let row = (r * d + c) * h2
              for j in 0..<h2 {
                let live = a2.scale[j] * zp[r * h2 + j] + a2.shift[j] > 0
                g[row + j] = live ? wmu[c * h2 + j] * a2.scale[j] : 0
              }
            }
          }
        }
      }
      gemm(false, false, n * d, h1, h2, g2, h2, w2, h1, 0, &g1, h1)
      g1.withUnsafeMutableBufferPointer { g in
        z1.withUnsafeBufferPointer { zp in
          for r in 0..<n {
            for c in 0..<d {
              let row = (r * d + c) * h1
              for j in 0..<h1 where !(zp[r * h1 + j] > 0) { g[row + j] = 0 }
              for j in 0..<h1 { g[row + j] *= a1.scale[j] }
            }
          }
        }
      }
      gemm(false, false, n * d, p, h1, g1, h1, w1, p, 1, &total, p)  // Σ_s accumulated by the GEMM
    }
    let inv = T(1 / Double(steps))
    for r in 0..<n {
      for c in 0..<d {
        let row = (r * d + c) * p
        for j in 0..<p { total[row + j] *= x.scalars[r * p + j] * inv }
      }
    }
    return total
  }

  /// Gene weights of one VAE (`Get_VAE_IG_Attributions.py` l.122–127): each sample's attributions
  /// `(d × D)` mapped to genes through `mapping` `(D × G)` (PCA `components_`, or the cluster
  /// membership), absolute value, mean over samples → `d × G`, flat. Samples are processed in
  /// blocks of `block` rows.
  public static func geneWeights<T: NNScalar>(_ model: DeepProfileVAE<T>, _ x: Tensor<T>, mapping: [T], genes: Int,
                                              steps: Int = 50, block: Int = 64) throws -> [Double] {
    let p = model.inputs, d = model.latent
    guard mapping.count == p * genes else {
      throw OmicsError(location: "integrated-gradients", "gene mapping has \(mapping.count) values, expected \(p) × \(genes)")
    }
    var sum = [Double](repeating: 0, count: d * genes)
    var mapped = [T](repeating: 0, count: min(block, max(x.rows, 1)) * d * genes)
    var start = 0
    while start < x.rows {
      let end = min(start + block, x.rows)
      let rows = end - start
      let attributions = try attribute(model, x.rows(start..<end), steps: steps)
      gemm(false, false, rows * d, genes, p, attributions, p, mapping, genes, 0, &mapped, genes)
      for r in 0..<rows {
        for c in 0..<d {
          let row = (r * d + c) * genes
          for g in 0..<genes { sum[c * genes + g] += Double(abs(mapped[row + g])) }
        }
      }
      start = end
    }
    let inv = 1 / Double(max(x.rows, 1))
    return sum.map { $0 * inv }
  }

  /// `C ← A·op(B) (+ C when beta = 1)` on Swift arrays, row-major.
  static func gemm<T: NNScalar>(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: [T], _ lda: Int, _ b: [T], _ ldb: Int,
                                _ beta: T, _ c: inout [T], _ ldc: Int) {
    a.withUnsafeBufferPointer { ap in
      b.withUnsafeBufferPointer { bp in
        c.withUnsafeMutableBufferPointer { cp in
          guard let ab = ap.baseAddress, let bb = bp.baseAddress, let cb = cp.baseAddress else { return }
          T.gemm(transA: ta, transB: tb, m: m, n: n, k: k, alpha: 1, a: ab, lda: lda, b: bb, ldb: ldb, beta: beta, c: cb, ldc: ldc)
        }
      }
    }
  }
}
