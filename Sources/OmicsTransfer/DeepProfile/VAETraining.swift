import Foundation
import OmicsCore
import OmicsNN

/// Settings of one VAE run (defaults: deepprofile-study `VAE_3Layers_Model.py`).
public struct VAETrainingSettings: Sendable, Equatable {
  public var epochs = 50
  public var batchSize = 50
  public var learningRate = 5e-4
  /// KL weight β (upstream: 1).
  public var beta = 1.0
  /// Warm-up κ: after each epoch, while β ≤ 1, β += κ (upstream's `WarmUpCallback`; upstream κ = 0
  /// and the loss had already captured β, so it never acted).
  public var warmupKappa = 0.0
  public init() {}
}

/// The outcome of training one VAE.
public struct VAERun<Scalar: NNScalar> {
  public var latent: Int
  /// Run index (0-based) within its latent size; the seed is `123456·run + seed`.
  public var run: Int
  public var seed: UInt64
  public var model: DeepProfileVAE<Scalar>
  /// Mean training loss per epoch (batch losses weighted by batch size, as Keras reports it).
  public var losses: [Double]
  /// Reconstruction MSE and mean per-sample R² of the final model in inference mode (z = μ).
  public var reconstructionMSE: Double
  public var meanR2: Double
  /// Samples × d, μ in inference mode.
  public var embedding: Tensor<Scalar>
  public var seconds: Double
}

/// Trains one DeepProfile VAE on all samples (no validation split, as upstream): Keras-Adam
/// (ε 1e-7), shuffled mini-batches every epoch, the last partial batch kept (a last batch of a
/// single sample is skipped: BatchNorm cannot normalise one sample), fresh N(0, 1) noise per batch.
/// All randomness (Glorot initialisation, shuffling, noise) comes from one stream seeded with `seed`.
public enum VAETraining {
  public static func train<T: NNScalar>(_ x: Tensor<T>, latent: Int, run: Int, seed: UInt64,
                                        settings: VAETrainingSettings, hidden: (Int, Int)? = nil) throws -> VAERun<T> {
    let started = Date()
    let n = x.rows, p = x.columns
    guard n >= settings.batchSize else {
      throw OmicsError(location: "deepprofile", "\(n) samples are fewer than one batch (\(settings.batchSize)); lower --batch-size")
    }
    var rng = SeededGenerator(seed: seed)
    var initRng = rng.split()
    var shuffleRng = rng.split()
    var noiseRng = rng.split()
    let model = DeepProfileVAE<T>(inputs: p, latent: latent, hidden: hidden, rng: &initRng)
    model.dense1.computesInputGradient = false  // dL/dx is not needed to train
    let adam = KerasAdam(model.store, learningRate: settings.learningRate)
    var beta = settings.beta
    var losses: [Double] = []
    for _ in 0..<settings.epochs {
      let order = shuffleRng.permutation(n)
      var total = 0.0, seen = 0
      var start = 0
      while start < n {
        let end = min(start + settings.batchSize, n)
        defer { start = end }
        if end - start < 2 { continue }
        let xb = x.gatherRows(Array(order[start..<end]))
        var eps = Tensor<T>(shape: [end - start, latent])
        for i in 0..<eps.count { eps.scalars[i] = T(noiseRng.normal()) }
        model.store.zeroGradients()
        let f = try model.forward(xb, epsilon: eps)
        let loss = try VAELoss(x: xb, forward: f, beta: beta)
        _ = try model.backward(dReconstruction: loss.dReconstruction, dMu: loss.dMu, dLogVar: loss.dLogVar)
        adam.step()
        total += loss.value * Double(end - start)
        seen += end - start
      }
      let epochLoss = total / Double(max(seen, 1))
      guard epochLoss.isFinite else {
        throw OmicsError(location: "deepprofile", "VAE (latent \(latent), run \(run)) diverged: loss \(epochLoss); lower --lr")
      }
      losses.append(epochLoss)
      if beta <= 1 { beta += settings.warmupKappa }
    }
    let (mu, _) = try model.encode(x, training: false)
    let (mse, r2) = try reconstructionQuality(model, x, mu: mu)
    return VAERun(latent: latent, run: run, seed: seed, model: model, losses: losses, reconstructionMSE: mse,
                  meanR2: r2, embedding: mu, seconds: Date().timeIntervalSince(started))
  }

  /// Reconstruction of every sample from z = μ (inference mode): MSE over all values and the mean
  /// over samples of `R²_i = 1 − Σ_j (x − x̂)² / Σ_j (x − mean_i x)²`.
  static func reconstructionQuality<T: NNScalar>(_ model: DeepProfileVAE<T>, _ x: Tensor<T>, mu: Tensor<T>) throws -> (Double, Double) {
    let xh = try model.decode(mu, training: false)
    let n = x.rows, p = x.columns
    var sse = 0.0, r2 = 0.0
    for i in 0..<n {
      var mean = 0.0
      for j in 0..<p { mean += Double(x.scalars[i * p + j]) }
      mean /= Double(p)
      var e = 0.0, t = 0.0
      for j in 0..<p {
        let v = Double(x.scalars[i * p + j])
        let r = v - Double(xh.scalars[i * p + j])
        e += r * r
        t += (v - mean) * (v - mean)
      }
      sse += e
      r2 += t > 0 ? 1 - e / t : 0
    }
    return (sse / Double(max(n * p, 1)), r2 / Double(max(n, 1)))
  }
}
