import COpenBLAS
import Testing

/// The OpenBLAS system-library target links and computes (later layers build PCA and the neural
/// engine on it).
@Suite struct SystemLibraryTests {
  @Test func openBLASMultipliesMatrices() {
    // [1 2; 3 4] × [5 6; 7 8] = [19 22; 43 50], row-major.
    let a: [Double] = [1, 2, 3, 4]
    let b: [Double] = [5, 6, 7, 8]
    var c = [Double](repeating: 0, count: 4)
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
    #expect(c == [19, 22, 43, 50])
  }
}
