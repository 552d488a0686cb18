import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import OmicsTransfer
import Testing

/// The waterfall rule on real GDSC log-IC50 values (gdsctools' IC50_v17, five drugs covering both
/// branches), against an independent numpy implementation (scripts/adapt_gdsc_fixture.py).
@Suite struct WaterfallGDSCTests {
  struct Expected: Decodable {
    var n: Int
    var r: Double
    var median_rule: Bool
    var threshold: Double
    var sensitive: Int
  }

  @Test func gdscResponsesSplitAsTheReferenceSays() throws {
    let table = try DelimitedMatrixReader.read(FixturePaths.fixture("adapt/gdsc_ic50_v17_subset.csv"),
                                               options: .init(rowsAreGenes: false, precision: .float64))
    let expected = try JSONDecoder().decode(
      [String: Expected].self,
      from: Data(contentsOf: URL(fileURLWithPath: FixturePaths.fixture("adapt/gdsc_waterfall_expected.json"))))
    #expect(table.nObs == 988 && expected.count == 5)
    let x = table.X?.denseDoubles() ?? []
    var branches = Set<Bool>()
    for (j, drug) in table.var.index.enumerated() {
      let want = try #require(expected[drug])
      let v = (0..<table.nObs).map { x[$0 * table.nVars + j] }
      let w = try Waterfall.binarize(v, column: drug)
      let labelled = zip(v, w.labels).filter { $0.0.isFinite }
      #expect(labelled.count == want.n, "\(drug)")
      #expect(abs(w.linearity - want.r) <= 1e-12, "\(drug)")
      #expect(w.usedMedian == want.median_rule, "\(drug)")
      #expect(w.threshold == want.threshold, "\(drug)")
      #expect(labelled.filter { $0.1 == 1 }.count == want.sensitive, "\(drug)")
      // Monotone: every sensitive response is below every resistant one; missing stay missing.
      let sens = labelled.filter { $0.1 == 1 }.map(\.0), res = labelled.filter { $0.1 == 0 }.map(\.0)
      #expect((sens.max() ?? -.infinity) < (res.min() ?? .infinity), "\(drug)")
      #expect(zip(v, w.labels).allSatisfy { $0.0.isNaN == ($0.1 == nil) })
      // Reproducible and independent of row order.
      #expect(try Waterfall.binarize(v.reversed(), column: drug).threshold == w.threshold)
      branches.insert(w.usedMedian)
    }
    #expect(branches == [true, false], "the fixture covers the median and the knee rule")
  }
}
