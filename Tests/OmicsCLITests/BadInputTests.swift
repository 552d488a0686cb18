import Foundation
import OmicsTestSupport
import Testing

/// Every broken input in `Fixtures/bad` gives one line on stderr naming the file and the element or
/// line, a non-zero exit, and no output file (not even a temporary one).
@Suite struct BadInputTests {
  static let cases: [(file: String, message: String)] = [
    ("truncated.h5ad", "cannot open HDF5 file (truncated or damaged?): truncated file: eof = 14136"),
    ("not_hdf5.h5ad", "not an HDF5 file (no HDF5 signature)"),
    ("empty.h5ad", "empty file, expected HDF5"),
    ("unknown_encoding_x.h5ad", "/X: unknown encoding-type 'fancy_matrix' (version '0.1.0') on a group"),
    ("csr_indptr_wrong_length.h5ad", "/X/indptr: indptr has 6 entries, expected 7 for a 6 × 5 csr matrix"),
    ("csr_indices_out_of_range.h5ad", "/X/indices: index 9 at position 3 is out of range 0..<5"),
    ("csr_indptr_non_monotonic.h5ad", "/X/indptr: indptr is not monotonic at position 3 (5 after 7)"),
    ("x_shape_mismatch.h5ad", "/: shape mismatch: X is 7 × 5 but obs has 6 rows and var has 5"),
    ("invalid_utf8_string.h5ad", "/var/gene_ids: dataset holds invalid UTF-8 at element 2"),
    ("categorical_codes_out_of_range.h5ad", "/obs/cell_type/codes: categorical code 7 at position 1 is outside -1..<3"),
    ("mtx_malformed_entry.mtx", "line 5: malformed entry"),
    ("mtx_index_out_of_range.mtx", "line 5: row index 4 is out of range"),
    ("mtx_truncated.mtx.gz", "truncated gzip stream"),
    ("series_matrix_non_numeric.txt.gz", "line 10: value 'n/a?' for GSM900002 / 1007_s_at is not a number"),
    ("truncated.txt.gz", "truncated gzip stream"),
  ]

  @Test(arguments: cases.map(\.file))
  func convertFailsCleanly(_ file: String) throws {
    let message = try #require(Self.cases.first { $0.file == file }?.message)
    let dir = FixturePaths.temporaryDirectory()
    let output = dir + "/out.h5ad"
    let input = "Fixtures/bad/\(file)"
    let result = try CLIRunner.run(["convert", input, output, "--quiet"])
    #expect(result.status == 1)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "expected one line, got: \(result.stderr)")
    #expect(result.stderr.hasPrefix("error: \(input): "), "\(result.stderr)")
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty, "no output or temporary file may remain")
  }

  @Test(arguments: cases.map(\.file).filter { $0.hasSuffix(".h5ad") })
  func inspectFailsCleanlyOrReportsMetadata(_ file: String) throws {
    // inspect reads only metadata, so data-level damage (bad indices) is not its concern; it must never crash.
    let result = try CLIRunner.run(["inspect", "Fixtures/bad/\(file)"])
    #expect(result.status == 0 || result.status == 1)
    if result.status == 1 { #expect(result.stderr.hasPrefix("error: Fixtures/bad/\(file): ")) }
  }

  @Test func unsupportedFilterIsNamedByTheCLI() throws {
    let result = try CLIRunner.run(["convert", "Fixtures/h5ad/lzf_compressed.h5ad", FixturePaths.temporaryDirectory() + "/o.h5ad"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("compressed with the HDF5 filter lzf (id 32000)"))
  }

  @Test func missingInputIsReported() throws {
    let result = try CLIRunner.run(["convert", "no/such/file.h5ad", FixturePaths.temporaryDirectory() + "/o.h5ad"])
    #expect(result.status == 1)
    #expect(result.stderr == "error: no/such/file.h5ad: no such file or folder\n")
  }

  @Test func outputMustBeH5AD() throws {
    let result = try CLIRunner.run(["convert", "Fixtures/h5ad/x_csr_f32.h5ad", "out.txt"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("the output must be an .h5ad file"))
  }
}
