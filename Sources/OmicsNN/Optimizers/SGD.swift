/// Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay,
/// in PyTorch's form: `g ← g + wd·θ`; `b ← μb + (1 − dampening)g` (`b = g` at the first step);
/// `g ← g + μb` (Nesterov) or `g ← b`; `θ ← θ − lr·g`.
public final class SGD<Scalar: NNScalar>: Optimizer {
  public var learningRate: Double
  public let momentum: Double, dampening: Double, weightDecay: Double, nesterov: Bool
  public let store: ParameterStore<Scalar>
  private var buffer: [Scalar]
  private var started = false

  public init(_ store: ParameterStore<Scalar>, learningRate: Double, momentum: Double = 0, dampening: Double = 0,
              weightDecay: Double = 0, nesterov: Bool = false) {
    self.store = store
    self.learningRate = learningRate
    self.momentum = momentum
    self.dampening = dampening
    self.weightDecay = weightDecay
    self.nesterov = nesterov
    buffer = [Scalar](repeating: 0, count: store.values.count)
  }

  public func step() {
    let lr = Scalar(learningRate), mu = Scalar(momentum), damp = Scalar(1 - dampening), wd = Scalar(weightDecay)
    let first = !started
    started = true
    for e in store.entries where e.kind == .parameter && e.trainable {
      store.values.withUnsafeMutableBufferPointer { p in
        store.gradients.withUnsafeBufferPointer { g in
          buffer.withUnsafeMutableBufferPointer { b in
            for i in e.range {
              var gi = g[i] + wd * p[i]
              if mu != 0 {
                b[i] = first ? gi : mu * b[i] + damp * gi
                gi = nesterov ? gi + mu * b[i] : b[i]
              }
              p[i] -= lr * gi
            }
          }
        }
      }
    }
  }
}
