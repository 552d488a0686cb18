import Foundation

/// A merging t-digest (Dunning & Ertl, "Computing extremely accurate quantiles using t-digests",
/// 2019): values are buffered, and the buffer is sorted and merged into centroids whose sizes are
/// bounded by the k₁ (arcsine) scale function with compression δ. Digests merge by pooling their
/// centroids and re-merging, so shards can be summarised independently.
///
/// While the digest holds at most δ/2 values every centroid is a single value, so quantiles of small
/// samples are exact (the median of an even count is the mean of the two middle values, as numpy's).
public struct TDigest: Sendable, Equatable {
  public let compression: Double
  public private(set) var means: [Double] = []
  public private(set) var weights: [Double] = []
  public private(set) var count: Double = 0
  public private(set) var minimum = Double.infinity
  public private(set) var maximum = -Double.infinity
  private var buffer: [Double] = []

  public init(compression: Double = 1000) {
    self.compression = compression
  }

  /// Rebuilds a digest from stored centroids (sorted by mean).
  public init(compression: Double, means: [Double], weights: [Double], minimum: Double, maximum: Double) {
    self.compression = compression
    self.means = means
    self.weights = weights
    self.count = weights.reduce(0, +)
    self.minimum = minimum
    self.maximum = maximum
  }

  var bufferLimit: Int { max(32, Int(compression) / 2) }

  /// Adds one value.
  @inline(__always)
  public mutating func add(_ x: Double) {
    buffer.append(x)
    if x < minimum { minimum = x }
    if x > maximum { maximum = x }
    if buffer.count >= bufferLimit { flush() }
  }

  /// Adds another digest's centroids.
  public mutating func merge(_ other: TDigest) {
    var o = other
    o.flush()
    if o.count == 0 { return }
    flush()
    minimum = min(minimum, o.minimum)
    maximum = max(maximum, o.maximum)
    var m = means + o.means
    var w = weights + o.weights
    let order = m.indices.sorted { m[$0] < m[$1] }
    m = order.map { m[$0] }
    w = order.map { w[$0] }
    compress(m, w)
  }

  /// Merges the buffered values into the centroids.
  public mutating func flush() {
    if buffer.isEmpty { return }
    buffer.sort()
    // merge two sorted sequences: centroids and buffered singletons
    var m: [Double] = []
    var w: [Double] = []
    m.reserveCapacity(means.count + buffer.count)
    w.reserveCapacity(means.count + buffer.count)
    var i = 0, j = 0
    while i < means.count || j < buffer.count {
      if j >= buffer.count || (i < means.count && means[i] <= buffer[j]) {
        m.append(means[i])
        w.append(weights[i])
        i += 1
      } else {
        m.append(buffer[j])
        w.append(1)
        j += 1
      }
    }
    buffer.removeAll(keepingCapacity: true)
    compress(m, w)
  }

  /// k₁ scale: k(q) = δ/(2π)·asin(2q − 1).
  @inline(__always)
  func k(_ q: Double) -> Double { compression / (2 * Double.pi) * asin(max(-1, min(1, 2 * q - 1))) }

  private mutating func compress(_ m: [Double], _ w: [Double]) {
    let total = w.reduce(0, +)
    count = total
    var outM: [Double] = []
    var outW: [Double] = []
    outM.reserveCapacity(Int(compression))
    outW.reserveCapacity(Int(compression))
    guard total > 0, !m.isEmpty else {
      means = []
      weights = []
      return
    }
    var soFar = 0.0
    var curM = m[0], curW = w[0]
    var kLow = k(0)
    for idx in 1..<m.count {
      let proposed = curW + w[idx]
      let qHigh = (soFar + proposed) / total
      if k(qHigh) - kLow <= 1 {
        curM += (m[idx] - curM) * w[idx] / proposed
        curW = proposed
      } else {
        outM.append(curM)
        outW.append(curW)
        soFar += curW
        kLow = k(soFar / total)
        curM = m[idx]
        curW = w[idx]
      }
    }
    outM.append(curM)
    outW.append(curW)
    means = outM
    weights = outW
  }

  /// The q-quantile (0…1) by interpolating between centroid centres; nil when empty.
  public mutating func quantile(_ q: Double) -> Double? {
    flush()
    return Self.quantile(q, means: means, weights: weights, minimum: minimum, maximum: maximum)
  }

  static func quantile(_ q: Double, means: [Double], weights: [Double], minimum: Double, maximum: Double) -> Double? {
    guard !means.isEmpty else { return nil }
    if means.count == 1 { return means[0] }
    let total = weights.reduce(0, +)
    let rank = q * total
    // centre of centroid i at cumulative weight before it + w/2
    var cumulative = 0.0
    var previousCentre = 0.0
    var previousMean = minimum
    for i in 0..<means.count {
      let centre = cumulative + weights[i] / 2
      if rank <= centre {
        if i == 0 {
          // between the minimum (rank 0.5 for a singleton) and the first centre
          if weights[0] == 1 || rank <= 0.5 { return means[0] }
          let t = (rank - 0.5) / max(centre - 0.5, 1e-300)
          return minimum + t * (means[0] - minimum)
        }
        let t = (rank - previousCentre) / max(centre - previousCentre, 1e-300)
        // weighted form: t = 0.5 gives exactly (a + b) / 2, numpy's median of an even count
        return previousMean * (1 - t) + means[i] * t
      }
      previousCentre = centre
      previousMean = means[i]
      cumulative += weights[i]
    }
    let last = means.count - 1
    if weights[last] == 1 || rank >= total - 0.5 { return rank >= total - 0.5 ? maximum : means[last] }
    let t = (rank - previousCentre) / max((total - 0.5) - previousCentre, 1e-300)
    return means[last] + t * (maximum - means[last])
  }
}
