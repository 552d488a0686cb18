internal import COpenBLAS

// The only file of OmicsNN that imports COpenBLAS (Docs/neural-engine.md, "BLAS").

extension Float {
  public static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    if m == 0 || n == 0 { return }
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}

extension Double {
  public static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
    a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
    beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    if m == 0 || n == 0 { return }
    cblas_dgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}

/// Thread control for the BLAS library (OpenBLAS's pthread build).
///
/// Determinism: OpenBLAS partitions a GEMM over M and N only, never over K, so with a fixed thread
/// count every output element is the same sequence of multiply-adds run to run. The engine's own
/// reductions are sequential or split into blocks fixed by the thread count. Same seed + same
/// thread count → bit-identical model.
public enum BLASThreads {
  /// Sets the number of threads OpenBLAS uses (≥ 1).
  public static func set(_ count: Int) { openblas_set_num_threads(Int32(max(1, count))) }
  /// The number of threads OpenBLAS uses now.
  public static var current: Int { Int(openblas_get_num_threads()) }
}
