/// Adam as Keras 2 writes it (`keras.optimizers.Adam`, the optimiser DeepProfile trained with):
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `lr_t = lr·√(1−β₂ᵗ)/(1−β₁ᵗ)`,
/// `θ ← θ − lr_t·m/(√v + ε)` with ε = 1e-7 (`K.epsilon()`).
///
/// It differs from PyTorch's `Adam` only in where ε enters: Keras adds it to the *uncorrected* √v,
/// PyTorch to `√v/√(1−β₂ᵗ)`; the two agree when ε is negligible against √v. No decay, no amsgrad.
/// Moments are kept in the parameter precision.
public final class KerasAdam<Scalar: NNScalar>: Optimizer {
  public var learningRate: Double
  public let beta1: Double, beta2: Double, eps: Double
  public let store: ParameterStore<Scalar>
  public private(set) var stepCount = 0
  private var m: [Scalar]
  private var v: [Scalar]
  private let ranges: [Range<Int>]

  public init(_ store: ParameterStore<Scalar>, learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
              eps: Double = 1e-7) {
    self.store = store
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.eps = eps
    m = [Scalar](repeating: 0, count: store.values.count)
    v = m
    ranges = store.entries.filter { $0.kind == .parameter && $0.trainable }.map(\.range)
  }

  public func step() {
    stepCount += 1
    let t = Double(stepCount)
    let lrT = Scalar(learningRate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t)))
    let b1 = Scalar(beta1), b2 = Scalar(beta2), c1 = Scalar(1 - beta1), c2 = Scalar(1 - beta2), epsS = Scalar(eps)
    store.values.withUnsafeMutableBufferPointer { p in
      store.gradients.withUnsafeBufferPointer { g in
        m.withUnsafeMutableBufferPointer { mp in
          v.withUnsafeMutableBufferPointer { vp in
            for range in ranges {
              for i in range {
                let gi = g[i]
                let mi = b1 * mp[i] + c1 * gi
                let vi = b2 * vp[i] + c2 * gi * gi
                mp[i] = mi
                vp[i] = vi
                p[i] -= lrT * mi / (vi.squareRoot() + epsS)
              }
            }
          }
        }
      }
    }
  }
}

import Foundation
