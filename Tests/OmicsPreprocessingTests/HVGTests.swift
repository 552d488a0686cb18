import Foundation
import OmicsCore
import OmicsIO
import OmicsPreprocessing
import Testing

/// scanpy `highly_variable_genes` (seurat, cell_ranger; with and without batch_key) on the same input.
@Suite struct HVGTests {
  static let cases: [(key: String, options: HighlyVariableGenes.Options)] = [
    ("seurat_default", .init(flavor: .seurat)),
    ("seurat_top15", .init(flavor: .seurat, nTop: 15)),
    ("cell_ranger_top15", .init(flavor: .cellRanger, nTop: 15)),
    ("seurat_batch", .init(flavor: .seurat, batchKey: "batch")),
  ]

  @Test(arguments: cases.map(\.key))
  func sameGenesAsScanpy(_ key: String) throws {
    let m = try PreprocessingReference.matrix("hvg_log")
    let ref = try #require(try PreprocessingReference.json("hvg")[key] as? [String: Any])
    let options = try #require(Self.cases.first { $0.key == key }?.options)
    let r = try HighlyVariableGenes.compute(m, options)
    let expected = PreprocessingReference.doubles(ref["highly_variable"]).map { $0 != 0 }
    #expect(r.highlyVariable == expected)
    #expect(expected.contains(true))
    if let means = ref["means"] {
      #expect(PreprocessingReference.maxRelativeError(r.means, PreprocessingReference.doubles(means)) <= 1e-6)
    }
    if let disp = ref["dispersions"] {
      let e = PreprocessingReference.doubles(disp)
      #expect(PreprocessingReference.maxRelativeError(r.dispersions.map { $0.isNaN ? 0 : $0 }, e.map { $0.isNaN ? 0 : $0 }) <= 1e-6)
    }
    if let norm = ref["dispersions_norm"] {
      let e = PreprocessingReference.doubles(norm)
      // scanpy stores dispersions_norm as float32
      #expect(PreprocessingReference.maxRelativeError(r.dispersionsNorm.map { $0.isNaN ? 0 : $0 }, e.map { $0.isNaN ? 0 : $0 }, floor: 1e-3) <= 1e-5)
    }
  }

  @Test func missingBatchColumnIsNamed() throws {
    let m = try PreprocessingReference.matrix("hvg_log")
    #expect(throws: OmicsError("no obs column named 'sample' with batch labels (string or categorical)")) {
      _ = try HighlyVariableGenes.compute(m, .init(batchKey: "sample"))
    }
  }
}
