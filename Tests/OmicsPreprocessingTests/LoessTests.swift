import Foundation
import OmicsCore
@testable import OmicsPreprocessing
import Testing

/// The LOESS port against scikit-misc's fitted values (`scripts/loess_fixtures.py`): uniform and
/// tied x, degrees 1 and 2, and the log-mean/log-variance shape seurat_v3 fits.
@Suite struct LoessTests {
  static let cases = ["uniform_40", "uniform_700", "uniform_700_linear", "ties_1500", "mean_variance_5000"]

  @Test(arguments: cases)
  func fittedValuesEqualScikitMisc(_ name: String) throws {
    let c = try #require(try PreprocessingReference.json("loess")[name] as? [String: Any])
    let x = PreprocessingReference.doubles(c["x"]), y = PreprocessingReference.doubles(c["y"])
    let span = try #require(c["span"] as? Double), degree = try #require(c["degree"] as? Int)
    let fitted = try Loess.fit(x: x, y: y, span: span, degree: degree)
    let expected = PreprocessingReference.doubles(c["fitted"])
    let scale = expected.map(abs).max() ?? 1
    let worst = zip(fitted, expected).map { abs($0 - $1) }.max() ?? .infinity
    #expect(fitted.count == expected.count)
    #expect(worst <= 1e-10 * scale, "max |Δ| \(worst) on \(name)")
  }

  @Test func tooFewPointsForTheSpanIsAnError() {
    #expect(throws: OmicsError.self) { _ = try Loess.fit(x: [1, 2, 3, 4, 5], y: [1, 2, 3, 4, 5], span: 0.3) }
  }

  @Test func reproducesAQuadraticExactly() throws {
    let x = (0..<200).map { Double($0) / 10 }
    let y = x.map { 3 - 2 * $0 + 0.5 * $0 * $0 }
    let fitted = try Loess.fit(x: x, y: y, span: 0.3, degree: 2)
    #expect(zip(fitted, y).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) })
  }
}
