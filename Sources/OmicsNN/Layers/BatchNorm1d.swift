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
    // Every quantity is per feature, so the features are cut into ranges run on the partitioned
    // mode's threads (BLASThreads.forEachRange); within a range the row-major passes keep one
    // accumulator per feature with the rows in order, as a per-column loop would, but the inner loop
    // is contiguous (vectorised). The same bits however the features are cut.
    store.values.withUnsafeMutableBufferPointer { pvBuffer in
      x.scalars.withUnsafeBufferPointer { xpBuffer in
        mean.withUnsafeMutableBufferPointer { muBuffer in
          varB.withUnsafeMutableBufferPointer { vbBuffer in
            inv.withUnsafeMutableBufferPointer { invBuffer in
              xh.scalars.withUnsafeMutableBufferPointer { hpBuffer in
                y.scalars.withUnsafeMutableBufferPointer { ypBuffer in
                 meanS.withUnsafeMutableBufferPointer { msBuffer in
                  istdS.withUnsafeMutableBufferPointer { isBuffer in
                  let (ms, isd) = (msBuffer.baseAddress!, isBuffer.baseAddress!)
                  let (pv, xp, mu, vb, iv) = (pvBuffer.baseAddress!, xpBuffer.baseAddress!, muBuffer.baseAddress!,
                                              vbBuffer.baseAddress!, invBuffer.baseAddress!)
                  let (hp, yp) = (hpBuffer.baseAddress!, ypBuffer.baseAddress!)
                  BLASThreads.forEachRange(count: c, minimum: n * c >= 1 << 15 ? 0 : .max) { features in
                    if training {
                      for r in 0..<n {
                        let row = r * c
                        for j in features { mu[j] += Double(xp[row + j]) }
                      }
                      for j in features { mu[j] /= Double(n) }
                      for r in 0..<n {
                        let row = r * c
                        for j in features { let d = Double(xp[row + j]) - mu[j]; vb[j] += d * d }
                      }
                      for j in features {
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
                      for j in features {
                        mu[j] = Double(pv[rm + j])
                        vb[j] = Double(pv[rv + j])
                      }
                    }
                    for j in features {
                      let istd = 1 / (vb[j] + eps).squareRoot()
                      iv[j] = istd
                      ms[j] = Scalar(mu[j])
                      isd[j] = Scalar(istd)
                    }
                    for r in 0..<n {
                      let row = r * c
                      for j in features {
                        let h = (xp[row + j] - ms[j]) * isd[j]
                        hp[row + j] = h
                        yp[row + j] = pv[w + j] * h + pv[b + j]
                      }
                    }
                  }
                  if training && update { pv[nb] += 1 }
                  }
                 }
                }
              }
            }
          }
        }
      }
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
    // dx is written in full below.
    var dx = Tensor<Scalar>(uninitializedShape: dy.shape)
    let (w, b) = (weight.offset, bias.offset)
    let training = trainedForward, inv = invStd
    var sdy = [Double](repeating: 0, count: c), sdyh = [Double](repeating: 0, count: c)
    var k = [Double](repeating: 0, count: c), kS = [Scalar](repeating: 0, count: c)
    // Per feature throughout, so cut into feature ranges as in forward (the same bits).
    store.values.withUnsafeBufferPointer { pvBuffer in
      store.gradients.withUnsafeMutableBufferPointer { gpBuffer in
        dy.scalars.withUnsafeBufferPointer { dpBuffer in
          xh.scalars.withUnsafeBufferPointer { hpBuffer in
            dx.scalars.withUnsafeMutableBufferPointer { outBuffer in
              sdy.withUnsafeMutableBufferPointer { s1Buffer in
                sdyh.withUnsafeMutableBufferPointer { s2Buffer in
                  inv.withUnsafeBufferPointer { invBuffer in
                   k.withUnsafeMutableBufferPointer { kBuffer in
                    kS.withUnsafeMutableBufferPointer { ksBuffer in
                    let (kp, ks) = (kBuffer.baseAddress!, ksBuffer.baseAddress!)
                    let (pv, gp, dp, hp, out) = (pvBuffer.baseAddress!, gpBuffer.baseAddress!, dpBuffer.baseAddress!,
                                                 hpBuffer.baseAddress!, outBuffer.baseAddress!)
                    let (s1, s2, iv) = (s1Buffer.baseAddress!, s2Buffer.baseAddress!, invBuffer.baseAddress!)
                    BLASThreads.forEachRange(count: c, minimum: n * c >= 1 << 15 ? 0 : .max) { features in
                      // Per-feature sums over the rows in order (row-major passes, as in forward).
                      for r in 0..<n {
                        let row = r * c
                        for j in features {
                          let d = Double(dp[row + j])
                          s1[j] += d
                          s2[j] += d * Double(hp[row + j])
                        }
                      }
                      let nD = Double(n)
                      for j in features {
                        gp[w + j] += Scalar(s2[j])
                        gp[b + j] += Scalar(s1[j])
                        let g = Double(pv[w + j])
                        kp[j] = training ? g * iv[j] / nD : 0
                        ks[j] = Scalar(g * iv[j])
                      }
                      if training {
                        // In Double: Σ_rows dx must cancel to ~0 (the gradient of a bias feeding this layer).
                        for r in 0..<n {
                          let row = r * c
                          for j in features {
                            out[row + j] = Scalar(kp[j] * (nD * Double(dp[row + j]) - s1[j] - Double(hp[row + j]) * s2[j]))
                          }
                        }
                      } else {
                        for r in 0..<n {
                          let row = r * c
                          for j in features { out[row + j] = ks[j] * dp[row + j] }
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
      }
    }
    return dx
  }
}
