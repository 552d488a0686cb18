@testable import OmicsNN
import Testing

/// OpenBLAS `gemm` against the naive reference `naiveGemm`, every transpose combination, both precisions.
@Suite struct MatmulTests {
  func check<T: NNScalar>(_: T.Type, tol: Double) {
    var rng = SeededGenerator(seed: 5)
    for (m, n, k) in [(1, 1, 1), (3, 4, 5), (17, 9, 33), (64, 31, 7)] {
      for transA in [false, true] {
        for transB in [false, true] {
          let a = (0..<(m * k)).map { _ in T(rng.uniform(-1, 1)) }
          let b = (0..<(k * n)).map { _ in T(rng.uniform(-1, 1)) }
          let c0 = (0..<(m * n)).map { _ in T(rng.uniform(-1, 1)) }
          var fast = c0, slow = c0
          let lda = transA ? m : k, ldb = transB ? k : n
          a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
              fast.withUnsafeMutableBufferPointer { cp in
                T.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 0.5, a: ap.baseAddress!, lda: lda,
                       b: bp.baseAddress!, ldb: ldb, beta: 2, c: cp.baseAddress!, ldc: n)
              }
              slow.withUnsafeMutableBufferPointer { cp in
                naiveGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: T(0.5), a: ap.baseAddress!, lda: lda,
                          b: bp.baseAddress!, ldb: ldb, beta: T(2), c: cp.baseAddress!, ldc: n)
              }
            }
          }
          let worst = zip(fast, slow).map { abs(Double($0) - Double($1)) }.max() ?? 0
          #expect(worst <= tol * Double(k), "\(T.self) m\(m) n\(n) k\(k) tA \(transA) tB \(transB): \(worst)")
        }
      }
    }
  }

  @Test func float32() { check(Float.self, tol: 1e-6) }
  @Test func float64() { check(Double.self, tol: 1e-14) }

  /// The partitioned mode's block addressing (rows of C, or columns when C has few rows), every
  /// transpose combination, 2 and 3 blocks: each block computed by the naive reference must give
  /// the naive whole product bit for bit. Small shapes with the work threshold off (block count
  /// and threshold are passed, no global state; debug-build speed).
  @Test func partitionedBlocksAgreeWithTheReference() {
    var rng = SeededGenerator(seed: 9)
    for (m, n, k) in [(50, 20, 7), (67, 40, 5), (9, 70, 6), (37, 45, 3)] {
      for parts in [2, 3] {
        for transA in [false, true] {
          for transB in [false, true] {
            let a = (0..<(m * k)).map { _ in Float(rng.uniform(-1, 1)) }
            let b = (0..<(k * n)).map { _ in Float(rng.uniform(-1, 1)) }
            let c0 = (0..<(m * n)).map { _ in Float(rng.uniform(-1, 1)) }
            var fast = c0, slow = c0
            let lda = transA ? m : k, ldb = transB ? k : n
            a.withUnsafeBufferPointer { ap in
              b.withUnsafeBufferPointer { bp in
                fast.withUnsafeMutableBufferPointer { cp in
                  BLASThreads.partitioned(transA: transA, transB: transB, m: m, n: n, k: k, a: ap.baseAddress!, lda: lda,
                                          b: bp.baseAddress!, ldb: ldb, c: cp.baseAddress!, ldc: n, parts: parts,
                                          minimumWork: 0) {
                    tA, tB, mb, nb, ab, bb, cb in
                    naiveGemm(transA: tA, transB: tB, m: mb, n: nb, k: k, alpha: Float(0.5), a: ab, lda: lda, b: bb,
                              ldb: ldb, beta: Float(2), c: cb, ldc: n)
                  }
                }
                slow.withUnsafeMutableBufferPointer { cp in
                  naiveGemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: Float(0.5), a: ap.baseAddress!,
                            lda: lda, b: bp.baseAddress!, ldb: ldb, beta: Float(2), c: cp.baseAddress!, ldc: n)
                }
              }
            }
            // The same naive product per block: equal bit for bit when the blocks are addressed right.
            #expect(fast == slow, "m\(m) n\(n) k\(k) parts \(parts) tA \(transA) tB \(transB)")
          }
        }
      }
    }
  }

  @Test func tensorMatmul() {
    let a = Tensor<Double>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let b = Tensor<Double>(shape: [3, 2], scalars: [7, 8, 9, 10, 11, 12])
    #expect(matmul(a, b).scalars == [58, 64, 139, 154])
    #expect(naiveMatmul(a, b).scalars == [58, 64, 139, 154])
    #expect(matmul(a, a, transposeB: true).scalars == [14, 32, 32, 77])
  }
}
