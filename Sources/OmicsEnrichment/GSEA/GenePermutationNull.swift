import Dispatch

/// The gene-permutation null of preranked GSEA, computed as fgsea's `fgseaSimple` does: each
/// permutation draws one random gene sample of size K = the largest set size, and the random set
/// of size k is its first k genes, so every set size gets one null ES per permutation and sets of
/// equal size share it.
///
/// Work is split into fixed blocks of permutations; permutation `i` uses its own random stream
/// (`SeededGenerator(seed:stream: i)`), and block results are combined in block order, so a seed
/// gives the same numbers whatever the thread count. The hot loop works on unsafe buffers and
/// allocates nothing per permutation: the sample is kept sorted by binary insertion, and the ES
/// of each needed prefix is one O(k) pass over it.
public struct GenePermutationNull: Sendable {
  /// fgsea's per-set counters.
  public struct Counts: Sendable, Equatable {
    /// Null ES ≤ observed ES.
    public var leEs = 0
    /// Null ES ≥ observed ES.
    public var geEs = 0
    /// Null ES ≤ 0.
    public var leZero = 0
    /// Null ES ≥ 0.
    public var geZero = 0
    /// Sum of null ES ≤ 0.
    public var leZeroSum = 0.0
    /// Sum of null ES ≥ 0.
    public var geZeroSum = 0.0
  }

  /// Counters per set, aligned with the input sets.
  public var counts: [Counts]
  /// The number of permutations.
  public var permutations: Int
  /// When requested: the null ES of every set, `null[set][permutation]`.
  public var nullScores: [[Double]]?

  /// Permutations per block (the unit of work and of deterministic reduction).
  static let blockSize = 128

