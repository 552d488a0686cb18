import OmicsCore

/// Binary cross-entropy on probabilities: `L = −mean(y·log p + (1−y)·log(1−p))`, each log clamped
/// at −100 as PyTorch `binary_cross_entropy`; `dL/dp = (p − y)/(p(1 − p)·N)` (p clamped away from 0/1
/// by 1e-12 in the gradient).
public func bceLoss<T: NNScalar>(_ probabilities: Tensor<T>, _ target: Tensor<T>, weight: Double = 1) throws -> LossValue<T> {
  guard probabilities.shape == target.shape else {
    throw OmicsError(location: "bce", "prediction \(probabilities.shape) and target \(target.shape) differ")
  }
  let n = Double(max(probabilities.count, 1))
  var grad = probabilities
  var total = 0.0
  grad.scalars.withUnsafeMutableBufferPointer { g in
    target.scalars.withUnsafeBufferPointer { t in
      for i in 0..<g.count {
        let p = Double(g[i]), y = Double(t[i])
        total -= y * max(Double.nnLog(p), -100) + (1 - y) * max(Double.nnLog1p(-p), -100)
        let pc = min(max(p, 1e-12), 1 - 1e-12)
        g[i] = T(weight * (pc - y) / (pc * (1 - pc) * n))
      }
    }
  }
  return LossValue(value: weight * total / n, gradient: grad)
}

/// Binary cross-entropy on logits (PyTorch `binary_cross_entropy_with_logits`), stable form
/// `max(z,0) − z·y + log(1 + e^{−|z|})`, mean; `dL/dz = (σ(z) − y)/N`.
public func bceWithLogitsLoss<T: NNScalar>(_ logits: Tensor<T>, _ target: Tensor<T>, weight: Double = 1) throws -> LossValue<T> {
  guard logits.shape == target.shape else {
    throw OmicsError(location: "bce-with-logits", "prediction \(logits.shape) and target \(target.shape) differ")
  }
  let n = Double(max(logits.count, 1))
  var grad = logits
  var total = 0.0
  grad.scalars.withUnsafeMutableBufferPointer { g in
    target.scalars.withUnsafeBufferPointer { t in
      for i in 0..<g.count {
        let z = Double(g[i]), y = Double(t[i])
        total += max(z, 0) - z * y + Double.nnLog1p(Double.nnExp(-abs(z)))
        g[i] = T(weight * (1 / (1 + Double.nnExp(-z)) - y) / n)
      }
    }
  }
  return LossValue(value: weight * total / n, gradient: grad)
}
