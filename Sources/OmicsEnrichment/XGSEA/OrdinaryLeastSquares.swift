import OmicsCore

/// Least squares with an intercept by Householder QR: the regressions of XGSEA's step 3.
enum OrdinaryLeastSquares {
  /// Coefficients β ((p + 1) × m; row 0 the intercept) minimising ‖[1, X] β − Y‖ for predictors
  /// X (n × p) and responses Y (n × m). Throws when [1, X] has rank below p + 1.
  static func fit(predictors x: DenseRowMatrix, responses y: DenseRowMatrix) throws -> DenseRowMatrix {
    let n = x.rows, p = x.cols + 1, m = y.cols
    precondition(y.rows == n)
    guard n >= p else {
      throw OmicsError("a regression on \(p - 1) predictors needs at least \(p) observations, got \(n)")
    }
    // Column-major design and responses.
    var a = [Double](repeating: 0, count: n * p)
    for i in 0..<n {
      a[i] = 1
      for j in 1..<p { a[j * n + i] = x.values[i * x.cols + j - 1] }
    }
    var b = [Double](repeating: 0, count: n * m)
    for i in 0..<n { for j in 0..<m { b[j * n + i] = y.values[i * m + j] } }
    var diagonal = [Double](repeating: 0, count: p)
    var scale = 0.0
    for k in 0..<p {
      var norm = 0.0
      for i in k..<n { norm += a[k * n + i] * a[k * n + i] }
      norm = norm.squareRoot()
      scale = Swift.max(scale, norm)
      if norm == 0 { diagonal[k] = 0; continue }
      let alpha = a[k * n + k] > 0 ? -norm : norm
      // v = a_k − alpha e_k, stored in place.
      a[k * n + k] -= alpha
      var vv = 0.0
      for i in k..<n { vv += a[k * n + i] * a[k * n + i] }
      diagonal[k] = alpha
      guard vv > 0 else { continue }
      for j in (k + 1)..<Swift.max(k + 1, p) {
        var d = 0.0
        for i in k..<n { d += a[k * n + i] * a[j * n + i] }
        let f = 2 * d / vv
        for i in k..<n { a[j * n + i] -= f * a[k * n + i] }
      }
      for j in 0..<m {
        var d = 0.0
        for i in k..<n { d += a[k * n + i] * b[j * n + i] }
        let f = 2 * d / vv
        for i in k..<n { b[j * n + i] -= f * a[k * n + i] }
      }
    }
    for k in 0..<p where !(Swift.abs(diagonal[k]) > 1e-10 * Swift.max(scale, 1e-300)) {
      throw OmicsError("the regression design is rank-deficient (column \(k) of the intercept and \(p - 1) embedding coordinates)")
    }
    // Back substitution: R β = Qᵀ y, R's strict upper part in a, its diagonal in `diagonal`.
    var beta = DenseRowMatrix(rows: p, cols: m)
    for j in 0..<m {
      for k in stride(from: p - 1, through: 0, by: -1) {
        var s = b[j * n + k]
        for l in (k + 1)..<Swift.max(k + 1, p) { s -= a[l * n + k] * beta.values[l * m + j] }
        beta.values[k * m + j] = s / diagonal[k]
      }
    }
    return beta
  }

  /// [1, X] β for new predictors X (n × p).
  static func predict(_ x: DenseRowMatrix, coefficients beta: DenseRowMatrix) -> DenseRowMatrix {
    let n = x.rows, p = x.cols, m = beta.cols
    precondition(beta.rows == p + 1)
    var out = DenseRowMatrix(rows: n, cols: m)
    for i in 0..<n {
      for j in 0..<m {
        var s = beta.values[j]
        for k in 0..<p { s += x.values[i * p + k] * beta.values[(k + 1) * m + j] }
        out.values[i * m + j] = s
      }
    }
    return out
  }
}
