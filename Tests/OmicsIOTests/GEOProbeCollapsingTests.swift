import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

@Suite struct GEOProbeCollapsingTests {
  let annotation = PlatformAnnotation(
    platform: "GPL1", source: "GPL1.annot",
    probeIDs: ["p_ab", "p_a1", "p_a2", "p_b", "p_none", "p_c"],
    symbols: [["A", "B"], ["A"], ["A"], ["B"], [], ["C"]], entrezIDs: [["1", "2"], ["1"], ["1"], ["2"], [], ["3"]])

  /// 2 samples × 7 probes (p_unknown is not on the platform).
  func matrix(_ type: ScalarType = .float64) -> ExpressionMatrix {
    let values: [Double] = [
      10, 1, 5, 7, 9, 2, 3,
      20, 3, 4, .nan, 9, .nan, 3,
    ]
    let data: NumericArray = type == .float32 ? .float32(values.map { Float($0) }) : .float64(values)
    return ExpressionMatrix(
      X: .dense(DenseArray(shape: [2, 7], values: data)), obs: DataFrame(index: ["s1", "s2"]),
      var: DataFrame(index: ["p_ab", "p_a1", "p_a2", "p_b", "p_none", "p_c", "p_unknown"]),
      uns: ["series": .dict(["title": .string("t")])])
  }

  func same(_ a: [Double]?, _ b: [Double]) -> Bool {
    guard let a, a.count == b.count else { return false }
    return zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
  }

  @Test func dropAndMaxMean() throws {
    let m = try collapseProbes(matrix(), annotation: annotation)
    #expect(m.var.index == ["A", "B", "C"])
    // A: p_a1 mean 2, p_a2 mean 4.5 → p_a2. B: only p_b (NaN ignored in the mean). C: p_c all NaN but the only one.
    #expect(same(m.X?.denseDoubles(), [5, 7, 2, 4, .nan, .nan]))
    #expect(m.var.strings("probes") == ["p_a2", "p_b", "p_c"])
    #expect(m.var.columns["n_probes"] == .array(DenseArray(shape: [3], values: .int64([2, 1, 1]))))
    #expect(m.obs.index == ["s1", "s2"])
    #expect(m.uns["series"] != nil)
    #expect(m.validateShapes() == nil)
  }

  @Test func firstAndExplodeWithMean() throws {
    let first = try collapseProbes(matrix(), annotation: annotation, multiGene: .first, duplicates: .mean)
    #expect(first.var.index == ["A", "B", "C"])
    #expect(same(first.X?.denseDoubles(), [16.0 / 3, 7, 2, 9, .nan, .nan]))
    #expect(first.var.strings("probes") == ["p_ab,p_a1,p_a2", "p_b", "p_c"])
    let explode = try collapseProbes(matrix(), annotation: annotation, multiGene: .explode, duplicates: .maxMean)
    // A: p_ab mean 15 wins; B: p_ab (15) beats p_b (7).
    #expect(same(explode.X?.denseDoubles(), [10, 10, 2, 20, 20, .nan]))
    #expect(explode.var.strings("probes") == ["p_ab", "p_ab", "p_c"])
    #expect(explode.var.columns["n_probes"] == .array(DenseArray(shape: [3], values: .int64([3, 2, 1]))))
  }

  @Test func tiesGoToTheEarlierProbeAndFloat32IsKept() throws {
    let tie = PlatformAnnotation(probeIDs: ["x", "y"], symbols: [["G"], ["G"]], entrezIDs: [[], []])
    let m = ExpressionMatrix(
      X: .dense(DenseArray(shape: [1, 2], values: .float32([4, 4]))), obs: DataFrame(index: ["s"]),
      var: DataFrame(index: ["x", "y"]))
    let out = try collapseProbes(m, annotation: tie)
    #expect(out.var.strings("probes") == ["x"])
    #expect(out.X?.scalarType == .float32)
    let entrez = try collapseProbes(matrix(.float32), annotation: annotation, key: .entrez)
    #expect(entrez.var.index == ["1", "2", "3"])
    #expect(entrez.X?.scalarType == .float32)
  }

  @Test func sparseInputAndErrors() throws {
    let sparse = ExpressionMatrix(
      X: .sparse(SparseMatrix(layout: .csr, rows: 1, cols: 2, indptr: [0, 1], indices: [1], data: .float32([3]))),
      obs: DataFrame(index: ["s"]), var: DataFrame(index: ["p_a1", "p_b"]))
    let out = try collapseProbes(sparse, annotation: annotation)
    #expect(out.X?.denseDoubles() == [0, 3])
    let unknown = ExpressionMatrix(
      X: .dense(DenseArray(shape: [1, 2], values: .float64([1, 2]))), obs: DataFrame(index: ["s"]),
      var: DataFrame(index: ["q1", "p_ab"]))
    #expect(throws: OmicsError(
      file: "GPL1.annot", "none of the 2 probes (q1, p_ab…) maps to a gene symbol in platform GPL1 with multiGene: .drop")
    ) { try collapseProbes(unknown, annotation: annotation) }
    let noX = ExpressionMatrix(obs: DataFrame(index: ["s"]), var: DataFrame(index: ["p_b"]))
    #expect(throws: OmicsError(file: "GPL1.annot", "cannot collapse probes: the matrix has no X")) {
      try collapseProbes(noX, annotation: annotation)
    }
  }

  @Test func seriesMatrixWithAnnotFixture() throws {
    let m = try GEOSeriesMatrixReader.read(FixturePaths.fixture("geo/GSE900001_series_matrix.txt"))
    let gpl = try PlatformAnnotation.read(FixturePaths.fixture("geo/GPL900001.annot"))
    let genes = try collapseProbes(m, annotation: gpl)
    #expect(genes.var.index == ["RFC2", "HSPA6", "PAX8"])
    // RFC2: 1053_at mean (5.01 + 4.8) / 2 = 4.905 < 203696_s_at mean 5.29… → 203696_s_at.
    #expect(genes.var.strings("probes") == ["203696_s_at", "117_at", "121_at"])
    #expect(same(genes.X?.denseDoubles(), [5.5, 3.3, 10, 5.25, .nan, 9.5, 5.125, 2.8, 10.25]))
    #expect(genes.obs == m.obs)
  }
}
