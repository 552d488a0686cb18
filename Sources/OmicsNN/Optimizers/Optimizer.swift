/// An optimiser updates the trainable entries of a `ParameterStore` from its `gradients`.
///
/// State (moments) is kept in arrays with the store's layout, so a step is one loop per trainable
/// range; frozen entries and buffers are skipped. `learningRate` is read by schedules and
/// `ReduceLROnPlateau`, which set it between steps.
public protocol Optimizer<Scalar>: AnyObject {
  associatedtype Scalar: NNScalar
  var learningRate: Double { get set }
  /// One update from the current gradients (which the caller zeroes afterwards).
  func step()
}

/// Scales all gradients so that their global L2 norm is at most `maxNorm`
/// (PyTorch `clip_grad_norm_`: factor `maxNorm/(norm + 1e-6)` when below 1). Only trainable
/// entries count. Returns the norm before clipping (accumulated in `Double`).
@discardableResult
public func clipGradientNorm<T: NNScalar>(_ store: ParameterStore<T>, maxNorm: Double) -> Double {
  var sq = 0.0
  let ranges = store.entries.filter { $0.kind == .parameter && $0.trainable }.map(\.range)
  store.gradients.withUnsafeBufferPointer { g in
    for r in ranges { for i in r { sq += Double(g[i]) * Double(g[i]) } }
  }
  let norm = sq.squareRoot()
  let coef = maxNorm / (norm + 1e-6)
  if coef < 1 {
    let c = T(coef)
    store.gradients.withUnsafeMutableBufferPointer { g in
      for r in ranges { for i in r { g[i] *= c } }
    }
  }
  return norm
}
