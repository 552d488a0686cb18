import Foundation
import OmicsCore
import OmicsIO
import OmicsPreprocessing
import Testing

/// scanpy `normalize_total` (fixed target, median target, exclude_highly_expressed) and `log1p`, to 1e-6 relative.
@Suite struct NormalizationTests {
  static let cases: [(key: String, options: Normalization.Options)] = [
    ("total_1e4", .init(targetSum: 1e4)),
    ("total_1e4_log1p", .init(targetSum: 1e4, log1p: true)),
    ("total_median", .init(targetSum: nil)),
    ("total_1e4_exclude_0.05", .init(targetSum: 1e4, excludeHighlyExpressed: true, maxFraction: 0.05)),
    ("log1p", .init(normalizeTotal: false, log1p: true)),
  ]

  @Test(arguments: cases.map(\.key), ["csr", "csc", "dense"])
  func matchesScanpy(_ key: String, _ layout: String) throws {
    var m = try PreprocessingReference.matrix("normalize_counts")
    let X = try #require(m.X)
    switch layout {
    case "csc": if case .sparse(let s) = X { m.X = .sparse(s.converted(to: .csc)) }
    case "dense": m.X = .dense(DenseArray(shape: [X.rows, X.cols], values: .float32(X.denseDoubles().map(Float.init))))
    default: break
    }
    let expected = PreprocessingReference.doubles(try PreprocessingReference.json("normalize_counts")[key])
    let options = try #require(Self.cases.first { $0.key == key }?.options)
    _ = try Normalization.apply(&m, options)
    let got = try #require(m.X)
    #expect(got.scalarType == .float32)
    #expect(PreprocessingReference.maxRelativeError(got.denseDoubles(), expected) <= 1e-6)
    #expect((m.uns["log1p"] != nil) == options.log1p)
  }

  @Test func countsAreKeptInALayer() throws {
    var m = try PreprocessingReference.matrix("normalize_counts")
    let original = m.X
    let report = try Normalization.apply(&m, .init(targetSum: 1e4, log1p: true, keepCounts: "counts"))
    #expect(m.layers["counts"] == original)
    #expect(report.targetSum == 1e4)
    #expect(throws: OmicsError("layer 'counts' already exists; choose another --keep-counts name")) {
      _ = try Normalization.apply(&m, .init(targetSum: 1e4, keepCounts: "counts"))
    }
  }

  @Test func nanIsRefused() throws {
    var m = try PreprocessingReference.matrix("mad_nan")
    #expect(throws: OmicsError("X holds a NaN or infinite value in obs 's5'; normalize needs finite numbers")) {
      _ = try Normalization.apply(&m, .init(targetSum: 1e4))
    }
  }
}
