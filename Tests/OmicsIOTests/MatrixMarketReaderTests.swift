import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

@Suite struct MatrixMarketReaderTests {
  func sparse(_ text: String, _ options: MatrixMarketReader.Options = .init()) throws -> SparseMatrix {
    try MatrixMarketReader.parseSparse(TextFile(name: "m.mtx", text: text), options: options)
  }

  func error(_ text: String, _ options: MatrixMarketReader.Options = .init()) -> String? {
    do {
      _ = try MatrixMarketReader.parse(TextFile(name: "m.mtx", text: text), options: options)
      return nil
    } catch {
      return "\(error)"
    }
  }

  @Test func readsGeneralIntegerCoordinateAsSortedFloat32CSR() throws {
    let m = try sparse(
      """
      %%MatrixMarket matrix coordinate integer general
      %metadata_json: {"software_version": "cellranger-7.1.0"}
      3 4 5
      2 1 7
      1 1 1
      3 4 2
      1 3 5
      3 2 4

      """)
    #expect(m.layout == .csr)
    #expect(m.rows == 3 && m.cols == 4)
    #expect(m.indptr == [0, 2, 3, 5])
    #expect(m.indices == [0, 2, 0, 1, 3])
    #expect(m.data == .float32([1, 5, 7, 4, 2]))
    #expect(m.validate() == nil)
  }

  @Test func headerTokensAreCaseInsensitiveAndCommentsKept() throws {
    let header = try MatrixMarketReader.parseHeader(
      TextFile(name: "m.mtx", text: "%%matrixmarket MATRIX Coordinate REAL General\n% a comment\n%\n2 2 0\n"))
    #expect(header.format == .coordinate)
    #expect(header.field == .real)
    #expect(header.symmetry == .general)
    #expect(header.rows == 2 && header.cols == 2 && header.entries == 0)
    #expect(header.comments == [" a comment", ""])
    #expect(header.sizeLine == 4)
  }

  @Test func transposesWhileReading() throws {
    let text = "%%MatrixMarket matrix coordinate real general\n2 3 3\n1 1 1.5\n2 3 -2\n1 2 3\n"
    let m = try sparse(text, .init(transpose: true))
    #expect(m.rows == 3 && m.cols == 2)
    #expect(m.denseDoubles() == [1.5, 0, 3, 0, 0, -2])
    #expect(m.indptr == [0, 1, 2, 3])
  }

  @Test func sumsDuplicatesAndKeepsExplicitZeros() throws {
    let m = try sparse(
      "%%MatrixMarket matrix coordinate real general\n2 2 5\n1 2 1.25\n1 1 0\n1 2 2.5\n2 2 1\n2 2 -1\n")
    #expect(m.indptr == [0, 2, 3])
    #expect(m.indices == [0, 1, 1])
    #expect(m.data == .float32([0, 3.75, 0]))
  }

  @Test func realsAreParsedAsDoubleThenRounded() throws {
    let text = "%%MatrixMarket matrix coordinate real general\n1 3 3\n1 1 0.1\n1 2 1e-3\n1 3 3.4028236e38\n"
    let f32 = try sparse(text)
    #expect(f32.data == .float32([Float(0.1 as Double), Float(0.001 as Double), Float(3.4028236e38 as Double)]))
    let f64 = try sparse(text, .init(precision: .float64))
    #expect(f64.data == .float64([0.1, 0.001, 3.4028236e38]))
  }

