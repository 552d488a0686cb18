import Foundation
import OmicsCore
import OmicsIO
import OmicsPreprocessing
import Testing

/// scanpy `pp.pca(svd_solver="full")` (and `pp.scale` first): scores and loadings up to sign within 1e-4,
/// variance and variance ratio within 1e-6 relative.
@Suite struct PCATests {
  static func matrix(_ any: Any?) -> [[Double]] {
    ((any as? [Any]) ?? []).map { PreprocessingReference.doubles($0) }
  }

  /// Largest difference after flipping each of our components to the reference's sign.
  static func maxDifferenceUpToSign(_ ours: [Double], _ ref: [[Double]], k: Int) -> Double {
    guard ours.count == ref.count * k else { return .infinity }
    var worst = 0.0
    for j in 0..<k {
      var dot = 0.0
      for i in ref.indices { dot += ours[i * k + j] * ref[i][j] }
      let s = dot < 0 ? -1.0 : 1.0
      for i in ref.indices { worst = max(worst, abs(s * ours[i * k + j] - ref[i][j])) }
    }
    return worst
  }

  @Test(arguments: ["pca_dense", "pca_wide"])
  func matchesScanpy(_ name: String) throws {
    let m = try PreprocessingReference.matrix(name)
    let ref = try PreprocessingReference.json(name)
    let k = (ref["n_comps"] as? Int) ?? 0
    let r = try PCA.fit(m, .init(nComps: k))
    #expect(Self.maxDifferenceUpToSign(r.scores, Self.matrix(ref["X_pca"]), k: k) <= 1e-4)
    #expect(Self.maxDifferenceUpToSign(r.loadings, Self.matrix(ref["PCs"]), k: k) <= 1e-4)
    #expect(PreprocessingReference.maxRelativeError(r.variance, PreprocessingReference.doubles(ref["variance"])) <= 1e-6)
    #expect(PreprocessingReference.maxRelativeError(r.varianceRatio, PreprocessingReference.doubles(ref["variance_ratio"])) <= 1e-6)
    // scikit-learn ≥ 1.5 signs: the largest |loading| of each component is positive
    for j in 0..<k {
      let column = (0..<m.nVars).map { r.loadings[$0 * k + j] }
      let top = column.max { abs($0) < abs($1) } ?? 0
      #expect(top > 0)
    }
  }

  @Test func scaledMatchesScanpyScaleThenPCA() throws {
    let m = try PreprocessingReference.matrix("pca_wide")
    let ref = try PreprocessingReference.json("pca_wide")
    let r = try PCA.fit(m, .init(nComps: 5, scale: true))
    #expect(Self.maxDifferenceUpToSign(r.scores, Self.matrix(ref["scaled_X_pca"]), k: 5) <= 1e-4)
    #expect(Self.maxDifferenceUpToSign(r.loadings, Self.matrix(ref["scaled_PCs"]), k: 5) <= 1e-4)
    #expect(PreprocessingReference.maxRelativeError(r.varianceRatio, PreprocessingReference.doubles(ref["scaled_variance_ratio"])) <= 1e-6)
  }

  /// Randomized SVD (sparse CSR as stored, densified, plain and scaled) gives scanpy's exact
  /// components on log-normalized data with low-rank structure (`scripts/pca_randomized_fixtures.py`).
  @Test(arguments: [false, true])
  func randomizedMatchesScanpy(_ densify: Bool) throws {
    let name = "pca_lowrank"
    let stored = try PreprocessingReference.matrix(name)
    var m = stored
    if densify, let x = stored.X {
      m.X = .dense(DenseArray(shape: [x.rows, x.cols], values: .float64(x.denseDoubles())))
    }
    let ref = try PreprocessingReference.json(name)
    let k = (ref["n_comps"] as? Int) ?? 0
    let r = try PCA.fit(m, .init(nComps: k, solver: .randomized, seed: 7))
    #expect(Self.maxDifferenceUpToSign(r.scores, Self.matrix(ref["X_pca"]), k: k) <= 1e-4)
    #expect(Self.maxDifferenceUpToSign(r.loadings, Self.matrix(ref["PCs"]), k: k) <= 1e-4)
    #expect(PreprocessingReference.maxRelativeError(r.variance, PreprocessingReference.doubles(ref["variance"])) <= 1e-6)
    #expect(PreprocessingReference.maxRelativeError(r.varianceRatio, PreprocessingReference.doubles(ref["variance_ratio"])) <= 1e-6)
    do {
      let s = try PCA.fit(m, .init(nComps: 5, scale: true, solver: .randomized))
      #expect(Self.maxDifferenceUpToSign(s.loadings, Self.matrix(ref["scaled_PCs"]), k: 5) <= 1e-4)
      #expect(PreprocessingReference.maxRelativeError(s.varianceRatio, PreprocessingReference.doubles(ref["scaled_variance_ratio"])) <= 1e-6)
    }
    // deterministic for a seed
    let again = try PCA.fit(m, .init(nComps: k, solver: .randomized, seed: 7))
    #expect(again.scores == r.scores)
  }

  @Test func storesScanpySlots() throws {
    var m = try PreprocessingReference.matrix("pca_dense")
    let r = try PCA.fit(m, .init(nComps: 6))
    PCA.store(r, in: &m, float32: false, options: .init(nComps: 6))
    #expect(m.obsm["X_pca"]?.matrix?.cols == 6 && m.obsm["X_pca"]?.length == 60)
    #expect(m.varm["PCs"]?.matrix?.cols == 6 && m.varm["PCs"]?.length == 25)
    guard case .dict(let pca)? = m.uns["pca"] else {
      Issue.record("uns['pca'] missing")
      return
    }
    #expect(pca["variance_ratio"]?.length == 6 && pca["variance"]?.length == 6)
  }

  @Test func badInputs() throws {
    let m = try PreprocessingReference.matrix("pca_wide")
    #expect(throws: OmicsError("n-comps = 21 is larger than min(cells, genes) = 20")) { _ = try PCA.fit(m, .init(nComps: 21)) }
    #expect(throws: OmicsError("no var column named 'highly_variable' to select genes")) {
      _ = try PCA.fit(m, .init(nComps: 2, maskVar: "highly_variable"))
    }
    let nan = try PreprocessingReference.matrix("mad_nan")
    #expect(throws: OmicsError("X holds a NaN or infinite value at obs 's5', var 'g7'; PCA needs finite numbers")) {
      _ = try PCA.fit(nan, .init(nComps: 2))
    }
  }
}
