/// The specification of the engine's matrix product: `C ← alpha·op(A)·op(B) + beta·C`, row-major,
/// in plain loops with a `Double` accumulator. Tests compare `NNScalar.gemm` (OpenBLAS) against it.
///
/// Shapes: `op(A)` is `(M, K)`, `op(B)` is `(K, N)`, `C` is `(M, N)`; `lda`, `ldb`, `ldc` are the
/// row strides of the matrices as stored.
/// - Complexity: O(M·N·K).
public func naiveGemm<T: NNScalar>(
  transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: T,
  a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
  beta: T, c: UnsafeMutablePointer<T>, ldc: Int
) {
  for i in 0..<m {
    for j in 0..<n {
      var acc = 0.0
      for p in 0..<k {
        let av = transA ? a[p * lda + i] : a[i * lda + p]
        let bv = transB ? b[j * ldb + p] : b[p * ldb + j]
        acc += Double(av) * Double(bv)
      }
      let prior = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
      c[i * ldc + j] = T(Double(alpha) * acc + prior)
    }
  }
}

/// `A·op(B)` for 2-D tensors via the naive reference (tests only; O(M·N·K)).
public func naiveMatmul<T: NNScalar>(_ a: Tensor<T>, _ b: Tensor<T>, transposeB: Bool = false) -> Tensor<T> {
  let m = a.rows, k = a.columns, n = transposeB ? b.rows : b.columns
  var c = Tensor<T>(shape: [m, n])
  if m == 0 || n == 0 || k == 0 { return c }
  a.scalars.withUnsafeBufferPointer { ap in
    b.scalars.withUnsafeBufferPointer { bp in
      c.scalars.withUnsafeMutableBufferPointer { cp in
        naiveGemm(transA: false, transB: transposeB, m: m, n: n, k: k, alpha: 1, a: ap.baseAddress!, lda: k,
                  b: bp.baseAddress!, ldb: b.columns, beta: 0, c: cp.baseAddress!, ldc: n)
      }
    }
  }
  return c
}

/// `A·op(B)` for 2-D tensors through OpenBLAS.
public func matmul<T: NNScalar>(_ a: Tensor<T>, _ b: Tensor<T>, transposeB: Bool = false) -> Tensor<T> {
  let m = a.rows, k = a.columns, n = transposeB ? b.rows : b.columns
  precondition((transposeB ? b.columns : b.rows) == k, "inner dimensions differ")
  var c = Tensor<T>(shape: [m, n])
  if m == 0 || n == 0 || k == 0 { return c }
  a.scalars.withUnsafeBufferPointer { ap in
    b.scalars.withUnsafeBufferPointer { bp in
      c.scalars.withUnsafeMutableBufferPointer { cp in
        T.gemm(transA: false, transB: transposeB, m: m, n: n, k: k, alpha: 1, a: ap.baseAddress!, lda: k,
               b: bp.baseAddress!, ldb: b.columns, beta: 0, c: cp.baseAddress!, ldc: n)
      }
    }
  }
  return c
}
