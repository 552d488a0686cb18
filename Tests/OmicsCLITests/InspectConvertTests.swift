import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

/// `omics inspect` and `omics convert` run end to end on the fixtures.
@Suite struct InspectConvertTests {
  @Test func inspectH5ADText() throws {
    let result = try CLIRunner.run(["inspect", "Fixtures/h5ad/obs_var_types.h5ad"])
    #expect(result.status == 0)
    let expectedLines = [
      "Fixtures/h5ad/obs_var_types.h5ad  [h5ad (anndata ≥ 0.8 layout)]",
      "shape: 12 obs × 8 vars",
      "X: csr float32 12 × 8, 39 stored (40.62% dense)",
      "obs (index '_index', 11 columns)",
      "  cell_type       categorical (3 categories)",
      "  stage           categorical (3 categories, ordered)",
      "  batch           categorical (3 categories of int64)",
      "  n_umi_nullable  nullable int64",
      "var (index 'gene_ids', 7 columns)",
    ]
    for line in expectedLines { #expect(result.stdout.contains(line + "\n"), "missing line: \(line)\n\(result.stdout)") }
  }

  @Test func inspectJSONMatchesFullRead() throws {
    let result = try CLIRunner.run(["inspect", "Fixtures/h5ad/scanpy_pipeline.h5ad", "--json"])
    #expect(result.status == 0)
    let summary = try JSONDecoder().decode(DatasetSummary.self, from: Data(result.stdout.utf8))
    let full = try H5ADReader.read(FixturePaths.fixture("h5ad/scanpy_pipeline.h5ad"), showProgress: false)
    #expect(summary.nObs == full.nObs && summary.nVars == full.nVars)
    #expect(summary.obsm.map(\.key) == Array(full.obsm.keys))
    #expect(summary.obsp.map(\.key) == Array(full.obsp.keys))
    #expect(summary.uns.map(\.key) == Array(full.uns.keys))
    #expect(summary.raw?.nVars == full.raw?.var.rowCount)
    #expect(summary.X?.layout == "dense")
  }

  @Test(arguments: [
    "Fixtures/10x/v3_filtered_feature_bc_matrix.h5", "Fixtures/10x/mex_v3", "Fixtures/loom/loom_v3.loom",
    "Fixtures/h5ad/legacy_anndata_0.6.h5ad", "Fixtures/geo/GSE900001_series_matrix.txt",
  ])
  func convertThenReadBackEqualsDirectRead(_ input: String) throws {
    let output = FixturePaths.temporaryDirectory() + "/out.h5ad"
    let result = try CLIRunner.run(["convert", input, output])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.hasPrefix("wrote \(output): "))
    let direct = try MatrixFileReader.read(FixturePaths.repositoryRoot.appendingPathComponent(input).path, options: .init(showProgress: false))
    let converted = try H5ADReader.read(output, showProgress: false)
    #expect(converted == direct)
  }

  @Test func helpHasExamples() throws {
    for command in ["inspect", "convert"] {
      let result = try CLIRunner.run([command, "--help"])
      #expect(result.status == 0)
      #expect(result.stdout.contains("Examples:"))
      #expect(result.stdout.contains("omics \(command) "))
    }
  }
}
