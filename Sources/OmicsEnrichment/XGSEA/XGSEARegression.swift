import Foundation
import OmicsCore

/// XGSEA's step 3: predict target-set significance from the embedding by regressions fitted on the
/// source sets.
///
/// - **D**: ordinary least squares of logit(p) of the source sets on [1, z]; the target p-value is
///   the sigmoid of the prediction. Source p-values are clipped to [1/(2(B+1)), 1 − 1/(2(B+1))]
///   (B permutations) so that logit is finite; sets without a p-value are left out of the fit.
/// - **E**: the same regression of ES, once for the observed column and once for each of the B
///   permutation columns of the source null; the target p-value compares its predicted observed ES
///   with its predicted row (observed column included, as the original `gsea_pval`):
///   #{v ≥ e, v ≥ 0}/#{v ≥ 0} for e ≥ 0, #{v ≤ e, v ≤ 0}/#{v ≤ 0} otherwise.
/// - **Epm**: like E with separate fits for the source sets of positive (ES ≥ 0) and negative ES;
///   each target set uses the fit of the group whose embedding centroid is nearer. When a group has
///   fewer sets than the fit needs (p + 2), or embeddings that do not determine the fit (rank-
///   deficient), Epm equals E (``Predictions/epmFellBack``).
enum XGSEARegression {
  /// Per-variant predictions for the target sets.
  struct Predictions: Sendable {
    var pD: [Double]
    var esE: [Double]
    var pE: [Double]
    var esEpm: [Double]
    var pEpm: [Double]
    /// True when Epm could not fit both groups and equals E.
    var epmFellBack: Bool
  }

  static func logit(_ p: Double) -> Double { Foundation.log(p / (1 - p)) }
  static func sigmoid(_ x: Double) -> Double { x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x)) }

  /// The empirical p-value of `row[0]` (observed) against the whole row, observed included.
  static func empiricalP(_ row: ArraySlice<Double>) -> Double {
    let e = row[row.startIndex]
    var hits = 0, same = 0
    if e >= 0 {
      for v in row where v >= 0 { same += 1; if v >= e { hits += 1 } }
    } else {
      for v in row where v <= 0 { same += 1; if v <= e { hits += 1 } }
    }
    return same == 0 ? .nan : Double(hits) / Double(same)
  }

  /// Runs D, E and Epm. `sourceP` (NaN = no p-value) and `sourceES` (ns × (B+1), column 0 observed)
  /// belong to the rows of `sourceEmbedding`; predictions are for the rows of `targetEmbedding`.
  static func predict(
    sourceEmbedding zs: DenseRowMatrix, sourceP: [Double], sourceES: DenseRowMatrix, targetEmbedding zt: DenseRowMatrix
  ) throws -> Predictions {
    let ns = zs.rows, dim = zs.cols, columns = sourceES.cols
    precondition(sourceP.count == ns && sourceES.rows == ns && zt.cols == dim)
    // D
    let floor = 0.5 / Double(columns)
    let usable = (0..<ns).filter { !sourceP[$0].isNaN }
    guard usable.count >= dim + 2 else {
      throw OmicsError(
        "only \(usable.count) source gene sets have a p-value; the regression on a \(dim)-dimensional embedding needs at least \(dim + 2) (lower --dim, or widen --min-size/--max-size)")
    }
    let xD = DenseRowMatrix(rows: usable.count, cols: dim, values: usable.flatMap { zs.row($0) })
    let yD = DenseRowMatrix(rows: usable.count, cols: 1, values: usable.map { logit(Swift.min(Swift.max(sourceP[$0], floor), 1 - floor)) })
    let betaD = try OrdinaryLeastSquares.fit(predictors: xD, responses: yD)
    let pD = OrdinaryLeastSquares.predict(zt, coefficients: betaD).values.map(sigmoid)
    // E
    let betaE = try OrdinaryLeastSquares.fit(predictors: zs, responses: sourceES)
    let predictedE = OrdinaryLeastSquares.predict(zt, coefficients: betaE)
    let nt = zt.rows
    var esE = [Double](repeating: 0, count: nt), pE = esE
    for j in 0..<nt {
      let row = predictedE.values[(j * columns)..<((j + 1) * columns)]
      esE[j] = row[row.startIndex]
      pE[j] = empiricalP(row)
    }
    // Epm
    let positive = (0..<ns).filter { sourceES[$0, 0] >= 0 }
    let negative = (0..<ns).filter { sourceES[$0, 0] < 0 }
    guard positive.count >= dim + 2, negative.count >= dim + 2 else {
      return Predictions(pD: pD, esE: esE, pE: pE, esEpm: esE, pEpm: pE, epmFellBack: true)
    }
    func subset(_ m: DenseRowMatrix, _ rows: [Int]) -> DenseRowMatrix {
      DenseRowMatrix(rows: rows.count, cols: m.cols, values: rows.flatMap { m.row($0) })
    }
    func centroid(_ rows: [Int]) -> [Double] {
      var c = [Double](repeating: 0, count: dim)
      for r in rows { for k in 0..<dim { c[k] += zs[r, k] } }
      return c.map { $0 / Double(rows.count) }
    }
    // A group whose embeddings are rank-deficient cannot be fitted on its own: Epm falls back to E.
    guard let betaPos = try? OrdinaryLeastSquares.fit(predictors: subset(zs, positive), responses: subset(sourceES, positive)),
      let betaNeg = try? OrdinaryLeastSquares.fit(predictors: subset(zs, negative), responses: subset(sourceES, negative))
    else {
      return Predictions(pD: pD, esE: esE, pE: pE, esEpm: esE, pEpm: pE, epmFellBack: true)
    }
    let predictedPos = OrdinaryLeastSquares.predict(zt, coefficients: betaPos)
    let predictedNeg = OrdinaryLeastSquares.predict(zt, coefficients: betaNeg)
    let cPos = centroid(positive), cNeg = centroid(negative)
    var esEpm = [Double](repeating: 0, count: nt), pEpm = esEpm
    for j in 0..<nt {
      var dPos = 0.0, dNeg = 0.0
      for k in 0..<dim {
        dPos += (zt[j, k] - cPos[k]) * (zt[j, k] - cPos[k])
        dNeg += (zt[j, k] - cNeg[k]) * (zt[j, k] - cNeg[k])
      }
      let source = dPos <= dNeg ? predictedPos : predictedNeg
      let row = source.values[(j * columns)..<((j + 1) * columns)]
      esEpm[j] = row[row.startIndex]
      pEpm[j] = empiricalP(row)
    }
    return Predictions(pD: pD, esE: esE, pE: pE, esEpm: esEpm, pEpm: pEpm, epmFellBack: false)
  }
}
