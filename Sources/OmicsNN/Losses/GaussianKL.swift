import OmicsCore

/// KL divergence of `N(μ, σ²)` from `N(0, I)` for a VAE: `KL = −½ Σ_j (1 + log σ²_j − μ²_j − σ²_j)`,
/// summed over latent dimensions, then summed (`.sum`, DeepProfile/scDEAL's `vae_loss`) or averaged
/// (`.batchMean`) over the batch. Inputs `mu`, `logVar` are `(B, Z)`.
/// Gradients: `dKL/dμ = μ`, `dKL/dlogσ² = ½(σ² − 1)` (times the reduction factor and `weight`).
public enum KLReduction: Sendable { case sum, batchMean }

public func gaussianKL<T: NNScalar>(mu: Tensor<T>, logVar: Tensor<T>, reduction: KLReduction = .batchMean,
                                    weight: Double = 1) throws -> (value: Double, dMu: Tensor<T>, dLogVar: Tensor<T>) {
  guard mu.shape == logVar.shape else {
    throw OmicsError(location: "gaussian-kl", "mu \(mu.shape) and logvar \(logVar.shape) differ")
  }
  let scale = weight * (reduction == .sum ? 1 : 1 / Double(max(mu.rows, 1)))
  var dMu = mu, dLv = logVar
  var total = 0.0
  dMu.scalars.withUnsafeMutableBufferPointer { dm in
    dLv.scalars.withUnsafeMutableBufferPointer { dl in
      for i in 0..<dm.count {
        let m = Double(dm[i]), lv = Double(dl[i]), v = Double.nnExp(lv)
        total += -0.5 * (1 + lv - m * m - v)
        dm[i] = T(scale * m)
        dl[i] = T(scale * 0.5 * (v - 1))
      }
    }
  }
  return (scale * total, dMu, dLv)
}
