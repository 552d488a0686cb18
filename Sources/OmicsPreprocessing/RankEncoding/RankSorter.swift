/// Orders a cell's genes by normalised value, descending, ties kept in input order.
///
/// Keys are order-preserving 64-bit images of the float64 values. The sort is an LSD radix sort on
/// the key's high 32 bits less the cell's smallest high half, packed with the entry's position
/// (`(high32 − min) << 32 | position`): 8-bit digits over the offset's significant bits when there
/// are ≤ 16 of them, else two 11-bit digits over the top 22 (cells of ≥ 1,024 values) or three
/// 8-bit digits over the top 24 (a digit every key shares is skipped). Runs of entries equal in the sorted bits are then put in full
/// 64-bit order: exact ties are already in order, short runs get a stable insertion sort, long ones
/// a comparison sort on (key, position). LSD radix sorting is stable, so equal values keep the
/// order they came in.
///
/// One sorter per worker thread; its scratch buffers grow to the longest cell and are reused.
struct RankSorter {
  private var packed: [UInt64] = []
  private var scratch: [UInt64] = []
  private var tokenCopy: [Int32] = []
  private var histogram = [UInt32](repeating: 0, count: 2 * 2048)  // or 3 × 256

  /// The sort key of `x` such that ascending keys = descending x (NaN never reaches here).
  @inline(__always)
  static func descendingKey(_ x: Double) -> UInt64 {
    let u = x.bitPattern
    let ordered = u >> 63 == 1 ? ~u : u | (1 << 63)
    return ~ordered
  }

  /// Sorts `keys[0..<n]` ascending (stable), permuting `tokens` alike; `keys` are left unspecified
  /// (only `tokens` come out in order).
  mutating func sort(keys: UnsafeMutablePointer<UInt64>, tokens: UnsafeMutablePointer<Int32>, count n: Int) {
    if n < 2 { return }
    if n <= 24 {
      Self.insertionSort(keys: keys, tokens: tokens, from: 0, to: n)
      return
    }
    if packed.count < n {
      packed = [UInt64](repeating: 0, count: n * 2)
      scratch = [UInt64](repeating: 0, count: n * 2)
      tokenCopy = [Int32](repeating: 0, count: n * 2)
    }
    packed.withUnsafeMutableBufferPointer { pb in
      scratch.withUnsafeMutableBufferPointer { sb in
        tokenCopy.withUnsafeMutableBufferPointer { tb in
          histogram.withUnsafeMutableBufferPointer { h in
            guard let p0 = pb.baseAddress, let s0 = sb.baseAddress, let t0 = tb.baseAddress, let hp = h.baseAddress else { return }
            // pack (high half − smallest high half) | position
            var lowest = UInt64.max, highest: UInt64 = 0
            for i in 0..<n {
              let k = keys[i] >> 32
              lowest = min(lowest, k)
              highest = max(highest, k)
            }
            for i in 0..<n { p0[i] = (keys[i] >> 32 &- lowest) << 32 | UInt64(i) }
            // radix on the highest bits of that offset: all of them when ≤ 16 (8-bit digits); else
            // the top 22 (two 11-bit digits) for long cells, the top 24 (three 8-bit digits) for
            // short ones, whose histograms would cost more than the extra pass
            let bits = 64 - (highest &- lowest).leadingZeroBitCount
            let digitBits = bits <= 16 || n < 1024 ? 8 : 11
            let digits = bits <= 16 ? 2 : (digitBits == 8 ? 3 : 2)
            let low = max(0, bits - digits * digitBits)
            let mask = UInt64(1 << digitBits - 1)
            let buckets = 1 << digitBits
            let shift0 = UInt64(32 + low), shift1 = shift0 + UInt64(digitBits), shift2 = shift1 + UInt64(digitBits)
            var src = p0, dst = s0
            if bits > 0 {
              for b in 0..<(digits * buckets) { hp[b] = 0 }
              if digits == 2 {
                for i in 0..<n {
                  let v = p0[i]
                  hp[Int((v >> shift0) & mask)] &+= 1
                  hp[buckets &+ Int((v >> shift1) & mask)] &+= 1
                }
              } else {
                for i in 0..<n {
                  let v = p0[i]
                  hp[Int((v >> shift0) & mask)] &+= 1
                  hp[buckets &+ Int((v >> shift1) & mask)] &+= 1
                  hp[2 &* buckets &+ Int((v >> shift2) & mask)] &+= 1
                }
              }
              for d in 0..<digits {
                let base = d * buckets
                var trivial = false
                for b in 0..<buckets where hp[base + b] != 0 {
                  trivial = Int(hp[base + b]) == n
                  break
                }
                if trivial { continue }
                var sum: UInt32 = 0
                for b in 0..<buckets {
                  let c = hp[base + b]
                  hp[base + b] = sum
                  sum += c
                }
                let shift = d == 0 ? shift0 : (d == 1 ? shift1 : shift2)
                for i in 0..<n {
                  let v = src[i]
                  let b = base &+ Int((v >> shift) & mask)
                  let pos = Int(hp[b])
                  hp[b] = UInt32(truncatingIfNeeded: pos &+ 1)
                  dst[pos] = v
                }
                swap(&src, &dst)
              }
            }
            // gather tokens in order; entries whose radix bits are equal form runs (in input
            // order), which are put in full 64-bit key order (their keys are fetched only then)
            t0.update(from: tokens, count: n)
            var runStart = 0
            let runShift = shift0
            var previousRun = src[0] >> runShift
            for i in 0..<n {
              let v = src[i]
              tokens[i] = t0[Int(v & 0xFFFF_FFFF)]
              let run = v >> runShift
              if run != previousRun {
                if i - runStart > 1 { Self.finishRun(src, keys, dst, tokens, from: runStart, to: i) }
                runStart = i
                previousRun = run
              }
            }
            if n - runStart > 1 { Self.finishRun(src, keys, dst, tokens, from: runStart, to: n) }
          }
        }
      }
    }
  }

