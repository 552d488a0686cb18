import Foundation
import OmicsNN

/// Integrated gradients (Sundararajan et al. 2017) of the adapted model's class-1 score `s_1` with
/// respect to the input genes, as captum computes them for scDEAL (background §1.8): zero baseline
/// (= each gene's minimum after min-max scaling), Gauss–Legendre quadrature on [0, 1] (50 nodes by
/// default): `IG_g(x) = x_g · Σ_k w_k ∂s_1/∂x_g(α_k x)`. Completeness: `Σ_g IG_g ≈ s_1(x) − s_1(0)`.
/// Both networks run in eval mode.
public enum IntegratedGradients {
  /// Nodes and weights of `n`-point Gauss–Legendre quadrature on [0, 1] (weights sum to 1).
  public static func gaussLegendre(_ n: Int) -> (nodes: [Double], weights: [Double]) {
    var nodes = [Double](repeating: 0, count: n), weights = nodes
    for i in 0..<n {
      var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
      var derivative = 0.0
      for _ in 0..<100 {
        var p0 = 1.0, p1 = x
        for k in 2...max(n, 2) where n >= 2 {
          let p2 = ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k)
          p0 = p1
          p1 = p2
        }
        let pn = n == 1 ? x : p1, pn1 = n == 1 ? 1.0 : p0
        derivative = Double(n) * (x * pn - pn1) / (x * x - 1)
        let dx = pn / derivative
        x -= dx
        if abs(dx) < 1e-15 { break }
      }
      nodes[i] = (x + 1) / 2
      weights[i] = 1 / ((1 - x * x) * derivative * derivative)  // (2/((1−x²)P′²))/2
    }
    return (nodes, weights)
  }

  /// Attributions `(rows × genes)` for every row of `x`, and the largest and mean completeness
  /// error `|Σ_g IG_g − (s_1(x) − s_1(0))|` over rows. The ReLUs of the predictor make the integrand
  /// jump along the path, so the quadrature error falls only like 1/steps (as in captum).
  public static func attribute(_ x: Tensor<Float>, encoder: EncoderNetwork, predictor: PredictorNetwork,
                               steps: Int = 50, block: Int = 2048) throws
    -> (values: [Double], completenessError: Double, meanCompletenessError: Double)
  {
    let (nodes, weights) = gaussLegendre(steps)
    let wasComputingInputGradient = encoder.computesInputGradient
    encoder.computesInputGradient = true
    defer { encoder.computesInputGradient = wasComputingInputGradient }
    let g = x.columns
    var out = [Double](repeating: 0, count: x.rows * g)
    var worst = 0.0, totalError = 0.0
    let zero = Tensor<Float>(shape: [1, g])
    let s0 = Double(try predictor.forward(try encoder.forward(zero, training: false), training: false).scalars[1])
    var start = 0
    while start < x.rows {
      let end = min(start + block, x.rows)
      let xb = x.rows(start..<end)
      let n = end - start
      var acc = [Double](repeating: 0, count: n * g)
      for (alpha, w) in zip(nodes, weights) {
        _ = try predictor.forward(try encoder.forward(xb * Float(alpha), training: false), training: false)
        var dy = Tensor<Float>(shape: [n, 2])
        for r in 0..<n { dy[r, 1] = 1 }
        let dx = try encoder.backward(try predictor.backward(dy))
        for i in 0..<(n * g) { acc[i] += w * Double(dx.scalars[i]) }
      }
      let s1 = try predictor.forward(try encoder.forward(xb, training: false), training: false)
      for r in 0..<n {
        var sum = 0.0
        for j in 0..<g {
          let v = Double(xb.scalars[r * g + j]) * acc[r * g + j]
          out[(start + r) * g + j] = v
          sum += v
        }
        let e = abs(sum - (Double(s1[r, 1]) - s0))
        worst = max(worst, e)
        totalError += e
      }
      start = end
    }
    return (out, worst, totalError / Double(max(x.rows, 1)))
  }
}

/// Top genes per predicted class by mean integrated gradient over the cells predicted in that class:
/// class 1 — the largest mean attributions (pushing towards class 1); class 0 — the most negative.
public struct AttributionSummary: Sendable, Equatable {
  public struct Row: Sendable, Equatable {
    public var predictedClass: Int
    public var rank: Int
    public var gene: String
    public var meanAttribution: Double
    public var cells: Int
  }
  public var rows: [Row]
  /// Largest and mean `|Σ_g IG_g − (s_1(x) − s_1(0))|` over cells.
  public var completenessError: Double
  public var meanCompletenessError: Double

  public init(values: [Double], genes: [String], predicted: [Int], top k: Int, completenessError: Double,
              meanCompletenessError: Double) {
    let g = genes.count
    var rows: [Row] = []
    for c in [1, 0] {
      let cells = predicted.indices.filter { predicted[$0] == c }
      guard !cells.isEmpty else { continue }
      var mean = [Double](repeating: 0, count: g)
      for r in cells { for j in 0..<g { mean[j] += values[r * g + j] } }
      for j in 0..<g { mean[j] /= Double(cells.count) }
      let order = (0..<g).sorted { c == 1 ? (mean[$0] > mean[$1]) : (mean[$0] < mean[$1]) }
      for (rank, j) in order.prefix(k).enumerated() {
        rows.append(Row(predictedClass: c, rank: rank + 1, gene: genes[j], meanAttribution: mean[j], cells: cells.count))
      }
    }
    self.rows = rows
    self.completenessError = completenessError
    self.meanCompletenessError = meanCompletenessError
  }
}
