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
            guard let pb = p.baseAddress, let gb = g.baseAddress, let mb = mp.baseAddress, let vb = vp.baseAddress else { return }
            for range in ranges {
              let o = range.lowerBound, n = range.count
              if Scalar.self == Float.self {
                // Swift's scalar `squareRoot()` keeps a NaN branch that blocks auto-vectorisation: SIMD by hand.
                kerasAdamFloat(p: UnsafeMutableRawPointer(pb + o).assumingMemoryBound(to: Float.self),
                               g: UnsafeRawPointer(gb + o).assumingMemoryBound(to: Float.self),
                               m: UnsafeMutableRawPointer(mb + o).assumingMemoryBound(to: Float.self),
                               v: UnsafeMutableRawPointer(vb + o).assumingMemoryBound(to: Float.self), count: n,
                               b1: Float(b1), b2: Float(b2), c1: Float(c1), c2: Float(c2), lr: Float(lrT), eps: Float(epsS))
                continue
              }
              for i in o..<(o + n) {
                let gi = gb[i]
                let mi = b1 * mb[i] + c1 * gi
                let vi = b2 * vb[i] + c2 * gi * gi
                mb[i] = mi
                vb[i] = vi
                pb[i] -= lrT * mi / (vi.squareRoot() + epsS)
              }
            }
          }
        }
      }
    }
  }
}

/// The Keras-Adam update of `count` Float parameters, eight lanes at a time (same arithmetic per
/// element as the scalar loop: `m ← b1·m + c1·g`, `v ← b2·v + c2·g·g`, `p −= lr·m/(√v + eps)`).
@inline(__always)
func kerasAdamFloat(p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>, m: UnsafeMutablePointer<Float>,
                    v: UnsafeMutablePointer<Float>, count: Int, b1: Float, b2: Float, c1: Float, c2: Float, lr: Float, eps: Float) {
  typealias V8 = SIMD8<Float>
  var i = 0
  while i + 8 <= count {
    let gi = UnsafeRawPointer(g + i).loadUnaligned(as: V8.self)
    let mi = b1 * UnsafeRawPointer(m + i).loadUnaligned(as: V8.self) + c1 * gi
    let vi = b2 * UnsafeRawPointer(v + i).loadUnaligned(as: V8.self) + c2 * gi * gi
    let pi = UnsafeRawPointer(p + i).loadUnaligned(as: V8.self) - lr * mi / (vi.squareRoot() + eps)
    UnsafeMutableRawPointer(m + i).storeBytes(of: mi, as: V8.self)
    UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: V8.self)
    UnsafeMutableRawPointer(p + i).storeBytes(of: pi, as: V8.self)
    i += 8
  }
  while i < count {
    let gi = g[i]
    let mi = b1 * m[i] + c1 * gi
    let vi = b2 * v[i] + c2 * gi * gi
    m[i] = mi
    v[i] = vi
    p[i] -= lr * mi / (vi.squareRoot() + eps)
    i += 1
  }
}

import Foundation
