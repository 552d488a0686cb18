import OmicsCore
/// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019) in PyTorch's form:
/// `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
/// `θ ← θ − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + eps)`.
///
/// `weightDecay` with `decoupled == false` is Adam's L2 term (`g ← g + wd·θ`, torch.optim.Adam);
/// with `decoupled == true` it is AdamW's `θ ← θ·(1 − lr·wd)` before the update (torch.optim.AdamW).
/// `noDecay` names the parameters exempt from decay (biases and norm weights in BERT-style training).
/// Moments are kept in the parameter precision, like PyTorch.
public final class Adam<Scalar: NNScalar>: Optimizer {
  public var learningRate: Double
  public let beta1: Double, beta2: Double, eps: Double
  public var weightDecay: Double
  public let decoupled: Bool
  public let store: ParameterStore<Scalar>
  public private(set) var stepCount = 0
  private var m: [Scalar]
  private var v: [Scalar]
  private var decayMask: [Bool]

  public init(_ store: ParameterStore<Scalar>, learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
              eps: Double = 1e-8, weightDecay: Double = 0, decoupled: Bool = false,
              noDecay: (String) -> Bool = { _ in false }) {
    self.store = store
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.eps = eps
    self.weightDecay = weightDecay
    self.decoupled = decoupled
    m = [Scalar](repeating: 0, count: store.values.count)
    v = m
    decayMask = store.entries.map { !noDecay($0.name) }
  }

  /// AdamW with PyTorch's default decay 0.01.
  public static func adamW(_ store: ParameterStore<Scalar>, learningRate: Double = 1e-3, weightDecay: Double = 0.01,
                           noDecay: @escaping (String) -> Bool = { $0.hasSuffix(".bias") || $0.contains("LayerNorm") }) -> Adam {
    Adam(store, learningRate: learningRate, weightDecay: weightDecay, decoupled: true, noDecay: noDecay)
  }

  /// The moments and step count (to save a resumable training state).
  public var state: (m: [Scalar], v: [Scalar], steps: Int) { (m, v, stepCount) }

  /// Restores a saved `state`; the arrays must have the store's layout.
  public func restore(m: [Scalar], v: [Scalar], steps: Int) throws {
    guard m.count == self.m.count, v.count == self.v.count, steps >= 0 else {
      throw OmicsError("optimizer state of \(m.count) values does not fit a model of \(self.m.count)")
    }
    self.m = m
    self.v = v
    stepCount = steps
  }

  @_specialize(where Scalar == Float)
  public func step() {
    stepCount += 1
    let t = Double(stepCount)
    let bc1 = 1 - pow(beta1, t), bc2 = 1 - pow(beta2, t)
    let lr = learningRate, b1 = Scalar(beta1), b2 = Scalar(beta2)
    let stepSize = Scalar(lr / bc1), sqrtBc2 = Scalar(bc2.squareRoot()), epsS = Scalar(eps)
    let oneMinusB1 = 1 - b1, oneMinusB2 = 1 - b2
    for (ei, e) in store.entries.enumerated() where e.kind == .parameter && e.trainable {
      let wd = decayMask[ei] ? Scalar(weightDecay) : 0
      let decoupledFactor = Scalar(1 - lr * Double(wd))
      store.values.withUnsafeMutableBufferPointer { p in
        store.gradients.withUnsafeBufferPointer { g in
          m.withUnsafeMutableBufferPointer { mp in
            v.withUnsafeMutableBufferPointer { vp in
              if wd != 0 {
                for i in e.range {
                  var gi = g[i]
                  if decoupled { p[i] *= decoupledFactor } else { gi += wd * p[i] }
                  mp[i] = b1 * mp[i] + oneMinusB1 * gi
                  vp[i] = b2 * vp[i] + oneMinusB2 * gi * gi
                  let denom = vp[i].squareRoot() / sqrtBc2 + epsS
                  p[i] -= stepSize * mp[i] / denom
                }
              } else {
                // The same arithmetic without the decay branch, eight elements at a time (IEEE
                // square root and division are exact-rounded, so lanes equal the scalar loop); large
                // tensors are cut into ranges run on the partitioned mode's threads (element-wise:
                // the same bits however they are cut).
                typealias V = SIMD8<Scalar>
                let (vb1, vb2, v1b1, v1b2) = (V(repeating: b1), V(repeating: b2), V(repeating: oneMinusB1), V(repeating: oneMinusB2))
                let (vStep, vSqrtBc2, vEps) = (V(repeating: stepSize), V(repeating: sqrtBc2), V(repeating: epsS))
                let (pb, gb, mb, vbase) = (p.baseAddress! + e.offset, g.baseAddress! + e.offset,
                                           mp.baseAddress! + e.offset, vp.baseAddress! + e.offset)
                BLASThreads.forEachRange(count: e.count) { range in
                  var i = range.lowerBound
                  while i + 8 <= range.upperBound {
                    let gi = UnsafeRawPointer(gb + i).loadUnaligned(as: V.self)
                    let mi = vb1 * UnsafeRawPointer(mb + i).loadUnaligned(as: V.self) + v1b1 * gi
                    let vi = vb2 * UnsafeRawPointer(vbase + i).loadUnaligned(as: V.self) + v1b2 * gi * gi
                    let denom = vi.squareRoot() / vSqrtBc2 + vEps
                    let pi = UnsafeRawPointer(pb + i).loadUnaligned(as: V.self) - vStep * mi / denom
                    UnsafeMutableRawPointer(mb + i).storeBytes(of: mi, as: V.self)
                    UnsafeMutableRawPointer(vbase + i).storeBytes(of: vi, as: V.self)
                    UnsafeMutableRawPointer(pb + i).storeBytes(of: pi, as: V.self)
                    i += 8
                  }
                  while i < range.upperBound {
                    let gi = gb[i]
                    mb[i] = b1 * mb[i] + oneMinusB1 * gi
                    vbase[i] = b2 * vbase[i] + oneMinusB2 * gi * gi
                    let denom = vbase[i].squareRoot() / sqrtBc2 + epsS
                    pb[i] -= stepSize * mb[i] / denom
                    i += 1
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

import Foundation
