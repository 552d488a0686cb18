/// Adagrad (Duchi et al. 2011) in PyTorch's form: `g ← g + wd·θ`; `s ← s + g²`;
/// `θ ← θ − clr·g/(√s + eps)` with `clr = lr/(1 + (t − 1)·lrDecay)`; eps 1e-10.
public final class Adagrad<Scalar: NNScalar>: Optimizer {
  public var learningRate: Double
  public let lrDecay: Double, weightDecay: Double, eps: Double
  public let store: ParameterStore<Scalar>
  public private(set) var stepCount = 0
  private var sum: [Scalar]

  public init(_ store: ParameterStore<Scalar>, learningRate: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
              initialAccumulator: Double = 0, eps: Double = 1e-10) {
    self.store = store
    self.learningRate = learningRate
    self.lrDecay = lrDecay
    self.weightDecay = weightDecay
    self.eps = eps
    sum = [Scalar](repeating: Scalar(initialAccumulator), count: store.values.count)
  }

  public func step() {
    stepCount += 1
    let clr = Scalar(learningRate / (1 + Double(stepCount - 1) * lrDecay))
    let wd = Scalar(weightDecay), e = Scalar(eps)
    for entry in store.entries where entry.kind == .parameter && entry.trainable {
      store.values.withUnsafeMutableBufferPointer { p in
        store.gradients.withUnsafeBufferPointer { g in
          sum.withUnsafeMutableBufferPointer { s in
            for i in entry.range {
              let gi = g[i] + wd * p[i]
              s[i] += gi * gi
              p[i] -= clr * gi / (s[i].squareRoot() + e)
            }
          }
        }
      }
    }
  }
}
