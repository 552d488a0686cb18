import OmicsNN
import Testing

/// Central finite-difference check of a backward pass in Float64 (ggml's `grad_eps`/`grad_expect`).
///
/// The scalar checked is `f = Σ r ⊙ forward(x)` for a fixed random `r`; the analytic gradients are
/// `backward(r)` (input) and the store's accumulated `gradients` (parameters). Each numeric
/// derivative is `(f(θ+ε) − f(θ−ε))/2ε` with ε = 1e-6; agreement means
/// `|analytic − numeric| ≤ 1e-6 + 1e-5·|numeric|`. Returns the largest error seen; records
/// an issue for each disagreement.
struct GradientChecker {
  var eps = 1e-6
  var atol = 1e-6
  var rtol = 1e-5

  @discardableResult
  func check(
    _ label: String, input: Tensor<Double>, store: ParameterStore<Double>?,
    checkInput: Bool = true,
    forward: (Tensor<Double>) throws -> Tensor<Double>,
    backward: (Tensor<Double>) throws -> Tensor<Double>
  ) throws -> (checked: Int, maxError: Double) {
    var rng = SeededGenerator(seed: 99)
    let y0 = try forward(input)
    let r = Tensor<Double>(shape: y0.shape, scalars: (0..<y0.count).map { _ in rng.uniform(-1, 1) })
    func f(_ x: Tensor<Double>) throws -> Double {
      let y = try forward(x)
      var s = 0.0
      for i in 0..<y.count { s += y.scalars[i] * r.scalars[i] }
      return s
    }
    store?.zeroGradients()
    _ = try forward(input)
    let dx = try backward(r)
    let analyticParams = store?.gradients ?? []
    var checked = 0, worst = 0.0
    func compare(_ a: Double, _ n: Double, _ what: String) {
      checked += 1
      let err = abs(a - n)
      worst = max(worst, err / (atol + rtol * abs(n)))
      #expect(err <= atol + rtol * abs(n), "\(label): \(what) analytic \(a) numeric \(n)")
    }
    if checkInput {
      #expect(dx.shape == input.shape, "\(label): input gradient shape")
      for i in 0..<input.count {
        var xp = input, xm = input
        xp.scalars[i] += eps
        xm.scalars[i] -= eps
        let n = (try f(xp) - f(xm)) / (2 * eps)
        compare(dx.scalars[i], n, "dx[\(i)]")
      }
    }
    if let store {
      for e in store.entries where e.kind == .parameter {
        for i in e.range {
          let saved = store.values[i]
          store.values[i] = saved + eps
          let fp = try f(input)
          store.values[i] = saved - eps
          let fm = try f(input)
          store.values[i] = saved
          compare(analyticParams[i], (fp - fm) / (2 * eps), "\(e.name)[\(i - e.offset)]")
        }
      }
    }
    #expect(checked > 0, "\(label): nothing was checked")
    return (checked, worst)
  }

  /// Checks `dL/dx` of a scalar loss `value(x)` against its returned gradient.
  func checkLoss(_ label: String, input: Tensor<Double>, value: (Tensor<Double>) throws -> Double,
                 gradient: Tensor<Double>) throws {
    #expect(gradient.shape == input.shape)
    for i in 0..<input.count {
      var xp = input, xm = input
      xp.scalars[i] += eps
      xm.scalars[i] -= eps
      let n = (try value(xp) - value(xm)) / (2 * eps)
      let a = gradient.scalars[i]
      #expect(abs(a - n) <= atol + rtol * abs(n), "\(label): d[\(i)] analytic \(a) numeric \(n)")
    }
  }
}

/// A `(rows, cols)` tensor of uniform values in `[low, high)` from `seed`.
func randomTensor(_ shape: [Int], seed: UInt64, low: Double = -1, high: Double = 1) -> Tensor<Double> {
  var rng = SeededGenerator(seed: seed)
  return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in rng.uniform(low, high) })
}
