import OmicsCore

/// Which framework's BatchNorm bookkeeping to follow.
public enum BatchNormConvention: Sendable {
  /// `running ← (1 − m)·running + m·batch`, running variance from the **unbiased** batch variance;
  /// defaults m = 0.1, eps = 1e-5 (`torch.nn.BatchNorm1d`).
  case pytorch
  /// `running ← m·running + (1 − m)·batch`, running variance from the **biased** batch variance;
  /// defaults m = 0.99, eps = 1e-3 (`keras.layers.BatchNormalization`).
  case keras
  /// Keras 2.2 (the TF1-era standalone Keras DeepProfile ran on): as `keras`, but the batch variance
  /// is scaled by `n/(n − 1 − eps)` before the moving-variance update (`q/(n − 1 − eps)` with
  /// `q = Σ(x − μ_B)²`); normalisation still uses the biased variance. Defaults m = 0.99, eps = 1e-3.
  case keras2
}

/// Batch normalisation over the batch axis (Ioffe & Szegedy 2015), PyTorch `nn.BatchNorm1d` on `(B, C)`.
///
/// Train: `x̂ = (x − μ_B)/√(σ²_B + eps)` with the **biased** batch variance, `y = γ·x̂ + β`, running
/// statistics updated per `convention`, `num_batches_tracked += 1`. Eval: the running statistics.
/// A training batch of one sample is an error (PyTorch raises the same). State-dict names:
/// `name.weight`, `name.bias`, `name.running_mean`, `name.running_var`, `name.num_batches_tracked`.
/// Backward (train): `dx = γ/(B·σ) · (B·dy − Σdy − x̂·Σ(dy·x̂))`; (eval): `dx = γ·dy/√(running_var + eps)`.
public final class BatchNorm1d<Scalar: NNScalar>: Layer {
  public let name: String
  public let features: Int
  public let eps: Double
  public let momentum: Double
  public let convention: BatchNormConvention
  public let weight: ParameterEntry, bias: ParameterEntry
  public let runningMean: ParameterEntry, runningVar: ParameterEntry, batchesTracked: ParameterEntry
  /// When false, train mode does not move the running statistics (a frozen model run in train mode).
  public var updatesRunningStatistics = true
  let store: ParameterStore<Scalar>
  private var xhat: Tensor<Scalar>?
  private var invStd: [Double] = []
  private var trainedForward = false

  public init(_ features: Int, convention: BatchNormConvention = .pytorch, eps: Double? = nil, momentum: Double? = nil,
              name: String, store: ParameterStore<Scalar>) {
    self.name = name
    self.features = features
    self.convention = convention
    self.eps = eps ?? (convention == .pytorch ? 1e-5 : 1e-3)
    self.momentum = momentum ?? (convention == .pytorch ? 0.1 : 0.99)
    self.store = store
    weight = store.register(name + ".weight", shape: [features], initial: .init(repeating: 1, count: features))
    bias = store.register(name + ".bias", shape: [features], initial: .init(repeating: 0, count: features))
    runningMean = store.register(name + ".running_mean", shape: [features], kind: .buffer,
                                 initial: .init(repeating: 0, count: features))
    runningVar = store.register(name + ".running_var", shape: [features], kind: .buffer,
                                initial: .init(repeating: 1, count: features))
    batchesTracked = store.register(name + ".num_batches_tracked", shape: [], kind: .counter, initial: [0])
  }