  @Test func integersWrittenAsReals() throws {
    let m = try sparse("%%MatrixMarket matrix coordinate integer general\n2 2 2\n1 1 1e+00\n2 2 3.0\n")
    #expect(m.data == .float32([1, 3]))
    #expect(error("%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1.5\n")
      == "m.mtx: line 3: malformed entry: value '1.5' is not an integer")
  }

  @Test func expandsSymmetricAndSkewSymmetric() throws {
    let sym = try sparse("%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 1 2\n3 1 4\n3 2 5\n")
    #expect(sym.denseDoubles() == [2, 0, 4, 0, 0, 5, 4, 5, 0])
    let skew = try sparse("%%MatrixMarket matrix coordinate integer skew-symmetric\n2 2 1\n2 1 3\n")
    #expect(skew.denseDoubles() == [0, -3, 3, 0])
    let pattern = try sparse("%%MatrixMarket matrix coordinate pattern symmetric\n2 2 2\n1 1\n2 1\n")
    #expect(pattern.denseDoubles() == [1, 1, 1, 0])
    let hermitianReal = try sparse("%%MatrixMarket matrix coordinate real hermitian\n2 2 1\n2 1 1.5\n")
    #expect(hermitianReal.denseDoubles() == [0, 1.5, 1.5, 0])
  }

  @Test func readsDenseArrays() throws {
    let general = try MatrixMarketReader.parse(
      TextFile(name: "a.mtx", text: "%%MatrixMarket matrix array real general\n% c\n2 3\n1\n2\n3\n4\n5\n6\n"))
    guard case .dense(let d) = general else {
      Issue.record("expected dense")
      return
    }
    #expect(d.shape == [2, 3])
    #expect(d.values == .float32([1, 3, 5, 2, 4, 6]))
    let sym = try MatrixMarketReader.parseSparse(
      TextFile(name: "a.mtx", text: "%%MatrixMarket matrix array integer symmetric\n2 2\n1\n2\n0\n"),
      options: .init(precision: .float64))
    #expect(sym.denseDoubles() == [1, 2, 2, 0])
    #expect(sym.nnz == 3)
    let transposed = try MatrixMarketReader.parse(
      TextFile(name: "a.mtx", text: "%%MatrixMarket matrix array real general\n2 3\n1\n2\n3\n4\n5\n6\n"),
      options: .init(transpose: true))
    #expect(transposed.denseDoubles() == [1, 2, 3, 4, 5, 6])
    let skew = try MatrixMarketReader.parse(
      TextFile(name: "a.mtx", text: "%%MatrixMarket matrix array real skew-symmetric\n3 3\n1\n2\n3\n"))
    #expect(skew.denseDoubles() == [0, -1, -2, 1, 0, -3, 2, 3, 0])
  }

  @Test func toleratesCRLFBlankLinesAndComments() throws {
    let m = try sparse(
      "%%MatrixMarket matrix coordinate real general\r\n%c\r\n\r\n2 2 2\r\n1 1 1\r\n% late comment\r\n\r\n  2\t2   2  \r\n\r\n")
    #expect(m.denseDoubles() == [1, 0, 0, 2])
  }

  @Test func emptyMatrices() throws {
    let m = try sparse("%%MatrixMarket matrix coordinate real general\n0 0 0\n")
    #expect(m.rows == 0 && m.cols == 0 && m.indptr == [0])
    let n = try sparse("%%MatrixMarket matrix coordinate real general\n3 2 0")
    #expect(n.indptr == [0, 0, 0, 0] && n.nnz == 0)
  }

  @Test func headerErrors() {
    #expect(error("") == "m.mtx: line 1: empty file, expected a '%%MatrixMarket matrix …' header")
    #expect(error("%%MatrixMarket matrix coordinate real\n1 1 0\n")
      == "m.mtx: line 1: expected '%%MatrixMarket matrix coordinate|array <field> <symmetry>', found '%%MatrixMarket matrix coordinate real'")
    #expect(error("1 2 3\n")?.hasPrefix("m.mtx: line 1: expected '%%MatrixMarket") == true)
    #expect(error("%%MatrixMarket vector coordinate real general\n") == "m.mtx: line 1: object 'vector' is not supported, expected 'matrix'")
    #expect(error("%%MatrixMarket matrix sparse real general\n")
      == "m.mtx: line 1: unknown format 'sparse', expected 'coordinate' or 'array'")
    #expect(error("%%MatrixMarket matrix coordinate float general\n")
      == "m.mtx: line 1: unknown field 'float', expected real, double, integer, pattern or complex")
    #expect(error("%%MatrixMarket matrix coordinate real upper\n")
      == "m.mtx: line 1: unknown symmetry 'upper', expected general, symmetric, skew-symmetric or hermitian")
    #expect(error("%%MatrixMarket matrix coordinate complex general\n2 2 1\n1 1 1 0\n")
      == "m.mtx: line 1: complex Matrix Market files are not supported")
    #expect(error("%%MatrixMarket matrix array pattern general\n")
      == "m.mtx: line 1: 'array pattern' is not a valid Matrix Market type")
    #expect(error("%%MatrixMarket matrix coordinate pattern skew-symmetric\n")
      == "m.mtx: line 1: 'pattern skew-symmetric' is not a valid Matrix Market type")
  }

  @Test func sizeLineErrors() {
    #expect(error("%%MatrixMarket matrix coordinate real general\n% only comments\n")
      == "m.mtx: line 3: file ends before the size line ('rows columns entries')")
    #expect(error("%%MatrixMarket matrix coordinate real general\n3 3\n")
      == "m.mtx: line 2: malformed size line: expected 'rows columns entries', found '3 3'")
    #expect(error("%%MatrixMarket matrix coordinate real general\n3 x 1\n")
      == "m.mtx: line 2: malformed size line: expected 'rows columns entries' as non-negative integers, found '3 x 1'")
    #expect(error("%%MatrixMarket matrix coordinate real general\n-3 3 1\n")?.contains("line 2: malformed size line") == true)
    #expect(error("%%MatrixMarket matrix coordinate real general\n3000000000 3 1\n")
      == "m.mtx: line 2: matrix size 3000000000 × 3 exceeds the supported 2147483647 rows or columns")
    #expect(error("%%MatrixMarket matrix coordinate real symmetric\n3 2 1\n")
      == "m.mtx: line 2: a symmetric matrix must be square, the size line says 3 × 2")
    #expect(error("%%MatrixMarket matrix array real general\n2 2 4\n")
      == "m.mtx: line 2: malformed size line: expected 'rows columns', found '2 2 4'")
  }

  @Test func entryErrorsNameTheLine() {
    let head = "%%MatrixMarket matrix coordinate real general\n%c\n3 3 2\n"
    #expect(error(head + "1 1 1\n1 x 2\n")
      == "m.mtx: line 5: malformed entry: expected 'row column value' with integer indices, found '1 x 2'")
    #expect(error(head + "1 1\n") == "m.mtx: line 4: malformed entry: expected 'row column value' with integer indices, found '1 1'")
    #expect(error(head + "1 1 abc\n") == "m.mtx: line 4: malformed entry: value 'abc' is not a number")
    #expect(error(head + "1 1 1 9\n") == "m.mtx: line 4: malformed entry: unexpected '9' after 'row column value'")
    #expect(error(head + "1 1 1\n4 1 1\n") == "m.mtx: line 5: row index 4 is out of range 1...3")
    #expect(error(head + "0 1 1\n") == "m.mtx: line 4: row index 0 is out of range 1...3")
    #expect(error(head + "1 9 1\n") == "m.mtx: line 4: column index 9 is out of range 1...3")
    #expect(error(head + "-1 1 1\n")?.contains("line 4: malformed entry") == true)
    #expect(error(head + "99999999999999999999 1 1\n")?.contains("line 4: malformed entry") == true)
    #expect(error("%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1 1\n")
      == "m.mtx: line 3: malformed entry: unexpected '1' after 'row column'")
  }

  @Test func entryCountErrors() {
    let head = "%%MatrixMarket matrix coordinate real general\n3 3 2\n"
    #expect(error(head + "1 1 1\n")
      == "m.mtx: line 3: file ends after 1 of the 2 entries declared on the size line (line 2)")
    #expect(error(head + "1 1 1\n\n% trailing\n")
      == "m.mtx: line 5: file ends after 1 of the 2 entries declared on the size line (line 2)")
    #expect(error(head + "1 1 1\n2 2 2\n\n3 3 3\n")
      == "m.mtx: line 6: more entries than the 2 declared on the size line (line 2)")
    #expect(error(head + "1 1 1\n2 2 2\n3 3 x\n")
      == "m.mtx: line 5: more entries than the 2 declared on the size line (line 2)")
    // A huge declared count must not be trusted for memory.
    #expect(error("%%MatrixMarket matrix coordinate real general\n2 2 9000000000000000000\n1 1 1\n")
      == "m.mtx: line 3: file ends after 1 of the 9000000000000000000 entries declared on the size line (line 2)")
    #expect(error("%%MatrixMarket matrix array real general\n2147483647 2147483647\n1\n")
      == "m.mtx: line 3: file ends after 1 of the 4611686014132420609 values a 2147483647 × 2147483647 general array holds")
    let array = "%%MatrixMarket matrix array real general\n2 1\n"
    #expect(error(array + "1\n") == "m.mtx: line 3: file ends after 1 of the 2 values a 2 × 1 general array holds")
    #expect(error(array + "1\n2\n3\n") == "m.mtx: line 5: more values than the 2 a 2 × 1 general array holds")
    #expect(error(array + "1\nz\n") == "m.mtx: line 4: malformed value: 'z' is not a number")
  }

  @Test func readsGzipAndReportsTruncation() throws {
    let dir = FixturePaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var text = "%%MatrixMarket matrix coordinate integer general\n200 300 2000\n"
    var expected = [Double](repeating: 0, count: 200 * 300)
    for k in 0..<2000 {
      let (r, c) = ((k * 7919) % 200, (k * 104729) % 300)
      text += "\(r + 1) \(c + 1) \(k % 13)\n"
      expected[r * 300 + c] += Double(k % 13)
    }
    let compressed = Gunzip.deflate(Data(text.utf8))
    let path = dir + "/matrix.mtx.gz"
    try compressed.write(to: URL(fileURLWithPath: path))
    let m = try MatrixMarketReader.readSparse(path: path)
    #expect(m.denseDoubles() == expected)
    #expect(m.validate() == nil)
    let truncated = dir + "/cut.mtx.gz"
    try compressed.prefix(compressed.count / 2).write(to: URL(fileURLWithPath: truncated))
    #expect(throws: OmicsError.self) { try MatrixMarketReader.readSparse(path: truncated) }
    do {
      _ = try MatrixMarketReader.readSparse(path: truncated)
    } catch {
      #expect("\(error)".hasPrefix(truncated + ": truncated gzip stream"))
    }
    #expect(throws: OmicsError(file: dir + "/none.mtx", "no such file")) {
      try MatrixMarketReader.readSparse(path: dir + "/none.mtx")
    }
  }

  @Test func parallelSlicesGiveTheSameMatrixAndLineNumbers() throws {
    let rows = 5000
    let cols = 400
    func build(brokenAt broken: Int?) -> String {
      var text = "%%MatrixMarket matrix coordinate real general\n\(rows) \(cols) 60000\n"
      text.reserveCapacity(800_000)
      for k in 0..<60_000 {
        text += k == broken ? "7 1x 2\n" : "\((k * 31) % rows + 1) \((k * 17) % cols + 1) \(k % 97).5\n"
      }
      return text
    }
    let text = build(brokenAt: nil)
    let file = TextFile(name: "big.mtx", text: text)
    var sliced = MatrixMarketReader.Options(precision: .float64)
    sliced.sliceCount = 7
    let parallel = try MatrixMarketReader.parseSparse(file, options: sliced)
    let serial = try MatrixMarketReader.parseSparse(file, options: .init(precision: .float64, parallel: false))
    #expect(parallel == serial)
    #expect(parallel.validate() == nil)
    // Errors late in the file carry the right line number.
    func slicedError(_ text: String) -> String? {
      do {
        _ = try MatrixMarketReader.parse(TextFile(name: "m.mtx", text: text), options: sliced)
        return nil
      } catch { return "\(error)" }
    }
    #expect(slicedError(text + "1 1 1\n") == "m.mtx: line 60003: more entries than the 60000 declared on the size line (line 2)")
    #expect(slicedError(build(brokenAt: 50_000))
      == "m.mtx: line 50003: malformed entry: expected 'row column value' with integer indices, found '7 1x 2'")
  }

  @Test func fixtureFiles() throws {
    let general = try MatrixMarketReader.readSparse(path: FixturePaths.fixture("mtx/general_real.mtx"))
    #expect(general.rows == 4 && general.cols == 3)
    #expect(general.denseDoubles() == [1.5, 0, 0, 0, 0, -2.25, 0, 0, 0, Double(Float(1e-3)), 0, 7])
    let symmetric = try MatrixMarketReader.readSparse(
      path: FixturePaths.fixture("mtx/symmetric_pattern.mtx"), options: .init(precision: .float64))
    #expect(symmetric.denseDoubles() == [1, 1, 0, 1, 0, 1, 0, 1, 1])
    let dense = try MatrixMarketReader.read(path: FixturePaths.fixture("mtx/array_integer.mtx"))
    #expect(dense.denseDoubles() == [1, 2, 3, 4, 5, 6])
    #expect(dense.layoutDescription == "dense float32")
  }

  /// The shared bad-input fixtures made by scripts/make_fixtures.py (skipped when absent).
  @Test func badFixtures() throws {
    let malformed = FixturePaths.fixture("bad/mtx_malformed_entry.mtx")
    guard FileManager.default.fileExists(atPath: malformed) else { return }
    #expect(throws: OmicsError.line(
      5, file: malformed, "malformed entry: expected 'row column value' with integer indices, found '2 x 3'")
    ) { try MatrixMarketReader.readSparse(path: malformed) }
    let range = FixturePaths.fixture("bad/mtx_index_out_of_range.mtx")
    #expect(throws: OmicsError.line(5, file: range, "row index 4 is out of range 1...3")) {
      try MatrixMarketReader.readSparse(path: range)
    }
    let truncated = FixturePaths.fixture("bad/mtx_truncated.mtx.gz")
    do {
      _ = try MatrixMarketReader.readSparse(path: truncated)
      Issue.record("a truncated file must not read")
    } catch {
      #expect("\(error)".hasPrefix(truncated + ": truncated gzip stream"))
    }
  }
}
