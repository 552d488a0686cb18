import Foundation
import OmicsCore
import OmicsIO
@testable import OmicsPreprocessing
import Testing

/// scanpy's `highly_variable_genes(flavor="seurat_v3")` on the same counts
/// (`scripts/hvg_seurat_v3_fixtures.py`, `scripts/preprocessing_fixtures.py`): the same genes, and
/// means, variances, normalized variances and ranks to rounding; CSR, CSC and dense give one answer.
@Suite struct SeuratV3HVGTests {
  static func check(_ r: SeuratV3HighlyVariableGenes.Result, _ ref: [String: Any]) {
    let expected = PreprocessingReference.doubles(ref["highly_variable"]).map { $0 != 0 }
    #expect(r.highlyVariable == expected)
    #expect(PreprocessingReference.maxRelativeError(r.means, PreprocessingReference.doubles(ref["means"])) <= 1e-12)
    #expect(PreprocessingReference.maxRelativeError(r.variances, PreprocessingReference.doubles(ref["variances"])) <= 1e-12)
    #expect(PreprocessingReference.maxRelativeError(r.variancesNorm, PreprocessingReference.doubles(ref["variances_norm"])) <= 1e-9)
    // Exactly tied normalized variances are ranked in gene order by omics; numpy's argsort is not
    // stable, so scanpy's order inside a tie group is arbitrary. Genes tied with another gene in
    // some batch may differ in rank by less than their tie group's size; all others are equal.
    let rank = PreprocessingReference.doubles(ref["highly_variable_rank"])
    let g = r.rank.count
    #expect(rank.count == g)
    var tieSize = [Int](repeating: 1, count: g)
    for b in 0..<(r.batchVariancesNorm.count / max(g, 1)) {
      let batch = Array(r.batchVariancesNorm[(b * g)..<((b + 1) * g)])
      let counts = Dictionary(batch.map { ($0, 1) }, uniquingKeysWith: +)
      for j in 0..<g { tieSize[j] = max(tieSize[j], counts[batch[j]] ?? 1) }
    }
    var untiedChecked = 0
    for j in 0..<min(g, rank.count) {
      let (a, b) = (r.rank[j], rank[j])
      if a.isNaN || b.isNaN {
        #expect(a.isNaN == b.isNaN || tieSize[j] > 1, "gene \(j): rank \(a) vs scanpy \(b)")
      } else if tieSize[j] == 1 {
        #expect(a == b, "gene \(j): rank \(a) vs scanpy \(b)")
        untiedChecked += 1
      } else {
        #expect(abs(a - b) < Double(tieSize[j]), "tied gene \(j): rank \(a) vs scanpy \(b)")
      }
    }
    #expect(untiedChecked >= r.highlyVariable.filter { $0 }.count / 2, "too few untied genes to compare ranks")
    if let nb = ref["highly_variable_nbatches"] {
      #expect(r.nBatches == PreprocessingReference.ints(nb))
    }
  }

  static func batchLabels(_ m: ExpressionMatrix) -> [String?]? { m.obs.strings("batch") }

  @Test(arguments: ["single", "batch", "batch_paper"])
  func sameAsScanpy(_ key: String) throws {
    let m = try PreprocessingReference.matrix("hvg_v3_counts")
    let ref = try #require(try PreprocessingReference.json("hvg_v3")[key] as? [String: Any])
    let r = try SeuratV3HighlyVariableGenes.compute(
      try #require(m.X), batches: key == "single" ? nil : Self.batchLabels(m),
      .init(nTop: 200, paper: key == "batch_paper"))
    #expect(r.highlyVariable.filter { $0 }.count == 200)
    #expect(r.warning == nil)
    Self.check(r, ref)
  }

  @Test func smallFixtureSameAsScanpy() throws {
    let m = try PreprocessingReference.matrix("hvg_counts")
    let hv = try PreprocessingReference.json("hvg")
    let r = try SeuratV3HighlyVariableGenes.compute(try #require(m.X), batches: nil, .init(nTop: 20))
    Self.check(r, try #require(hv["seurat_v3_top20"] as? [String: Any]))
    let b = try SeuratV3HighlyVariableGenes.compute(try #require(m.X), batches: m.obs.strings("batch"), .init(nTop: 20))
    let expected = PreprocessingReference.doubles((hv["seurat_v3_top20_batch"] as? [String: Any])?["highly_variable"]).map { $0 != 0 }
    #expect(b.highlyVariable == expected)
  }

  @Test func cscAndDenseGiveTheSameResult() throws {
    let m = try PreprocessingReference.matrix("hvg_v3_counts")
    guard case .sparse(let csr)? = m.X else { Issue.record("fixture X is not sparse"); return }
    let labels = Self.batchLabels(m)
    let base = try SeuratV3HighlyVariableGenes.compute(.sparse(csr), batches: labels, .init(nTop: 200))
    let csc = try SeuratV3HighlyVariableGenes.compute(.sparse(csr.converted(to: .csc)), batches: labels, .init(nTop: 200))
    let dense = try SeuratV3HighlyVariableGenes.compute(
      .dense(DenseArray(shape: [csr.rows, csr.cols], values: .float32(csr.denseDoubles().map(Float.init)))),
      batches: labels, .init(nTop: 200))
    for other in [csc, dense] {
      #expect(other.highlyVariable == base.highlyVariable)
      #expect(PreprocessingReference.maxRelativeError(other.variancesNorm, base.variancesNorm) <= 1e-12)
    }
  }

  @Test func nonIntegerCountsWarnAndNaNIsRefused() throws {
    let values: [Float] = (0..<400).map { Float($0 % 7) + ($0 % 5 == 0 ? 0.5 : 0) }
    let r = try SeuratV3HighlyVariableGenes.compute(.dense(DenseArray(shape: [20, 20], values: .float32(values))), batches: nil, .init(nTop: 5))
    #expect(r.warning?.contains("non-integers") == true)
    var bad = values
    bad[17] = .nan
    #expect(throws: OmicsError.self) {
      _ = try SeuratV3HighlyVariableGenes.compute(.dense(DenseArray(shape: [20, 20], values: .float32(bad))), batches: nil, .init(nTop: 5))
    }
  }

  @Test func batchWithOneCellIsRefused() throws {
    let values: [Float] = (0..<400).map { Float($0 % 7) }
    let labels: [String?] = (0..<20).map { $0 == 0 ? "lonely" : "main" }
    #expect(throws: OmicsError("batch 'lonely' has 1 cell; seurat_v3 needs at least 2 cells per batch")) {
      _ = try SeuratV3HighlyVariableGenes.compute(.dense(DenseArray(shape: [20, 20], values: .float32(values))), batches: labels, .init(nTop: 5))
    }
  }
}
