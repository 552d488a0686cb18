import Foundation
import OmicsCore
import OmicsIO
@testable import OmicsPreprocessing
import Testing

/// MADs and kept genes against numpy: `np.median(np.abs(X - np.median(X, 0)), 0)` and `mad >= mad.mean()`.
@Suite struct MADFilterTests {
  @Test(arguments: ["mad_dense", "mad_sparse_csr", "mad_sparse_csc", "mad_int32"])
  func madsAndKeptGenesMatchNumpy(_ name: String) throws {
    let m = try PreprocessingReference.matrix(name)
    let ref = try PreprocessingReference.json(name)
    let expected = PreprocessingReference.doubles(ref["mad"])
    #expect(expected.count == m.nVars)
    let X = try #require(m.X)
    for width in [1, 7, 64] {
      let mads = try MADFilter.mads(of: X, blockWidth: width)
      #expect(PreprocessingReference.maxRelativeError(mads, expected) <= 1e-6, "block width \(width)")
    }
    let mads = try MADFilter.mads(of: X)
    let (kept, threshold) = MADFilter.select(mads, rule: .aboveMean)
    #expect(kept == PreprocessingReference.ints(ref["kept_mean"]))
    #expect(abs(threshold - ((ref["threshold_mean"] as? Double) ?? .nan)) <= 1e-9)
    #expect(MADFilter.select(mads, rule: .top(7)).kept == PreprocessingReference.ints(ref["kept_top7"]))
  }

  @Test func layerIsFilteredInsteadOfX() throws {
    let m = try PreprocessingReference.matrix("mad_dense")
    let ref = try PreprocessingReference.json("mad_dense")
    let layerRef = try #require(ref["layer_scaled"] as? [String: Any])
    var options = GeneFilter.Options()
    options.mad = .aboveMean
    options.layer = "scaled"
    let (out, report) = try GeneFilter(options).apply(m)
    #expect(PreprocessingReference.maxRelativeError(report.mads, PreprocessingReference.doubles(layerRef["mad"])) <= 1e-6)
    let kept = PreprocessingReference.ints(layerRef["kept_mean"])
    #expect(out.var.index == kept.map { m.var.index[$0] })
    // everything else carried over, subset consistently
    #expect(out.nObs == m.nObs && out.obs == m.obs && out.uns == m.uns && out.obsm == m.obsm)
    #expect(out.layers["scaled"]?.cols == kept.count)
    let xKept = try #require(out.X).denseDoubles()
    let xAll = try #require(m.X).denseDoubles()
    #expect(xKept == (0..<m.nObs).flatMap { r in kept.map { xAll[r * m.nVars + $0] } })
    #expect(out.varm["loading"]?.length == kept.count)
  }

  @Test func selectionRulesAndTies() {
    let mads = [1.0, 3, 3, 0, 2, 3]
    #expect(MADFilter.select(mads, rule: .top(2)).kept == [1, 2])
    #expect(MADFilter.select(mads, rule: .top(2)).threshold == 3)
    #expect(MADFilter.select(mads, rule: .top(4)).kept == [1, 2, 4, 5])
    #expect(MADFilter.select(mads, rule: .minimum(2)).kept == [1, 2, 4, 5])
    #expect(MADFilter.select(mads, rule: .aboveMean).kept == [1, 2, 4, 5])
    #expect(MADFilter.select(mads, rule: .top(100)).kept == [0, 1, 2, 3, 4, 5])
  }

  @Test func medianSelectionMatchesSorting() {
    var state: UInt64 = 12345
    for n in [1, 2, 3, 4, 5, 16, 17, 100, 1001] {
      var v = (0..<n).map { _ -> Double in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 40 % 50)
      }
      let sorted = v.sorted()
      let expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
      let got = v.withUnsafeMutableBufferPointer { Selection.median($0.baseAddress!, n) }
      #expect(got == expected, "n = \(n)")
    }
    // many copies of one value (zeros of sparse data), all equal, sorted and reversed input
    for n in [40, 1000, 5001] {
      let cases: [[Double]] = [
        (0..<n).map { $0 % 10 == 0 ? Double($0) : 0 },
        (0..<n).map { $0 % 10 == 0 ? -Double($0) : 0 },
        [Double](repeating: 3, count: n),
        (0..<n).map(Double.init),
        (0..<n).map { Double(n - $0) },
      ]
      for var v in cases {
        let sorted = v.sorted()
        let expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        let got = v.withUnsafeMutableBufferPointer { Selection.median($0.baseAddress!, n) }
        #expect(got == expected, "n = \(n)")
      }
    }
  }

  @Test func nanIsRefusedWithNames() throws {
    let m = try PreprocessingReference.matrix("mad_nan")
    var options = GeneFilter.Options()
    options.mad = .aboveMean
    #expect(throws: OmicsError("X holds a NaN or infinite value at obs 's5', var 'g7'; the MAD needs finite numbers")) {
      _ = try GeneFilter(options).apply(m)
    }
  }

  @Test func missingLayerIsNamed() throws {
    let m = try PreprocessingReference.matrix("mad_dense")
    var options = GeneFilter.Options()
    options.mad = .aboveMean
    options.layer = "counts"
    #expect(throws: OmicsError("no layer named 'counts' (layers: scaled)")) { _ = try GeneFilter(options).apply(m) }
  }

  @Test func filterThatKeepsNothingThrows() throws {
    let m = try PreprocessingReference.matrix("mad_dense")
    var options = GeneFilter.Options()
    options.mad = .minimum(1e9)
    #expect(throws: OmicsError("no genes pass the MAD filter (threshold 1000000000.0); nothing written")) {
      _ = try GeneFilter(options).apply(m)
    }
  }

  @Test func normalScaleMultipliesMADs() throws {
    let m = try PreprocessingReference.matrix("mad_sparse_csr")
    let ref = PreprocessingReference.doubles(try PreprocessingReference.json("mad_sparse_csr")["mad"])
    var options = GeneFilter.Options()
    options.mad = .aboveMean
    options.madScale = MADFilter.normalScale
    let (_, report) = try GeneFilter(options).apply(m)
    #expect(PreprocessingReference.maxRelativeError(report.mads, ref.map { $0 * 1.4826 }) <= 1e-12)
  }
}
