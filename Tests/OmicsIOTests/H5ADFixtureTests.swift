import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

/// Every h5ad fixture made by anndata (or reproducing a legacy writer) must read exactly as anndata reads it.
@Suite struct H5ADFixtureTests {
  static let readable = [
    "x_dense_f32", "x_dense_f64", "x_dense_i32", "x_csr_f32", "x_csc_f64", "x_csr_i64_indices",
    "x_csr_u8_indices", "x_csr_u16_indices", "x_csr_unsorted_indices", "obs_var_types", "scanpy_pipeline",
    "slots_misc", "uns_types", "raw_more_vars", "x_absent_layers_only", "empty_0obs", "gzip_compressed",
    "pandas3_nullable_strings", "fixed_length_strings", "fixed_length_strings_nullterm", "legacy_anndata_0.6",
    "legacy_anndata_0.7",
  ]

  @Test(arguments: readable)
  func readsLikeAnndata(_ name: String) throws {
    let path = FixturePaths.fixture("h5ad/\(name).h5ad")
    let matrix = try H5ADReader.read(path, showProgress: false)
    var comparison = ManifestComparison()
    comparison.compare(matrix, try ManifestComparison.load(path + ".json"))
    #expect(comparison.differences.isEmpty, "\(name): \(comparison.differences.joined(separator: "; "))")
  }

  @Test(arguments: readable)
  func convertRoundTripsLosslessly(_ name: String) throws {
    let path = FixturePaths.fixture("h5ad/\(name).h5ad")
    let matrix = try H5ADReader.read(path, showProgress: false)
    let out = FixturePaths.temporaryDirectory() + "/out.h5ad"
    try H5ADWriter.write(matrix, to: out)
    let again = try H5ADReader.read(out, showProgress: false)
    #expect(again == matrix, "\(name): the re-read object differs from the original")
    // And what we wrote still matches anndata's reading of the original.
    var comparison = ManifestComparison()
    comparison.compare(again, try ManifestComparison.load(path + ".json"))
    #expect(comparison.differences.isEmpty, "\(name): \(comparison.differences.joined(separator: "; "))")
  }

  @Test(arguments: ["lzf_compressed", "blosc_compressed"])
  func unsupportedFiltersAreNamed(_ name: String) throws {
    let path = FixturePaths.fixture("h5ad/\(name).h5ad")
    let error = #expect(throws: OmicsError.self) { try H5ADReader.read(path, showProgress: false) }
    let filter = name.hasPrefix("lzf") ? "lzf (id 32000)" : "blosc (id 32001)"
    #expect(error?.description.contains(filter) == true, "\(error?.description ?? "")")
    #expect(error?.description.hasPrefix(path) == true)
  }

  @Test func gzipReadsInParallelChunksAndMatchesUncompressed() throws {
    let gz = try H5ADReader.read(FixturePaths.fixture("h5ad/gzip_compressed.h5ad"), showProgress: false)
    var comparison = ManifestComparison()
    comparison.compare(gz, try ManifestComparison.load(FixturePaths.fixture("h5ad/gzip_compressed.h5ad.json")))
    #expect(comparison.differences.isEmpty)
  }
}
