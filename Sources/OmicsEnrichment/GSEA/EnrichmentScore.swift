/// The GSEA enrichment score of one gene set, computed by fgsea's O(k) formulation
/// (`calcGseaStat`): only the hits are walked.
///
/// With hits at 0-based ranks `p_0 < p_1 < … < p_{k-1}`, hit weights `w_i = |r_{p_i}|^weight`,
/// `NR = Σ w_i` and `N` genes:
/// `tops_i = (w_0 + … + w_i)/NR − (p_i − i)/(N − k)` and `bottoms_i = tops_i − w_i/NR`.
/// ES is `max(tops)` when `max(tops) > −min(bottoms)`, `min(bottoms)` in the reverse case and
/// exactly 0 on a tie (fgsea). When every hit has weight 0 (`NR = 0`), hits count 1/k each (the
/// classic walk) instead of dividing by zero.
public struct EnrichmentScore: Sendable, Equatable {
  /// The signed enrichment score.
  public var es: Double
  /// Index into the hit list of the peak: the first maximum of `tops` (ES > 0) or the first
  /// minimum of `bottoms` (ES < 0); nil when ES is 0 by a tie.
  public var peakHit: Int?

  /// A score and its peak.
  public init(es: Double, peakHit: Int?) {
    self.es = es
    self.peakHit = peakHit
  }

  /// Computes ES for hits at sorted 0-based `positions` in a ranking of `geneCount` genes whose
  /// hit weights are `weights[position]`.

  public static func compute(
    positions: UnsafeBufferPointer<Int32>, weights: UnsafeBufferPointer<Double>, geneCount: Int
  ) -> EnrichmentScore {
    let k = positions.count
    guard k > 0, k < geneCount else { return EnrichmentScore(es: 0, peakHit: nil) }
    var nr = 0.0
    for p in positions { nr += weights[Int(p)] }
    let classic = !(nr > 0)
    let invNR = classic ? 1.0 / Double(k) : 1.0 / nr
    let invMiss = 1.0 / Double(geneCount - k)
    var cum = 0.0
    var maxTop = -Double.infinity
    var minBottom = Double.infinity
    var argMax = 0
    var argMin = 0
    for i in 0..<k {
      let p = Int(positions[i])
      let w = classic ? 1.0 : weights[p]
      cum += w
      let top = cum * invNR - Double(p - i) * invMiss
      let bottom = top - w * invNR
      if top > maxTop { maxTop = top; argMax = i }
      if bottom < minBottom { minBottom = bottom; argMin = i }
    }
    if maxTop > -minBottom { return EnrichmentScore(es: maxTop, peakHit: argMax) }
    if maxTop < -minBottom { return EnrichmentScore(es: minBottom, peakHit: argMin) }
    return EnrichmentScore(es: 0, peakHit: nil)
  }

  /// ES only (the null loop): the same arithmetic without the peak bookkeeping.

  static func value(positions: UnsafePointer<Int32>, count k: Int, weights: UnsafePointer<Double>, geneCount: Int)
    -> Double
  {
    guard k > 0, k < geneCount else { return 0 }
    var nr = 0.0
    for i in 0..<k { nr += weights[Int(positions[i])] }
    let classic = !(nr > 0)
    let invNR = classic ? 1.0 / Double(k) : 1.0 / nr
    let invMiss = 1.0 / Double(geneCount - k)
    var cum = 0.0
    var maxTop = -Double.infinity
    var minBottom = Double.infinity
    for i in 0..<k {
      let p = Int(positions[i])
      let w = classic ? 1.0 : weights[p]
      cum += w
      let top = cum * invNR - Double(p - i) * invMiss
      let bottom = top - w * invNR
      if top > maxTop { maxTop = top }
      if bottom < minBottom { minBottom = bottom }
    }
    if maxTop > -minBottom { return maxTop }
    if maxTop < -minBottom { return minBottom }
    return 0
  }

  /// The leading-edge hit indices (into the sorted hit list), ordered as fgsea reports them:
  /// hits up to and including the peak for ES > 0 (rank order), hits from the peak to the end
  /// reversed for ES < 0 (most negative first), none for ES = 0.
  public func leadingEdgeHits(count k: Int) -> [Int] {
    guard let peak = peakHit else { return [] }
    if es > 0 { return Array(0...peak) }
    return Array((peak..<k).reversed())
  }

  /// The running sum at every rank (N values) for plotting: hits step up by w/NR, misses down by
  /// 1/(N−k).
  public static func runningSum(positions: [Int32], weights: [Double], geneCount: Int) -> [Double] {
    let k = positions.count
    guard k > 0, k < geneCount else { return [Double](repeating: 0, count: geneCount) }
    var nr = 0.0
    for p in positions { nr += weights[Int(p)] }
    let classic = !(nr > 0)
    var isHit = [Bool](repeating: false, count: geneCount)
    for p in positions { isHit[Int(p)] = true }
    let miss = 1.0 / Double(geneCount - k)
    var out = [Double](repeating: 0, count: geneCount)
    var cur = 0.0
    for i in 0..<geneCount {
      if isHit[i] { cur += classic ? 1.0 / Double(k) : weights[i] / nr } else { cur -= miss }
      out[i] = cur
    }
    return out
  }
}
