import OmicsCore

/// Cross-entropy over classes for `(B, K)` scores and class ids in `0..<K`, mean over the batch.
///
/// `L = mean_b(log Σ_k e^{s_bk} − s_{b,y_b})` (PyTorch `cross_entropy`); `dL/ds = (softmax(s) − onehot)/B`.
/// scDEAL applies exactly this to **sigmoid outputs** (`s = σ(logits) ∈ (0,1)`): put an
/// `Activation(.sigmoid)` before it, as the reference model does; the minimum is then
/// `log(1 + e^{−1}) ≈ 0.3133`, not 0.
@_specialize(where T == Float)
public func crossEntropyLoss<T: NNScalar>(_ scores: Tensor<T>, labels: [Int], weight: Double = 1) throws -> LossValue<T> {
  let b = scores.rows, k = scores.columns
  guard scores.rank == 2, labels.count == b else {
    throw OmicsError(location: "cross-entropy", "scores \(scores.shape) and \(labels.count) labels do not match")
  }
  if let bad = labels.first(where: { $0 < 0 || $0 >= k }) {
    throw OmicsError(location: "cross-entropy", "label \(bad) outside 0..<\(k)")
  }
  var grad = scores
  var total = 0.0
  grad.scalars.withUnsafeMutableBufferPointer { g in
    for r in 0..<b {
      var mx = g[r * k]
      for j in 0..<k where g[r * k + j] > mx { mx = g[r * k + j] }
      var s = 0.0
      for j in 0..<k { s += Foundation_exp(Double(g[r * k + j] - mx)) }
      let lse = Double(mx) + Double.nnLog(s)
      total += lse - Double(g[r * k + labels[r]])
      for j in 0..<k {
        let p = Foundation_exp(Double(g[r * k + j]) - lse)
        g[r * k + j] = T(weight * (p - (j == labels[r] ? 1 : 0)) / Double(b))
      }
    }
  }
  return LossValue(value: weight * total / Double(max(b, 1)), gradient: grad)
}

/// Negative log-likelihood of given **probabilities** `(B, K)` (e.g. softmax outputs):
/// `L = −mean_b log p_{b,y_b}` with `log` clamped at −100 as PyTorch's BCE does; `dL/dp = −1/(B·p)`
/// at the label, 0 elsewhere.
public func nllOnProbabilities<T: NNScalar>(_ probabilities: Tensor<T>, labels: [Int], weight: Double = 1) throws -> LossValue<T> {
  let b = probabilities.rows, k = probabilities.columns
  guard probabilities.rank == 2, labels.count == b else {
    throw OmicsError(location: "nll", "probabilities \(probabilities.shape) and \(labels.count) labels do not match")
  }
  if let bad = labels.first(where: { $0 < 0 || $0 >= k }) {
    throw OmicsError(location: "nll", "label \(bad) outside 0..<\(k)")
  }
  var grad = Tensor<T>(shape: probabilities.shape)
  var total = 0.0
  for r in 0..<b {
    let p = Double(probabilities.scalars[r * k + labels[r]])
    total -= max(Double.nnLog(p), -100)
    grad.scalars[r * k + labels[r]] = T(-weight / (Double(b) * max(p, 1e-300)))
  }
  return LossValue(value: weight * total / Double(max(b, 1)), gradient: grad)
}

@inline(__always) func Foundation_exp(_ x: Double) -> Double { Double.nnExp(x) }
