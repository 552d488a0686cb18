internal import COpenBLAS
import OmicsCore

/// All eigenpairs of a symmetric matrix through LAPACK's `dsyevr` (OpenBLAS), largest first.
enum SymmetricEigenDecomposition {
  /// Eigenvalues in decreasing order and the eigenvectors as the columns of an n × n matrix
  /// (column k belongs to value k).
  static func decompose(_ matrix: DenseRowMatrix) throws -> (values: [Double], vectors: DenseRowMatrix) {
    precondition(matrix.rows == matrix.cols)
    let n = matrix.rows
    guard n > 0 else { return ([], DenseRowMatrix(rows: 0, cols: 0)) }
    // Symmetric: row-major and column-major storage coincide.
    var a = matrix.values
    var jobz = CChar(UInt8(ascii: "V")), range = CChar(UInt8(ascii: "A")), uplo = CChar(UInt8(ascii: "U"))
    var nn = Int32(n), lda = Int32(n), il: Int32 = 1, iu = Int32(n), ldz = Int32(n)
    var vl = 0.0, vu = 0.0, abstol = 0.0
    var found: Int32 = 0, info: Int32 = 0
    var w = [Double](repeating: 0, count: n)
    var z = [Double](repeating: 0, count: n * n)
    var isuppz = [Int32](repeating: 0, count: 2 * n)
    var lwork: Int32 = -1, liwork: Int32 = -1
    var workSize = 0.0
    var iworkSize: Int32 = 0
    dsyevr_(&jobz, &range, &uplo, &nn, &a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz, &isuppz,
            &workSize, &lwork, &iworkSize, &liwork, &info, 1, 1, 1)
    guard info == 0 else { throw OmicsError("LAPACK dsyevr workspace query failed (info \(info))") }
    lwork = Int32(workSize)
    liwork = iworkSize
    var work = [Double](repeating: 0, count: Int(lwork))
    var iwork = [Int32](repeating: 0, count: Int(liwork))
    dsyevr_(&jobz, &range, &uplo, &nn, &a, &lda, &vl, &vu, &il, &iu, &abstol, &found, &w, &z, &ldz, &isuppz,
            &work, &lwork, &iwork, &liwork, &info, 1, 1, 1)
    guard info == 0, Int(found) == n else {
      throw OmicsError("LAPACK dsyevr did not converge (info \(info), \(found) of \(n) eigenpairs)")
    }
    // LAPACK: ascending values, vectors column-major (z[i + k*n]).
    var values = [Double](repeating: 0, count: n)
    var vectors = DenseRowMatrix(rows: n, cols: n)
    for k in 0..<n {
      let src = n - 1 - k
      values[k] = w[src]
      for i in 0..<n { vectors.values[i * n + k] = z[i + src * n] }
    }
    return (values, vectors)
  }
}
