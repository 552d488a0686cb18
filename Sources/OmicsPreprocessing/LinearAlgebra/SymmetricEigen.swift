import COpenBLAS
import OmicsCore

/// The largest eigenpairs of a symmetric matrix through LAPACK's `dsyevr` (OpenBLAS).
enum SymmetricEigen {
  /// The `count` largest eigenvalues (descending) and their eigenvectors (n × count, column j the
  /// eigenvector of value j, stored row-major). `a` (n × n, full symmetric) is destroyed.
  static func largest(_ a: UnsafeMutablePointer<Double>, n: Int, count: Int) throws -> (values: [Double], vectors: [Double]) {
    guard count >= 1, count <= n else { throw OmicsError("cannot take \(count) eigenpairs of a \(n) × \(n) matrix") }
    var jobz = CChar(UInt8(ascii: "V")), range = CChar(UInt8(ascii: "I")), uplo = CChar(UInt8(ascii: "U"))
    var nn = Int32(n), lda = Int32(n), il = Int32(n - count + 1), iu = Int32(n), ldz = Int32(n)
    var vl = 0.0, vu = 0.0, abstol = 0.0
    var found: Int32 = 0, info: Int32 = 0
    var w = [Double](repeating: 0, count: n)
    var z = [Double](repeating: 0, count: n * count)
    var isuppz = [Int32](repeating: 0, count: 2 * max(1, count))
    // workspace query
    var lwork: Int32 = -1, liwork: Int32 = -1
    var workSize = 0.0
    var iworkSize: Int32 = 0
    dsyevr_(&jobz, &range, &uplo, &nn, a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz, &isuppz,
            &workSize, &lwork, &iworkSize, &liwork, &info, 1, 1, 1)
    guard info == 0 else { throw OmicsError("LAPACK dsyevr workspace query failed (info \(info))") }
    lwork = Int32(workSize)
    liwork = iworkSize
    var work = [Double](repeating: 0, count: Int(lwork))
    var iwork = [Int32](repeating: 0, count: Int(liwork))
    dsyevr_(&jobz, &range, &uplo, &nn, a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz, &isuppz,
            &work, &lwork, &iwork, &liwork, &info, 1, 1, 1)
    guard info == 0, Int(found) == count else {
      throw OmicsError("LAPACK dsyevr did not converge (info \(info), \(found) of \(count) eigenpairs)")
    }
    // LAPACK returns ascending values, vectors column-major (z[i + j*n]); reorder to descending, row-major n × count
    var values = [Double](repeating: 0, count: count)
    var vectors = [Double](repeating: 0, count: n * count)
    for j in 0..<count {
      let src = count - 1 - j
      values[j] = w[src]
      for i in 0..<n { vectors[i * count + j] = z[i + src * n] }
    }
    return (values, vectors)
  }
}
