import OmicsCore

/// The CCLE "waterfall" binarisation of a continuous drug response (Barretina et al., Nature 2012),
/// the method scDEAL's `_wf` label file names (background §1.2).
///
/// Sort the responses ascending (log IC50: low = sensitive). If the sorted curve is close to a
/// straight line — Pearson r of the sorted values against their rank ≥ 0.95 — cut at the median:
/// the lower ⌊n/2⌋ values are sensitive. Otherwise cut at the point of the sorted curve farthest
/// from the chord joining its first and last points: values up to and including that point are
/// sensitive. Equal values always get the same class (a tie at the cut goes to the sensitive side).
/// Missing values (NaN) stay missing.
public enum Waterfall {
  /// The result: 1 = sensitive (at or below the cut), 0 = resistant, nil = missing.
  public struct Result: Sendable, Equatable {
    public var labels: [Int?]
    /// The response value at the cut (the largest sensitive value).
    public var threshold: Double
    /// Pearson r of the sorted values against their rank.
    public var linearity: Double
    /// Whether the median rule was used (r ≥ 0.95).
    public var usedMedian: Bool
  }

  public static func binarize(_ values: [Double], column: String = "response") throws -> Result {
    let finite = values.filter { $0.isFinite }.sorted()
    if values.contains(where: { $0.isInfinite }) {
      throw OmicsError(location: "obs/\(column)", "infinite response value")
    }
    let n = finite.count
    guard n >= 4 else {
      throw OmicsError(location: "obs/\(column)", "waterfall needs at least 4 non-missing responses, found \(n)")
    }
    guard finite[0] < finite[n - 1] else {
      throw OmicsError(location: "obs/\(column)", "all \(n) responses are equal; nothing to split")
    }
    // Pearson r of (rank, value).
    let meanX = Double(n - 1) / 2
    let meanY = finite.reduce(0, +) / Double(n)
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (i, y) in finite.enumerated() {
      let dx = Double(i) - meanX, dy = y - meanY
      sxy += dx * dy
      sxx += dx * dx
      syy += dy * dy
    }
    let r = sxy / (sxx * syy).squareRoot()
    let cutIndex: Int
    let median = r >= 0.95
    if median {
      cutIndex = n / 2 - 1
    } else {
      // Distance of (i, y_i) from the chord through (0, y_0) and (n−1, y_{n−1}), in rank units
      // scaled to the value range so that both axes count equally.
      let span = finite[n - 1] - finite[0]
      var best = -1.0, bestIndex = 0
      for (i, y) in finite.enumerated() {
        let t = Double(i) / Double(n - 1)
        let chord = finite[0] + t * span
        let d = abs(chord - y)
        if d > best { best = d; bestIndex = i }
      }
      cutIndex = bestIndex
    }
    let threshold = finite[cutIndex]
    let labels = values.map { v -> Int? in v.isNaN ? nil : (v <= threshold ? 1 : 0) }
    return Result(labels: labels, threshold: threshold, linearity: r, usedMedian: median)
  }
}
