/// The Stiefel manifold St(n, p) = {W ∈ ℝ^{n×p} : WᵀW = I} with the Euclidean metric: tangent
/// projection of a gradient and the QR retraction (Absil, Mahony & Sepulchre 2008, §4.1.1).
enum StiefelManifold {
  /// The Q factor of the thin QR decomposition of `a` (n × p, n ≥ p), signs chosen so that R has a
  /// positive diagonal: modified Gram–Schmidt, each column orthogonalised twice. A column that
  /// vanishes is replaced by the first coordinate vector orthogonal to the previous ones.
  static func qFactor(_ a: DenseRowMatrix) -> DenseRowMatrix {
    let n = a.rows, p = a.cols
    precondition(n >= p, "qFactor needs at least as many rows as columns")
    // Work column-major for contiguous columns.
    var q = [Double](repeating: 0, count: n * p)
    for i in 0..<n { for j in 0..<p { q[j * n + i] = a.values[i * p + j] } }
    q.withUnsafeMutableBufferPointer { buf in
      let base = buf.baseAddress!
      for j in 0..<p {
        let col = base + j * n
        var original = 0.0
        for i in 0..<n { original += col[i] * col[i] }
        for _ in 0..<2 {
          for k in 0..<j {
            let other = base + k * n
            var d = 0.0
            for i in 0..<n { d += other[i] * col[i] }
            for i in 0..<n { col[i] -= d * other[i] }
          }
        }
        var norm = 0.0
        for i in 0..<n { norm += col[i] * col[i] }
        norm = norm.squareRoot()
        if !(norm > 1e-12 * Swift.max(1, original.squareRoot())) {
          // Degenerate column: take a coordinate vector and orthogonalise it instead.
          var e = 0
          repeat {
            for i in 0..<n { col[i] = i == e ? 1 : 0 }
            for _ in 0..<2 {
              for k in 0..<j {
                let other = base + k * n
                var d = 0.0
                for i in 0..<n { d += other[i] * col[i] }
                for i in 0..<n { col[i] -= d * other[i] }
              }
            }
            norm = 0
            for i in 0..<n { norm += col[i] * col[i] }
            norm = norm.squareRoot()
            e += 1
          } while norm < 0.5 && e < n
        }
        for i in 0..<n { col[i] /= norm }
      }
    }
    var out = DenseRowMatrix(rows: n, cols: p)
    for i in 0..<n { for j in 0..<p { out.values[i * p + j] = q[j * n + i] } }
    return out
  }

  /// The projection of an ambient gradient `g` onto the tangent space at `w`: g − W sym(Wᵀg).
  static func tangentProjection(at w: DenseRowMatrix, of g: DenseRowMatrix) -> DenseRowMatrix {
    let wtg = DenseRowMatrix.product(w, transposeA: true, g)
    var sym = wtg
    let p = wtg.rows
    for i in 0..<p { for j in 0..<p { sym[i, j] = 0.5 * (wtg[i, j] + wtg[j, i]) } }
    return g.adding(DenseRowMatrix.product(w, sym), scaledBy: -1)
  }

  /// The QR retraction R_W(t·ξ) = qf(W + t·ξ): a point of the manifold again.
  static func retract(_ w: DenseRowMatrix, along direction: DenseRowMatrix, step: Double) -> DenseRowMatrix {
    qFactor(w.adding(direction, scaledBy: step))
  }

  /// max |WᵀW − I|: how far `w` is from the manifold.
  static func orthonormalityError(_ w: DenseRowMatrix) -> Double {
    let g = DenseRowMatrix.product(w, transposeA: true, w)
    var worst = 0.0
    for i in 0..<g.rows { for j in 0..<g.cols { worst = Swift.max(worst, Swift.abs(g[i, j] - (i == j ? 1 : 0))) } }
    return worst
  }
}