  /// Runs `permutations` gene permutations for sets of the given `sizes` with observed `es`.
  public static func run(
    weights: [Double], sizes: [Int], es: [Double], permutations: Int, seed: UInt64, threads: Int,
    keepNullScores: Bool = false
  ) -> GenePermutationNull {
    let n = weights.count
    let m = sizes.count
    guard m > 0, permutations > 0 else {
      return GenePermutationNull(counts: Array(repeating: Counts(), count: m), permutations: permutations,
        nullScores: keepNullScores ? Array(repeating: [], count: m) : nil)
    }
    let distinct = Array(Set(sizes)).sorted()
    var sizeIndex: [Int: Int] = [:]
    for (i, s) in distinct.enumerated() { sizeIndex[s] = i }
    let setSize = sizes.map { sizeIndex[$0] ?? 0 }
    // Sets grouped by size index (CSR) for the counter updates.
    var groupStart = [Int](repeating: 0, count: distinct.count + 1)
    for si in setSize { groupStart[si + 1] += 1 }
    for i in 0..<distinct.count { groupStart[i + 1] += groupStart[i] }
    var fill = groupStart
    var groupSets = [Int](repeating: 0, count: m)
    for (set, si) in setSize.enumerated() { groupSets[fill[si]] = set; fill[si] += 1 }
    let maxSize = distinct.last ?? 0
    let d = distinct.count
    let blocks = (permutations + blockSize - 1) / blockSize
    let workers = max(1, min(threads, blocks))

    // Per block and size: leZero, geZero, leZeroSum, geZeroSum. Per worker and set: leEs, geEs.
    let sizeInts = UnsafeMutablePointer<Int>.allocate(capacity: blocks * d * 2)
    sizeInts.initialize(repeating: 0, count: blocks * d * 2)
    let sizeSums = UnsafeMutablePointer<Double>.allocate(capacity: blocks * d * 2)
    sizeSums.initialize(repeating: 0, count: blocks * d * 2)
    let setInts = UnsafeMutablePointer<Int>.allocate(capacity: workers * m * 2)
    setInts.initialize(repeating: 0, count: workers * m * 2)
    let nullBySize: UnsafeMutablePointer<Double>? = keepNullScores ? .allocate(capacity: d * permutations) : nil
    defer {
      sizeInts.deallocate(); sizeSums.deallocate(); setInts.deallocate(); nullBySize?.deallocate()
    }
    let box = UnsafeSendable(sizeInts: sizeInts, sizeSums: sizeSums, setInts: setInts, nullBySize: nullBySize)

    weights.withUnsafeBufferPointer { wBuf in
      distinct.withUnsafeBufferPointer { sizesBuf in
        es.withUnsafeBufferPointer { esBuf in
          groupStart.withUnsafeBufferPointer { gStart in
            groupSets.withUnsafeBufferPointer { gSets in
              let w = UnsafeSendablePointer(wBuf.baseAddress!)
              let sz = UnsafeSendablePointer(sizesBuf.baseAddress!)
              let ep = UnsafeSendablePointer(esBuf.baseAddress!)
              let gs = UnsafeSendablePointer(gStart.baseAddress!)
              let gm = UnsafeSendablePointer(gSets.baseAddress!)
              DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let stamp = UnsafeMutablePointer<Int32>.allocate(capacity: n)
                stamp.initialize(repeating: -1, count: n)
                let sorted = UnsafeMutablePointer<Int32>.allocate(capacity: max(maxSize, 1))
                defer { stamp.deallocate(); sorted.deallocate() }
                let myLe = box.setInts + worker * m * 2
                let myGe = myLe + m
                var block = worker
                while block < blocks {
                  let ints = box.sizeInts + block * d * 2
                  let sums = box.sizeSums + block * d * 2
                  let first = block * blockSize
                  let last = min(permutations, first + blockSize)
                  for perm in first..<last {
                    var rng = SeededGenerator(seed: seed, stream: UInt64(perm))
                    let mark = Int32(truncatingIfNeeded: perm)
                    var count = 0
                    var next = 0
                    while next < d {
                      let target = sz.p[next]
                      while count < target {
                        let candidate = rng.below(n)
                        if stamp[candidate] == mark { continue }
                        stamp[candidate] = mark
                        // Binary insertion into the sorted prefix.
                        let value = Int32(candidate)
                        var lo = 0
                        var hi = count
                        while lo < hi {
                          let mid = (lo + hi) >> 1
                          if sorted[mid] < value { lo = mid + 1 } else { hi = mid }
                        }
                        if lo < count { (sorted + lo + 1).update(from: sorted + lo, count: count - lo) }
                        sorted[lo] = value
                        count += 1
                      }
                      let v = EnrichmentScore.value(positions: sorted, count: count, weights: w.p, geneCount: n)
                      if v <= 0 { ints[next * 2] += 1; sums[next * 2] += v }
                      if v >= 0 { ints[next * 2 + 1] += 1; sums[next * 2 + 1] += v }
                      if let store = box.nullBySize { store[next * permutations + perm] = v }
                      for g in gs.p[next]..<gs.p[next + 1] {
                        let set = gm.p[g]
                        let observed = ep.p[set]
                        if v <= observed { myLe[set] += 1 }
                        if v >= observed { myGe[set] += 1 }
                      }
                      next += 1
                    }
                  }
                  block += workers
                }
              }
            }
          }
        }
      }
    }

    var counts = Array(repeating: Counts(), count: m)
    for set in 0..<m {
      let si = setSize[set]
      var c = Counts()
      for worker in 0..<workers {
        c.leEs += setInts[worker * m * 2 + set]
        c.geEs += setInts[worker * m * 2 + m + set]
      }
      for block in 0..<blocks {
        let base = block * d * 2 + si * 2
        c.leZero += sizeInts[base]
        c.geZero += sizeInts[base + 1]
        c.leZeroSum += sizeSums[base]
        c.geZeroSum += sizeSums[base + 1]
      }
      counts[set] = c
    }
    var nullScores: [[Double]]? = nil
    if let store = nullBySize {
      nullScores = setSize.map { si in Array(UnsafeBufferPointer(start: store + si * permutations, count: permutations)) }
    }
    return GenePermutationNull(counts: counts, permutations: permutations, nullScores: nullScores)
  }
}

/// Raw pointers shared by the workers; each writes disjoint slots.
struct UnsafeSendable: @unchecked Sendable {
  let sizeInts: UnsafeMutablePointer<Int>
  let sizeSums: UnsafeMutablePointer<Double>
  let setInts: UnsafeMutablePointer<Int>
  let nullBySize: UnsafeMutablePointer<Double>?
}

/// A read-only pointer handed to worker threads.
struct UnsafeSendablePointer<T>: @unchecked Sendable {
  let p: UnsafePointer<T>
  init(_ p: UnsafePointer<T>) { self.p = p }
}
