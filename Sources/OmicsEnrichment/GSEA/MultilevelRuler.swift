import Foundation

/// fgsea's adaptive multilevel splitting estimate of P(ES⁺ ≥ x) for random gene sets of one size
/// (`EsRuler` in fgseaMultilevelSupplement.cpp), reimplemented in double precision.
///
/// `sampleSize` random sets are drawn; at each level the half with the lower positive ES is
/// recorded and replaced by copies of the upper half, which are then moved by MCMC gene swaps that
/// keep their positive ES above the current level (about sampleSize·k attempted moves per level).
/// Each level roughly halves the conditional probability; `pValue(for:)` turns the level ladder
/// into a probability with fgsea's Beta-mean corrections, conditioned on a positive ES.
/// For negative ES, run it on the reversed weights (fgsea's `S_neg`).
struct MultilevelRuler {
  let weights: [Double]
  let sampleSize: Int
  let pathwaySize: Int
  private(set) var enrichmentScores: [Double] = []
  private(set) var probCorrector: [Int] = []
  private var samples: [[Int32]] = []

  init(weights: [Double], sampleSize: Int, pathwaySize: Int) {
    self.weights = weights
    self.sampleSize = sampleSize
    self.pathwaySize = pathwaySize
  }

  /// Extends the ladder until its last level passes `es` (or the eps bound stops it).
  mutating func extend(to es: Double, seed: UInt64, stream: UInt64, eps: Double) {
    var rng = SeededGenerator(seed: seed, stream: stream)
    let n = weights.count
    let k = pathwaySize
    samples = (0..<sampleSize).map { _ in
      var chosen = Set<Int32>()
      while chosen.count < k { chosen.insert(Int32(rng.below(n))) }
      return chosen.sorted()
    }
    duplicateSamples()
    let halfSize = (sampleSize + 1) / 2
    let maxLevels = eps > 0 ? Int(-Foundation.log2(0.5 * eps)) + 2 : 4000
    var stalled = 0
    while let last = enrichmentScores.last, last <= es - 1e-10 {
      var moves = 0
      var idleSweeps = 0
      while moves < sampleSize * k {
        var sweep = 0
        for s in 0..<sampleSize { sweep += perturb(sample: s, bound: last, rng: &rng) }
        moves += sweep
        idleSweeps = sweep == 0 ? idleSweeps + 1 : 0
        if idleSweeps > 50 { break }  // no set above this level can move: the ladder cannot grow
      }
      duplicateSamples()
      if let newLast = enrichmentScores.last, newLast <= last { stalled += 1 } else { stalled = 0 }
      if stalled > 20 { break }
      let levels = enrichmentScores.count / halfSize
      if levels > maxLevels { break }
    }
  }

  /// fgsea's `getPvalue` (sign = false): the probability and whether the conditional step was ≥ 1/2.
  func pValue(for es: Double) -> (p: Double, cpGeHalf: Bool) {
    guard let last = enrichmentScores.last else { return (1, true) }
    let halfSize = (sampleSize + 1) / 2
    var index: Int
    if es >= last {
      index = enrichmentScores.count - 1
    } else {
      var lo = 0
      var hi = enrichmentScores.count
      while lo < hi {
        let mid = (lo + hi) >> 1
        if enrichmentScores[mid] < es { lo = mid + 1 } else { hi = mid }
      }
      index = lo
    }
    index = max(index, 0)
    let k = index / halfSize
    let remainder = sampleSize - index % halfSize
    let adjLog = SpecialFunctions.betaMeanLog(halfSize, sampleSize)
    let adjLogPval = Double(k) * adjLog + SpecialFunctions.betaMeanLog(remainder + 1, sampleSize)
    let condProb = SpecialFunctions.betaMeanLog(probCorrector[index] + 1, remainder)
    let p = Foundation.exp(adjLogPval + condProb)
    return (max(0, min(1, p)), Foundation.exp(condProb) >= 0.5)
  }

  private mutating func duplicateSamples() {
    var stats: [(Double, Int)] = []
    stats.reserveCapacity(sampleSize)
    var positive = [Bool](repeating: false, count: sampleSize)
    var totalPositive = 0
    for s in 0..<sampleSize {
      let (pos, full) = scores(samples[s])
      if full > 0 { totalPositive += 1; positive[s] = true }
      stats.append((pos, s))
    }
    stats.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
    var id = 0
    while 2 * id < sampleSize {
      enrichmentScores.append(stats[id].0)
      if positive[stats[id].1] { totalPositive -= 1 }
      probCorrector.append(totalPositive)
      id += 1
    }
    var next: [[Int32]] = []
    next.reserveCapacity(sampleSize)
    id = 0
    while 2 * id < sampleSize - 2 {
      let source = samples[stats[sampleSize - 1 - id].1]
      next.append(source)
      next.append(source)
      id += 1
    }
    next.append(samples[stats[sampleSize >> 1].1])
    samples = next
  }