  @_specialize(where Scalar == Float)
  public func forward(_ x: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
    guard x.rank == 2, x.columns == features else {
      throw OmicsError(location: name, "expected input (B, \(features)), found \(x.shape)")
    }
    let n = x.rows, c = features
    if training && n < 2 {
      throw OmicsError(location: name, "BatchNorm1d needs more than 1 sample per training batch, found \(n)")
    }
    // x̂ and y are written in full by the normalisation pass below.
    var xh = Tensor<Scalar>(uninitializedShape: x.shape)
    var y = Tensor<Scalar>(uninitializedShape: x.shape)
    var inv = [Double](repeating: 0, count: c)
    let (w, b, rm, rv, nb) = (weight.offset, bias.offset, runningMean.offset, runningVar.offset, batchesTracked.offset)
    let eps = self.eps, mom = momentum, conv = convention, update = updatesRunningStatistics
    // Row-major passes with one accumulator per feature: each feature's sums run over the rows in
    // order, as a per-column loop would, but the inner loop is contiguous (vectorised).
    var mean = [Double](repeating: 0, count: c), varB = [Double](repeating: 0, count: c)
    var meanS = [Scalar](repeating: 0, count: c), istdS = [Scalar](repeating: 0, count: c)
    store.values.withUnsafeMutableBufferPointer { pv in
      x.scalars.withUnsafeBufferPointer { xp in
        mean.withUnsafeMutableBufferPointer { mu in
          varB.withUnsafeMutableBufferPointer { vb in
            if training {
              for r in 0..<n {
                let row = r * c
                for j in 0..<c { mu[j] += Double(xp[row + j]) }
              }
              for j in 0..<c { mu[j] /= Double(n) }
              for r in 0..<n {
                let row = r * c
                for j in 0..<c { let d = Double(xp[row + j]) - mu[j]; vb[j] += d * d }
              }
              for j in 0..<c {
                let q = vb[j]
                vb[j] = q / Double(n)
                if update {
                  let unbiased = conv == .pytorch ? q / Double(n - 1) : (conv == .keras2 ? q / (Double(n) - 1 - eps) : vb[j])
                  let keep = conv == .pytorch ? 1 - mom : mom
                  pv[rm + j] = Scalar(keep * Double(pv[rm + j]) + (1 - keep) * mu[j])
                  pv[rv + j] = Scalar(keep * Double(pv[rv + j]) + (1 - keep) * unbiased)
                }
              }
            } else {
              for j in 0..<c {
                mu[j] = Double(pv[rm + j])
                vb[j] = Double(pv[rv + j])
              }
            }
            for j in 0..<c {
              let istd = 1 / (vb[j] + eps).squareRoot()
              inv[j] = istd
              meanS[j] = Scalar(mu[j])
              istdS[j] = Scalar(istd)
            }
          }
        }
        xh.scalars.withUnsafeMutableBufferPointer { hp in
          y.scalars.withUnsafeMutableBufferPointer { yp in
            meanS.withUnsafeBufferPointer { ms in
              istdS.withUnsafeBufferPointer { isd in
                let g = UnsafeBufferPointer(rebasing: pv[w..<(w + c)]), bb = UnsafeBufferPointer(rebasing: pv[b..<(b + c)])
                for r in 0..<n {
                  let row = r * c
                  for j in 0..<c {
                    let h = (xp[row + j] - ms[j]) * isd[j]
                    hp[row + j] = h
                    yp[row + j] = g[j] * h + bb[j]
                  }
                }
              }
            }
          }
        }
      }
      if training && update { pv[nb] += 1 }
    }
    xhat = xh
    invStd = inv
    trainedForward = training
    return y
  }

  @_specialize(where Scalar == Float)
  public func backward(_ dy: Tensor<Scalar>) throws -> Tensor<Scalar> {
    try checkBackward(name, cached: xhat?.shape, dy: dy)
    guard let xh = xhat else { throw OmicsError(location: name, "backward called before forward") }
    let n = xh.rows, c = features
    var dx = dy
    let (w, b) = (weight.offset, bias.offset)
    let training = trainedForward, inv = invStd
    var sdy = [Double](repeating: 0, count: c), sdyh = [Double](repeating: 0, count: c)
    var k = [Double](repeating: 0, count: c), kS = [Scalar](repeating: 0, count: c)
    store.values.withUnsafeBufferPointer { pv in
      store.gradients.withUnsafeMutableBufferPointer { gp in
        dy.scalars.withUnsafeBufferPointer { dp in
          xh.scalars.withUnsafeBufferPointer { hp in
            dx.scalars.withUnsafeMutableBufferPointer { out in
              sdy.withUnsafeMutableBufferPointer { s1 in
                sdyh.withUnsafeMutableBufferPointer { s2 in
                  k.withUnsafeMutableBufferPointer { kp in
                    kS.withUnsafeMutableBufferPointer { ks in
                      // Per-feature sums over the rows in order (row-major passes, as in forward).
                      for r in 0..<n {
                        let row = r * c
                        for j in 0..<c {
                          let d = Double(dp[row + j])
                          s1[j] += d
                          s2[j] += d * Double(hp[row + j])
                        }
                      }
                      let nD = Double(n)
                      for j in 0..<c {
                        gp[w + j] += Scalar(s2[j])
                        gp[b + j] += Scalar(s1[j])
                        let g = Double(pv[w + j])
                        kp[j] = training ? g * inv[j] / nD : 0
                        ks[j] = Scalar(g * inv[j])
                      }
                      if training {
                        // In Double: Σ_rows dx must cancel to ~0 (the gradient of a bias feeding this layer).
                        for r in 0..<n {
                          let row = r * c
                          for j in 0..<c {
                            out[row + j] = Scalar(kp[j] * (nD * Double(dp[row + j]) - s1[j] - Double(hp[row + j]) * s2[j]))
                          }
                        }
                      } else {
                        for r in 0..<n {
                          let row = r * c
                          for j in 0..<c { out[row + j] = ks[j] * dp[row + j] }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return dx
  }
}
