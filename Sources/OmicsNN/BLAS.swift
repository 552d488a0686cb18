internal import COpenBLAS
import Dispatch

// The only file of OmicsNN that imports COpenBLAS (Docs/neural-engine.md, "BLAS").

extension Float {
  public static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    if m == 0 || n == 0 { return }
    BLASThreads.partitioned(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                            c: c, ldc: ldc) { transA, transB, m, n, a, b, c in
      cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
  }
}

extension Double {
  public static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Double,
    a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
    beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
  ) {
    if m == 0 || n == 0 { return }
    BLASThreads.partitioned(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                            c: c, ldc: ldc) { transA, transB, m, n, a, b, c in
      cblas_dgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
  }
}

/// Thread control for the matrix products: either OpenBLAS's own threads (`set`, the default), or
/// `setPartitioned`, where OpenBLAS runs single-threaded and `gemm` itself splits a large product
/// into row blocks of C (column blocks when C has few rows) computed concurrently.
///
/// Determinism: OpenBLAS partitions a GEMM over M and N only, never over K, so with a fixed thread
/// count every output element is the same sequence of multiply-adds run to run. The engine's own
/// reductions are sequential or split into blocks fixed by the thread count. Same seed + same
/// thread count → bit-identical model; in the partitioned mode the blocks are fixed by the thread
/// count and the shape, so the same holds (different thread counts may differ in the last bits, as
/// they do with OpenBLAS's own threads: measured). Why it exists: for the small products of scDEAL-sized
/// networks (a few hundred rows), OpenBLAS's idle threads spin in `sched_yield` between calls, which
/// costs more than they save on a 2-core machine under load (Docs/adapt.md, "Speed").
public enum BLASThreads {
  /// Below this many multiply-adds a product is not split (the dispatch costs more than it saves).
  static let minimumPartitionedWork = 1 << 19
  nonisolated(unsafe) static var partitions = 1
  /// The persistent workers of the partitioned mode (`partitions - 1` threads), made on first use.
  nonisolated(unsafe) static var pool: SpinningWorkerPool?

  /// Sets the number of threads OpenBLAS uses (≥ 1); products are not split by `gemm`.
  public static func set(_ count: Int) {
    partitions = 1
    openblas_set_num_threads(Int32(max(1, count)))
  }

  /// OpenBLAS single-threaded; `gemm` splits products of at least `minimumPartitionedWork`
  /// multiply-adds into `count` blocks run concurrently on a `SpinningWorkerPool` of `count - 1` threads.
  public static func setPartitioned(_ count: Int) {
    openblas_set_num_threads(1)
    partitions = max(1, count)
    if partitions > 1, (pool?.workerCount ?? 0) < partitions - 1 {
      pool = SpinningWorkerPool(workers: partitions - 1)
    }
  }

  /// Runs `body(block)` for `blocks` blocks at once: on the pool's workers in the partitioned mode,
  /// else (the pool busy or absent) with `DispatchQueue.concurrentPerform`.
  @inline(__always)
  static func runBlocks(_ blocks: Int, _ body: (Int) -> Void) {
    if let pool, pool.run(blocks: blocks, body) { return }
    DispatchQueue.concurrentPerform(iterations: blocks, execute: body)
  }

  /// Splits the index range `0..<count` into `partitions` contiguous ranges (starts multiples of 8,
  /// so SIMD8 loops stay aligned to the same lanes) and runs `body` on them at once; below `minimum`
  /// elements, or outside the partitioned mode, `body(0..<count)` runs on the calling thread. For
  /// element-wise passes whose result does not depend on how the range is cut.
  public static func forEachRange(count: Int, minimum: Int = 1 << 15, _ body: (Range<Int>) -> Void) {
    let parts = partitions
    let chunks = (count + 7) / 8
    guard parts > 1, count >= minimum, chunks >= parts else {
      body(0..<count)
      return
    }
    runBlocks(parts) { p in
      let start = min(count, chunks * p / parts * 8), end = min(count, chunks * (p + 1) / parts * 8)
      if start < end { body(start..<end) }
    }
  }

  /// The number of threads OpenBLAS uses now.
  public static var current: Int { Int(openblas_get_num_threads()) }

  /// Runs `product` on the whole problem, or on `partitions` blocks of C's rows (or columns) at once.
  /// Block starts are multiples of 16 (the kernels' register tile), so blocks run full tiles.
  @inline(__always)
  static func partitioned<T>(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
    c: UnsafeMutablePointer<T>, ldc: Int, parts: Int = partitions, minimumWork: Int = minimumPartitionedWork,
    _ product: (Bool, Bool, Int, Int, UnsafePointer<T>, UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void
  ) {
    guard parts > 1, m * n * k >= minimumWork else {
      product(transA, transB, m, n, a, b, c)
      return
    }
    let splitRows = m >= n || n < 32
    let extent = splitRows ? m : n
    let tiles = (extent + 15) / 16
    let blocks = min(parts, tiles)
    if blocks < 2 {
      product(transA, transB, m, n, a, b, c)
      return
    }
    runBlocks(blocks) { p in
      let start = min(extent, tiles * p / blocks * 16), end = min(extent, tiles * (p + 1) / blocks * 16)
      if start >= end { return }
      if splitRows {
        // Rows start..<end of C = rows of op(A).
        let aBlock = transA ? a + start : a + start * lda
        product(transA, transB, end - start, n, aBlock, b, c + start * ldc)
      } else {
        // Columns start..<end of C = columns of op(B).
        let bBlock = transB ? b + start * ldb : b + start
        product(transA, transB, m, end - start, a, bBlock, c + start)
      }
    }
  }
}