  /// (positive ES, fgsea's calcES) of one sorted sample.
  private func scores(_ p: [Int32]) -> (Double, Double) {
    let n = weights.count
    let k = p.count
    var ns = 0.0
    for pos in p { ns += weights[Int(pos)] }
    let q1 = 1.0 / Double(n - k)
    let q2 = ns > 0 ? 1.0 / ns : 0
    var cur = 0.0
    var res = 0.0
    var posRes = 0.0
    var last = -1
    for pos32 in p {
      let pos = Int(pos32)
      cur -= q1 * Double(pos - last - 1)
      if Swift.abs(cur) > Swift.abs(res) { res = cur }
      cur += q2 * weights[pos]
      if Swift.abs(cur) > Swift.abs(res) { res = cur }
      posRes = max(posRes, cur)
      last = pos
    }
    return (posRes, res)
  }

  /// fgsea's `perturbate`: k/10 attempted swaps, each kept only if the positive ES stays above `bound`.
  /// Like fgsea, it remembers the hit where the walk last crossed the bound (misses and weight
  /// before it) and accepts a swap without a rescan when that prefix still crosses it.
  private mutating func perturb(sample s: Int, bound: Double, rng: inout SeededGenerator) -> Int {
    let n = weights.count
    let k = pathwaySize
    let iters = max(1, Int(Double(k) * 0.1))
    var moves = 0
    let q1 = 1.0 / Double(n - k)
    return weights.withUnsafeBufferPointer { w in
      samples[s].withUnsafeMutableBufferPointer { sample in
        var ns = 0.0
        for pos in sample { ns += w[Int(pos)] }
        var hasCand = false
        var candVal: Int32 = 0
        var candX = 0
        var candY = 0.0
        for _ in 0..<iters {
          let oldIndex = rng.below(k)
          let newVal = Int32(rng.below(n))
          let oldVal = sample[oldIndex]
          var lo = 0
          var hi = k
          while lo < hi {
            let mid = (lo + hi) >> 1
            if sample[mid] < newVal { lo = mid + 1 } else { hi = mid }
          }
          if lo < k && sample[lo] == newVal {
            if newVal == oldVal { moves += 1 }
            continue
          }
          // Remove oldIndex, insert newVal, keeping order.
          var insertAt = lo
          if oldIndex < insertAt {
            insertAt -= 1
            var i = oldIndex
            while i < insertAt { sample[i] = sample[i + 1]; i += 1 }
          } else {
            var i = oldIndex
            while i > insertAt { sample[i] = sample[i - 1]; i -= 1 }
          }
          sample[insertAt] = newVal
          let newNS = ns - w[Int(oldVal)] + w[Int(newVal)]
          let q2 = newNS > 0 ? 1.0 / newNS : 0
          let savedCand = (hasCand, candVal, candX, candY)
          if hasCand && oldVal == candVal { hasCand = false }
          if hasCand {
            if oldVal < candVal { candX += 1; candY -= w[Int(oldVal)] }
            if newVal < candVal { candX -= 1; candY += w[Int(newVal)] }
          }
          if hasCand && -q1 * Double(candX) + q2 * candY > bound {
            ns = newNS
            moves += 1
            continue
          }
          var curX = 0
          var curY = 0.0
          var last = -1
          var ok = false
          for pos32 in sample {
            let pos = Int(pos32)
            curY += w[pos]
            curX += pos - last - 1
            if q2 * curY - q1 * Double(curX) > bound {
              ok = true
              hasCand = true
              candVal = pos32
              candX = curX
              candY = curY
              break
            }
            last = pos
          }
          if ok {
            ns = newNS
            moves += 1
          } else {
            (hasCand, candVal, candX, candY) = savedCand
            // Undo: remove newVal at insertAt, put oldVal back at oldIndex.
            if oldIndex < lo {
              var i = insertAt
              while i > oldIndex { sample[i] = sample[i - 1]; i -= 1 }
            } else {
              var i = insertAt
              while i < oldIndex { sample[i] = sample[i + 1]; i += 1 }
            }
            sample[oldIndex] = oldVal
          }
        }
        return moves
      }
    }
  }
}
