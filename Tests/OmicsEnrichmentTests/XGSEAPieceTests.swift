import Foundation
import OmicsCore
import Testing

@testable import OmicsEnrichment

/// The pieces of XGSEA's domain adaptation and regression, each against a direct formula.
@Suite struct XGSEAPieceTests {
  static func randomMatrix(_ rows: Int, _ cols: Int, seed: UInt64) -> DenseRowMatrix {
    var rng = SeededGenerator(seed: seed)
    return DenseRowMatrix(rows: rows, cols: cols, values: (0..<(rows * cols)).map { _ in Double.random(in: -1...1, using: &rng) })
  }

  /// Random memberships of `sets` sets over `genes` genes (each set 3…8 distinct genes).
  static func randomSets(_ sets: Int, genes: Int, seed: UInt64) -> [[Int32]] {
    var rng = SeededGenerator(seed: seed)
    return (0..<sets).map { _ in
      let k = 3 + rng.below(6)
      var chosen = Set<Int32>()
      while chosen.count < k { chosen.insert(Int32(rng.below(genes))) }
      return chosen.sorted()
    }
  }

  @Test func qrRetractionStaysOnTheStiefelManifold() {
    let w = StiefelManifold.qFactor(Self.randomMatrix(30, 4, seed: 1))
    #expect(StiefelManifold.orthonormalityError(w) < 1e-13)
    // qf of an orthonormal matrix is the matrix itself (positive R diagonal).
    let again = StiefelManifold.qFactor(w)
    #expect(zip(again.values, w.values).allSatisfy { Swift.abs($0 - $1) < 1e-13 })
    let direction = Self.randomMatrix(30, 4, seed: 2)
    let tangent = StiefelManifold.tangentProjection(at: w, of: direction)
    // WᵀΞ is skew-symmetric for a tangent vector.
    let wx = DenseRowMatrix.product(w, transposeA: true, tangent)
    for i in 0..<4 { for j in 0..<4 { #expect(Swift.abs(wx[i, j] + wx[j, i]) < 1e-13) } }
    for step in [1e-3, 0.7, 25.0] {
      let moved = StiefelManifold.retract(w, along: tangent, step: step)
      #expect(StiefelManifold.orthonormalityError(moved) < 1e-12, "step \(step)")
      // …and moved, by about step·‖Ξ‖ for a small step.
      if step == 1e-3 {
        let distance = moved.adding(w, scaledBy: -1).frobeniusNorm
        #expect(Swift.abs(distance - step * tangent.frobeniusNorm) < 1e-5)
      }
    }
    // A rank-deficient input still gives orthonormal columns.
    var deficient = Self.randomMatrix(10, 3, seed: 3)
    for i in 0..<10 { deficient[i, 2] = deficient[i, 0] * 2 }
    #expect(StiefelManifold.orthonormalityError(StiefelManifold.qFactor(deficient)) < 1e-12)
  }

  /// A small objective: random features of 7 source and 6 target sets, a random symmetric graph.
  static func objective(lambda: Double, sigma: Double = 0.8) -> DomainAdaptationObjective {
    let fs = randomMatrix(5, 7, seed: 11), ft = randomMatrix(4, 6, seed: 12)
    var k = randomMatrix(13, 13, seed: 13)
    for i in 0..<13 {
      k[i, i] = 0
      for j in 0..<i { k[i, j] = Swift.abs(k[j, i]); k[j, i] = k[i, j] }
    }
    let laplacian = SetSimilarityGraphLaplacian.of(k)
    return DomainAdaptationObjective(sourceFeatures: fs, targetFeatures: ft, laplacian: laplacian, sigma: sigma, lambda: lambda)
  }

  @Test func mmdEqualsTheDirectFormula() {
    let objective = Self.objective(lambda: 0)
    let w = StiefelManifold.qFactor(Self.randomMatrix(9, 3, seed: 14))
    let z = objective.embedding(w)
    func k(_ i: Int, _ j: Int) -> Double {
      var d = 0.0
      for c in 0..<3 { d += (z[i, c] - z[j, c]) * (z[i, c] - z[j, c]) }
      return Foundation.exp(-d / 0.8)
    }
    var ss = 0.0, tt = 0.0, st = 0.0
    for i in 0..<7 { for j in 0..<7 { ss += k(i, j) } }
    for i in 7..<13 { for j in 7..<13 { tt += k(i, j) } }
    for i in 0..<7 { for j in 7..<13 { st += k(i, j) } }
    let direct = ss / 49 + tt / 36 - 2 * st / 42
    let value = objective.value(w)
    #expect(Swift.abs(value.mmd - direct) < 1e-13, "\(value.mmd) vs \(direct)")
    #expect(value.graph == 0)
    // Two identical domains have MMD 0.
    let same = DomainAdaptationObjective(
      sourceFeatures: objective.sourceFeatures, targetFeatures: objective.sourceFeatures,
      laplacian: DenseRowMatrix(rows: 14, cols: 14), sigma: 1, lambda: 0)
    let w2 = DenseRowMatrix.stacked(
      DenseRowMatrix.identityColumns(rows: 5, cols: 2), DenseRowMatrix.identityColumns(rows: 5, cols: 2)
    ).scaled(by: 1 / 2.0.squareRoot())
    #expect(Swift.abs(same.value(w2).mmd) < 1e-14)
  }

  @Test func graphTermEqualsHalfTheWeightedSquaredDistances() {
    let objective = Self.objective(lambda: 0.3)
    let w = StiefelManifold.qFactor(Self.randomMatrix(9, 3, seed: 15))
    let z = objective.embedding(w)
    // The normaliser is ‖X L Xᵀ‖_F with X = blockdiag(Fs, Ft), built explicitly.
    var x = DenseRowMatrix(rows: 9, cols: 13)
    for i in 0..<5 { for j in 0..<7 { x[i, j] = objective.sourceFeatures[i, j] } }
    for i in 0..<4 { for j in 0..<6 { x[5 + i, 7 + j] = objective.targetFeatures[i, j] } }
    let xlx = DenseRowMatrix.product(DenseRowMatrix.product(x, objective.laplacian), x, transposeB: true)
    #expect(Swift.abs(objective.graphScale - xlx.frobeniusNorm) < 1e-12 * xlx.frobeniusNorm)
    var half = 0.0
    for i in 0..<13 {
      for j in 0..<13 {
        var d = 0.0
        for c in 0..<3 { d += (z[i, c] - z[j, c]) * (z[i, c] - z[j, c]) }
        half += 0.5 * -objective.laplacian[i, j] * d
      }
    }
    let expected = 0.3 * half / xlx.frobeniusNorm
    #expect(Swift.abs(objective.value(w).graph - expected) < 1e-12 * Swift.abs(expected))
  }

  @Test func gradientMatchesCentralFiniteDifferences() {
    let objective = Self.objective(lambda: 0.7, sigma: 0.5)
    // Any W, on or off the manifold: the Euclidean gradient.
    let w = Self.randomMatrix(9, 3, seed: 16)
    let (_, gradient) = objective.valueAndGradient(w)
    let h = 1e-6
    var worst = 0.0
    for index in 0..<w.values.count {
      var plus = w, minus = w
      plus.values[index] += h
      minus.values[index] -= h
      let numeric = (objective.value(plus).total - objective.value(minus).total) / (2 * h)
      worst = Swift.max(worst, Swift.abs(numeric - gradient.values[index]) / Swift.max(1, Swift.abs(numeric)))
    }
    #expect(worst < 1e-7, "max relative error \(worst)")
  }

  @Test func descentDecreasesTheObjectiveOnTheManifold() {
    let objective = Self.objective(lambda: 0.5)
    let start = StiefelManifold.qFactor(Self.randomMatrix(9, 3, seed: 17))
    let (w, trace) = StiefelGradientDescent(maxIterations: 50, tolerance: 1e-9).minimize(objective, from: start)
    #expect(trace.iterations > 0)
    #expect(trace.final.total < trace.initial.total)
    #expect(Swift.abs(objective.value(w).total - trace.final.total) < 1e-14)
    #expect(StiefelManifold.orthonormalityError(w) < 1e-12)
  }

  @Test func spectralFeaturesReproduceTheCenteredIncidenceGram() throws {
    let sets = Self.randomSets(9, genes: 20, seed: 21) + [Array(0..<20).map(Int32.init)]
    // Dense X̃: genes × sets, rows centered and scaled to unit norm (zero rows stay zero).
    var x = DenseRowMatrix(rows: 20, cols: 10)
    for (j, s) in sets.enumerated() { for g in s { x[Int(g), j] = 1 } }
    for g in 0..<20 {
      let mean = (0..<10).reduce(0.0) { $0 + x[g, $1] } / 10
      for j in 0..<10 { x[g, j] -= mean }
      let norm = (0..<10).reduce(0.0) { $0 + x[g, $1] * x[g, $1] }.squareRoot()
      if norm > 0 { for j in 0..<10 { x[g, j] /= norm } }
    }
    let direct = DenseRowMatrix.product(x, transposeA: true, x)
    let gram = SetMembershipFeatures.gram(sets: sets, geneCount: 20)
    #expect(zip(gram.values, direct.values).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
    let f = try SetMembershipFeatures.spectral(sets: sets, geneCount: 20)
    let ftf = DenseRowMatrix.product(f, transposeA: true, f)
    #expect(zip(ftf.values, direct.values).allSatisfy { Swift.abs($0 - $1) < 1e-10 })
    // Rows ordered by decreasing variance.
    let norms = (0..<f.rows).map { r in f.row(r).reduce(0) { $0 + $1 * $1 } }
    #expect(zip(norms, norms.dropFirst()).allSatisfy { $0 >= $1 - 1e-12 })
    #expect(f.rows <= 9)  // centering removes one dimension
  }

  @Test func similarityGraphByHand() {
    // Source genes 0..5, target genes 0..4; target t ↦ source t (t < 4), target 4 ↦ source 4 and 5.
    let graph = SetSimilarityGraph(
      sourceSets: [[0, 1, 2], [2, 3]], sourceGeneCount: 6, targetSets: [[0, 1, 2, 3], [4]], targetGeneCount: 5,
      orthologs: [[0], [1], [2], [3], [4, 5]])
    let k = graph.weights
    #expect(k[0, 1] == 1.0 / 3)  // |{2}| / max(3, 2)
    #expect(k[2, 3] == 0)
    // source {0,1,2} vs target {0,1,2,3}: W1 = 3/4, W2 = 3/3 → 3/4
    #expect(k[0, 2] == 0.75 && k[2, 0] == 0.75)
    // source {2,3} vs target {0,1,2,3}: W1 = 2/4, W2 = 2/2 → 1/2
    #expect(k[1, 2] == 0.5)
    #expect(k[0, 3] == 0 && k[1, 3] == 0)
    let l = graph.laplacian
    for i in 0..<4 { #expect(Swift.abs((0..<4).reduce(0.0) { $0 + l[i, $1] }) < 1e-15) }
    #expect(graph.crossWeights.values == [0.75, 0, 0.5, 0])
  }

  @Test func leastSquaresRecoversExactCoefficients() throws {
    let x = Self.randomMatrix(12, 3, seed: 31)
    var y = DenseRowMatrix(rows: 12, cols: 2)
    for i in 0..<12 {
      y[i, 0] = 1.5 + 2 * x[i, 0] - 3 * x[i, 1] + 0.25 * x[i, 2]
      y[i, 1] = -0.5 + x[i, 2]
    }
    let beta = try OrdinaryLeastSquares.fit(predictors: x, responses: y)
    let expected: [Double] = [1.5, -0.5, 2, 0, -3, 0, 0.25, 1]
    #expect(zip(beta.values, expected).allSatisfy { Swift.abs($0 - $1) < 1e-12 }, "\(beta.values)")
    // Noisy responses: the normal equations (AᵀA)β = Aᵀy hold.
    let noise = Self.randomMatrix(12, 1, seed: 32)
    let yn = DenseRowMatrix(rows: 12, cols: 1, values: (0..<12).map { y[$0, 0] + noise.values[$0] })
    let bn = try OrdinaryLeastSquares.fit(predictors: x, responses: yn)
    let fitted = OrdinaryLeastSquares.predict(x, coefficients: bn)
    for c in 0..<4 {
      var s = 0.0
      for i in 0..<12 { s += (c == 0 ? 1 : x[i, c - 1]) * (yn.values[i] - fitted.values[i]) }
      #expect(Swift.abs(s) < 1e-12, "residual not orthogonal to column \(c)")
    }
    // Rank deficiency is an error, not a silent answer.
    var deficient = x
    for i in 0..<12 { deficient[i, 2] = 2 * x[i, 0] }
    #expect(throws: OmicsError.self) { try OrdinaryLeastSquares.fit(predictors: deficient, responses: y) }
  }

  @Test func regressionVariants() throws {
    // logit p linear in the embedding → D reproduces the target p exactly.
    let zs = Self.randomMatrix(20, 2, seed: 41), zt = Self.randomMatrix(5, 2, seed: 42)
    func truth(_ z: [Double]) -> Double { XGSEARegression.sigmoid(-2 + 1.5 * z[0] - z[1]) }
    let p = (0..<20).map { truth(zs.row($0)) }
    var es = DenseRowMatrix(rows: 20, cols: 1001)
    for i in 0..<20 {
      es[i, 0] = 0.5 * zs[i, 0] + 0.1
      for b in 1..<1001 { es[i, b] = 0.0005 * Double(b % 7 - 3) * zs[i, 1] }
    }
    let out = try XGSEARegression.predict(sourceEmbedding: zs, sourceP: p, sourceES: es, targetEmbedding: zt)
    for j in 0..<5 {
      #expect(Swift.abs(out.pD[j] - truth(zt.row(j))) < 1e-10)
      #expect(Swift.abs(out.esE[j] - (0.5 * zt[j, 0] + 0.1)) < 1e-12)
    }
    #expect(XGSEARegression.empiricalP([0.5, 0.6, 0.2, -0.1, 0.5]) == 3.0 / 4)
    #expect(XGSEARegression.empiricalP([-0.4, -0.5, 0.2, -0.1, -0.4]) == 3.0 / 4)
    #expect(Swift.abs(XGSEARegression.logit(XGSEARegression.sigmoid(3.25)) - 3.25) < 1e-12)
    #expect(!out.epmFellBack)
    // Epm: positive-ES sets (z1 ≥ 0) follow one linear law, negative-ES sets another; a target at
    // a group's centroid gets that group's law.
    var esPM = DenseRowMatrix(rows: 20, cols: 1001)
    for i in 0..<20 {
      let positive = zs[i, 0] >= 0
      for b in 0..<1001 {
        esPM[i, b] = (positive ? 0.5 + 0.1 * zs[i, 1] : -0.5 - 0.1 * zs[i, 1]) + (b == 0 ? 0 : 0.01 * Double(b % 5 - 2))
      }
    }
    func centroid(_ positive: Bool) -> [Double] {
      let rows = (0..<20).filter { (zs[$0, 0] >= 0) == positive }
      return [0, 1].map { k in rows.reduce(0.0) { $0 + zs[$1, k] } / Double(rows.count) }
    }
    let (cp, cn) = (centroid(true), centroid(false))
    let atCentroids = DenseRowMatrix(rows: 2, cols: 2, values: [cp[0], cp[1] + 0.1, cn[0], cn[1] - 0.1])
    let pm = try XGSEARegression.predict(sourceEmbedding: zs, sourceP: p, sourceES: esPM, targetEmbedding: atCentroids)
    #expect(!pm.epmFellBack)
    #expect(Swift.abs(pm.esEpm[0] - (0.5 + 0.1 * (cp[1] + 0.1))) < 1e-10, "\(pm.esEpm)")
    #expect(Swift.abs(pm.esEpm[1] - (-0.5 - 0.1 * (cn[1] - 0.1))) < 1e-10, "\(pm.esEpm)")
    // A group whose embeddings cannot determine a fit (all its sets at one point): Epm = E.
    var flat = zs
    for i in 0..<20 where esPM[i, 0] < 0 { flat[i, 0] = -0.5; flat[i, 1] = 0.25 }
    let fallback = try XGSEARegression.predict(sourceEmbedding: flat, sourceP: p, sourceES: esPM, targetEmbedding: zt)
    #expect(fallback.epmFellBack && fallback.pEpm == fallback.pE)
    // Too few sets with a p-value: a clear error.
    #expect(throws: OmicsError.self) {
      try XGSEARegression.predict(
        sourceEmbedding: zs, sourceP: p.enumerated().map { $0.offset < 17 ? .nan : $0.element }, sourceES: es, targetEmbedding: zt)
    }
  }
}

/// L = D − K of a weight matrix (test helper).
enum SetSimilarityGraphLaplacian {
  static func of(_ k: DenseRowMatrix) -> DenseRowMatrix {
    var l = k.scaled(by: -1)
    for i in 0..<k.rows { l[i, i] += (0..<k.cols).reduce(0.0) { $0 + k[i, $1] } }
    return l
  }
}
