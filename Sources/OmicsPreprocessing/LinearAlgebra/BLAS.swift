import COpenBLAS

/// Thin wrappers over CBLAS on row-major Double buffers.
enum BLAS {
  /// C (m × n) = alpha · A (m × k) · Bᵀ (B is n × k) + beta · C. Row-major, leading dimensions given.
  @inline(__always)
  static func gemmABt(
    m: Int, n: Int, k: Int, alpha: Double = 1, _ a: UnsafePointer<Double>, lda: Int,
    _ b: UnsafePointer<Double>, ldb: Int, beta: Double = 0, _ c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    guard m > 0, n > 0 else { return }
    cblas_dgemm(
      CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta,
      c, Int32(ldc))
  }

  /// C (m × n) = alpha · Aᵀ (A is k × m) · B (k × n) + beta · C.
  @inline(__always)
  static func gemmAtB(
    m: Int, n: Int, k: Int, alpha: Double = 1, _ a: UnsafePointer<Double>, lda: Int,
    _ b: UnsafePointer<Double>, ldb: Int, beta: Double = 0, _ c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    guard m > 0, n > 0 else { return }
    cblas_dgemm(
      CblasRowMajor, CblasTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta,
      c, Int32(ldc))
  }

  /// Squared Euclidean norm of each row of a row-major n × d matrix.
  static func rowSquaredNorms(_ x: UnsafePointer<Double>, rows: Int, cols: Int) -> [Double] {
    var out = [Double](repeating: 0, count: rows)
    out.withUnsafeMutableBufferPointer { o in
      guard let ob = o.baseAddress else { return }
      Parallel.forEachChunk(rows, minimumPerChunk: 64) { range in
        for i in range { ob[i] = cblas_ddot(Int32(cols), x + i * cols, 1, x + i * cols, 1) }
      }
    }
    return out
  }
}

extension BLAS {
  /// C (m × n) = A (m × k) · B (k × n), row-major.
  @inline(__always)
  static func gemmAB(
    m: Int, n: Int, k: Int, _ a: UnsafePointer<Double>, lda: Int, _ b: UnsafePointer<Double>, ldb: Int,
    _ c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    guard m > 0, n > 0 else { return }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(lda), b, Int32(ldb), 0, c, Int32(ldc))
  }
}
