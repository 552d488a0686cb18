import OmicsCore

/// Mean squared error `L = mean((ŷ − y)²)` over all elements (PyTorch `mse_loss`, reduction mean);
/// `dL/dŷ = 2(ŷ − y)/N`.
@_specialize(where T == Float)
public func mseLoss<T: NNScalar>(_ prediction: Tensor<T>, _ target: Tensor<T>, weight: Double = 1) throws -> LossValue<T> {
  guard prediction.shape == target.shape else {
    throw OmicsError(location: "mse", "prediction \(prediction.shape) and target \(target.shape) differ")
  }
  let n = Double(max(prediction.count, 1))
  var grad = prediction
  var sum = 0.0
  let k = T(2 * weight / n)
  grad.scalars.withUnsafeMutableBufferPointer { g in
    target.scalars.withUnsafeBufferPointer { t in
      for i in 0..<g.count {
        let d = g[i] - t[i]
        sum += Double(d) * Double(d)
        g[i] = k * d
      }
    }
  }
  return LossValue(value: weight * sum / n, gradient: grad)
}
