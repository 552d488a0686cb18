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

  public func forward(_ x: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
    guard x.rank == 2, x.columns == features else {
      throw OmicsError(location: name, "expected input (B, \(features)), found \(x.shape)")
    }
    let n = x.rows, c = features
    if training && n < 2 {
      throw OmicsError(location: name, "BatchNorm1d needs more than 1 sample per training batch, found \(n)")
    }
    var xh = x
    var y = x
    var inv = [Double](repeating: 0, count: c)
    let (w, b, rm, rv, nb) = (weight.offset, bias.offset, runningMean.offset, runningVar.offset, batchesTracked.offset)
    let eps = self.eps, mom = momentum, conv = convention, update = updatesRunningStatistics
    store.values.withUnsafeMutableBufferPointer { pv in
      x.scalars.withUnsafeBufferPointer { xp in
        xh.scalars.withUnsafeMutableBufferPointer { hp in
          y.scalars.withUnsafeMutableBufferPointer { yp in
            for j in 0..<c {
              var mean: Double, varB: Double
              if training {
                var s = 0.0
                for r in 0..<n { s += Double(xp[r * c + j]) }
                mean = s / Double(n)
                var q = 0.0
                for r in 0..<n { let d = Double(xp[r * c + j]) - mean; q += d * d }
                varB = q / Double(n)
                if update {
                  let unbiased = conv == .pytorch ? q / Double(n - 1) : (conv == .keras2 ? q / (Double(n) - 1 - eps) : varB)
                  let keep = conv == .pytorch ? 1 - mom : mom
                  pv[rm + j] = Scalar(keep * Double(pv[rm + j]) + (1 - keep) * mean)
                  pv[rv + j] = Scalar(keep * Double(pv[rv + j]) + (1 - keep) * unbiased)
                }
              } else {
                mean = Double(pv[rm + j])
                varB = Double(pv[rv + j])
              }
              let istd = 1 / (varB + eps).squareRoot()
              inv[j] = istd
              let g = pv[w + j], bb = pv[b + j]
              let meanS = Scalar(mean), istdS = Scalar(istd)
              for r in 0..<n {
                let h = (xp[r * c + j] - meanS) * istdS
                hp[r * c + j] = h
                yp[r * c + j] = g * h + bb
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

  public func backward(_ dy: Tensor<Scalar>) throws -> Tensor<Scalar> {
    try checkBackward(name, cached: xhat?.shape, dy: dy)
    guard let xh = xhat else { throw OmicsError(location: name, "backward called before forward") }
    let n = xh.rows, c = features
    var dx = dy
    let (w, b) = (weight.offset, bias.offset)
    let training = trainedForward, inv = invStd
    store.values.withUnsafeBufferPointer { pv in
      store.gradients.withUnsafeMutableBufferPointer { gp in
        dy.scalars.withUnsafeBufferPointer { dp in
          xh.scalars.withUnsafeBufferPointer { hp in
            dx.scalars.withUnsafeMutableBufferPointer { out in
              for j in 0..<c {
                var sdy = 0.0, sdyh = 0.0
                for r in 0..<n {
                  let d = Double(dp[r * c + j])
                  sdy += d
                  sdyh += d * Double(hp[r * c + j])
                }
                gp[w + j] += Scalar(sdyh)
                gp[b + j] += Scalar(sdy)
                let g = Double(pv[w + j])
                if training {
                  // In Double: Σ_rows dx must cancel to ~0 (the gradient of a bias feeding this layer).
                  let k = g * inv[j] / Double(n), nD = Double(n)
                  for r in 0..<n {
                    out[r * c + j] = Scalar(k * (nD * Double(dp[r * c + j]) - sdy - Double(hp[r * c + j]) * sdyh))
                  }
                } else {
                  let k = Scalar(g * inv[j])
                  for r in 0..<n { out[r * c + j] = k * dp[r * c + j] }
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
