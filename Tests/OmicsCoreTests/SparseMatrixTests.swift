import OmicsCore
import Testing

@Suite struct SparseMatrixTests {
  let csr = SparseMatrix(
    layout: .csr, rows: 2, cols: 3, indptr: [0, 2, 3], indices: [0, 2, 1], data: .float32([1, 2, 3]))

  @Test func convertsBetweenLayouts() {
    let csc = csr.converted(to: .csc)
    #expect(csc.indptr == [0, 1, 2, 3])
    #expect(csc.indices == [0, 1, 0])
    #expect(csc.data == .float32([1, 3, 2]))
    #expect(csc.denseDoubles() == [1, 0, 2, 0, 3, 0])
    #expect(csc.converted(to: .csr) == csr)
  }

  @Test func validationNamesTheProblem() {
    #expect(csr.validate() == nil)
    var bad = csr
    bad.indptr = [0, 3, 2]
    #expect(bad.validate()?.contains("not monotonic") == true)
    bad = csr
    bad.indices = [0, 5, 1]
    #expect(bad.validate()?.contains("out of range") == true)
    bad = csr
    bad.indptr = [0, 2]
    #expect(bad.validate()?.contains("indptr has 2 entries") == true)
  }
}
