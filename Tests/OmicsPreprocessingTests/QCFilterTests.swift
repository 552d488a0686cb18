import Foundation
import OmicsCore
import OmicsIO
import OmicsPreprocessing
import Testing

/// scanpy `filter_cells(min_genes, min_counts)` then `filter_genes(min_cells, min_counts)`.
@Suite struct QCFilterTests {
  @Test func countFiltersMatchScanpy() throws {
    let m = try PreprocessingReference.matrix("qc_counts")
    let ref = try PreprocessingReference.json("qc_counts_scanpy")
    var options = GeneFilter.Options()
    options.minGenes = 8
    options.minCellCounts = 40
    options.minCells = 3
    options.minCounts = 10
    let (out, report) = try GeneFilter(options).apply(m)
    #expect(out.obs.index == (ref["obs"] as? [String]))
    #expect(out.var.index == (ref["var"] as? [String]))
    #expect(report.cellsKept == out.nObs && report.genesKept == out.nVars && report.cellsIn == 60 && report.genesIn == 40)
    guard case .array(let nGenes) = out.obs.columns["n_genes"], case .array(let nCells) = out.var.columns["n_cells"],
      case .array(let obsCounts) = out.obs.columns["n_counts"], case .array(let varCounts) = out.var.columns["n_counts"]
    else {
      Issue.record("missing scanpy columns")
      return
    }
    #expect(nGenes.values.doubles() == PreprocessingReference.doubles(ref["n_genes"]))
    #expect(nCells.values.doubles() == PreprocessingReference.doubles(ref["n_cells"]))
    #expect(obsCounts.values.doubles() == PreprocessingReference.doubles(ref["obs_n_counts"]))
    #expect(varCounts.values.doubles() == PreprocessingReference.doubles(ref["var_n_counts"]))
    #expect(obsCounts.scalarType == .float32)
    let scanpy = try PreprocessingReference.matrix("qc_counts_scanpy")
    #expect(try #require(out.X).denseDoubles() == (try #require(scanpy.X)).denseDoubles())
  }

  @Test func cellFilterThatKeepsNothingThrows() throws {
    let m = try PreprocessingReference.matrix("qc_counts")
    var options = GeneFilter.Options()
    options.minGenes = 1000
    #expect(throws: OmicsError("no cells pass the cell filters (min genes 1000); nothing written")) {
      _ = try GeneFilter(options).apply(m)
    }
    options = GeneFilter.Options()
    options.minCells = 61
    options.minCounts = 5
    #expect(throws: OmicsError("no genes pass the gene filters (min cells 61, min counts 5); nothing written")) {
      _ = try GeneFilter(options).apply(m)
    }
  }
}