  /// Puts the run `from..<to` (entries in input order; positions in `packed`'s low halves) in
  /// stable full-key order: nothing to do when already ordered (exact ties), else the run's keys
  /// are copied to `scratch` and sorted with the tokens — insertion sort for short runs, a
  /// comparison sort on (key, position) for long ones.
  private static func finishRun(
    _ packed: UnsafeMutablePointer<UInt64>, _ keys: UnsafeMutablePointer<UInt64>, _ scratch: UnsafeMutablePointer<UInt64>,
    _ tokens: UnsafeMutablePointer<Int32>, from: Int, to: Int
  ) {
    var ordered = true
    var previous = keys[Int(packed[from] & 0xFFFF_FFFF)]
    scratch[from] = previous
    for i in (from + 1)..<to {
      let k = keys[Int(packed[i] & 0xFFFF_FFFF)]
      scratch[i] = k
      if previous > k { ordered = false }
      previous = k
    }
    if ordered { return }
    if to - from <= 48 {
      insertionSort(keys: scratch, tokens: tokens, from: from, to: to)
      return
    }
    var entries = (from..<to).map { (key: scratch[$0], position: $0, token: tokens[$0]) }
    entries.sort { $0.key < $1.key || ($0.key == $1.key && $0.position < $1.position) }
    for (j, e) in entries.enumerated() { tokens[from + j] = e.token }
  }

  @inline(__always)
  private static func insertionSort(keys: UnsafeMutablePointer<UInt64>, tokens: UnsafeMutablePointer<Int32>, from: Int, to: Int) {
    var i = from + 1
    while i < to {
      let k = keys[i], t = tokens[i]
      var j = i - 1
      while j >= from && keys[j] > k {
        keys[j + 1] = keys[j]
        tokens[j + 1] = tokens[j]
        j -= 1
      }
      keys[j + 1] = k
      tokens[j + 1] = t
      i += 1
    }
  }
}
