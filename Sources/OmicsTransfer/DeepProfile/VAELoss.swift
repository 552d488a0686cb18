import OmicsCore
import OmicsNN

/// DeepProfile's VAE loss for a batch of n samples (background §1.3, `vae_loss`):
/// `loss = (1/n) Σ_i [ Σ_j (x_ij − x̂_ij)² + β·KL_i ]`, `KL_i = −½ Σ_k (1 + logσ²_ik − μ²_ik − σ²_ik)`.
/// Keras's `metrics.mse` averages the last axis, and the code multiplies by D again: the
/// reconstruction term is a per-sample **sum** of squared errors.
public struct VAELoss<Scalar: NNScalar> {
  /// The batch loss.
  public var value: Double
  /// Batch means of the two terms (`value = reconstruction + β·kl`).
  public var reconstruction: Double
  public var kl: Double
  public var dReconstruction: Tensor<Scalar>
  public var dMu: Tensor<Scalar>
  public var dLogVar: Tensor<Scalar>

  public init(x: Tensor<Scalar>, forward f: DeepProfileVAE<Scalar>.Forward, beta: Double) throws {
    guard x.shape == f.reconstruction.shape else {
      throw OmicsError(location: "vae-loss", "input \(x.shape) and reconstruction \(f.reconstruction.shape) differ")
    }
    let n = Double(max(x.rows, 1))
    var d = f.reconstruction
    var sse = 0.0
    let scale = Scalar(2 / n)
    d.scalars.withUnsafeMutableBufferPointer { r in
      x.scalars.withUnsafeBufferPointer { xp in
        for i in 0..<r.count {
          let e = r[i] - xp[i]
          sse += Double(e) * Double(e)
          r[i] = scale * e
        }
      }
    }
    let kl = try gaussianKL(mu: f.mu, logVar: f.logVar, reduction: .batchMean, weight: beta)
    reconstruction = sse / n
    self.kl = beta == 0 ? (try gaussianKL(mu: f.mu, logVar: f.logVar)).value : kl.value / beta
    value = reconstruction + kl.value
    dReconstruction = d
    dMu = kl.dMu
    dLogVar = kl.dLogVar
  }

  /// Per-sample terms `(Σ_j (x − x̂)², KL_i)` (for tests and reports).
  public static func perSample(x: Tensor<Scalar>, forward f: DeepProfileVAE<Scalar>.Forward) -> (recon: [Double], kl: [Double]) {
    let n = x.rows, c = x.columns, d = f.mu.columns
    var recon = [Double](repeating: 0, count: n), kl = recon
    for i in 0..<n {
      for j in 0..<c { let e = Double(x.scalars[i * c + j] - f.reconstruction.scalars[i * c + j]); recon[i] += e * e }
      for k in 0..<d {
        let m = Double(f.mu.scalars[i * d + k]), lv = Double(f.logVar.scalars[i * d + k])
        kl[i] += -0.5 * (1 + lv - m * m - Double.nnExp(lv))
      }
    }
    return (recon, kl)
  }
}
