import Foundation
import OmicsCore
import OmicsIO
@testable import OmicsPreprocessing
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

/// The vectorized log1p used by `omics normalize --log1p` against libm's log1pf.
@Suite struct FastLog1pTests {
  @Test func withinTwoUlpOfLibm() {
    var values: [Float] = [0, 1e-30, 1e-10, 1e-7, 5e-7, 1e-3, 0.5, 1, 2, 3.99, 1e4, 1e6, 3e29]
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for _ in 0..<200_000 {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      let u = Float(state >> 40) / Float(1 << 24)
      values.append(powf(10, u * 12 - 6))  // 1e-6 … 1e6, log-uniform
    }
    var out = values
    out.withUnsafeMutableBufferPointer { FastLog1p.apply($0.baseAddress!, $0.count) }
    var worst: Float = 0
    for (x, y) in zip(values, out) {
      let exact = log1pf(x)
      let ulp = max(exact.ulp, Float.leastNormalMagnitude)
      worst = max(worst, abs(y - exact) / ulp)
    }
    #expect(worst <= 2, "max error \(worst) ulp")
    var special: [Float] = [-0.5, .infinity, .nan, -2, 4]
    special.withUnsafeMutableBufferPointer { FastLog1p.apply($0.baseAddress!, $0.count) }
    #expect(special[0] == log1pf(-0.5) && special[1] == .infinity && special[2].isNaN && special[3].isNaN)
    #expect(abs(special[4] - log1pf(4)) <= log1pf(4).ulp * 2)
  }
}
