/// Orders a cell's genes by normalised value, descending, ties kept in input order: an LSD radix
/// sort (8-bit digits, passes where every key shares the digit are skipped) on order-preserving
/// 64-bit keys, carrying the token ids along. Stable, so equal values keep the order they came in.
///
/// One sorter per worker thread; its scratch buffers grow to the longest cell and are reused.
struct RankSorter {
  private var keysB: [UInt64] = []
  private var tokensB: [Int32] = []
  private var histogram = [Int](repeating: 0, count: 8 * 256)

  /// The sort key of `x` such that ascending keys = descending x (NaN never reaches here).
  @inline(__always)
  static func descendingKey(_ x: Double) -> UInt64 {
    let u = x.bitPattern
    let ordered = u >> 63 == 1 ? ~u : u | (1 << 63)
    return ~ordered
  }

  /// Sorts `keys[0..<n]` ascending, permuting `tokens` alike.
  mutating func sort(keys: UnsafeMutablePointer<UInt64>, tokens: UnsafeMutablePointer<Int32>, count n: Int) {
    if n < 2 { return }
    if n <= 32 {
      // insertion sort (stable)
      for i in 1..<n {
        let k = keys[i], t = tokens[i]
        var j = i - 1
        while j >= 0 && keys[j] > k {
          keys[j + 1] = keys[j]
          tokens[j + 1] = tokens[j]
          j -= 1
        }
        keys[j + 1] = k
        tokens[j + 1] = t
      }
      return
    }
    if keysB.count < n {
      keysB = [UInt64](repeating: 0, count: n * 2)
      tokensB = [Int32](repeating: 0, count: n * 2)
    }
    histogram.withUnsafeMutableBufferPointer { h in
      h.update(repeating: 0)
      for i in 0..<n {
        var k = keys[i]
        for d in 0..<8 {
          h[d &* 256 &+ Int(k & 0xFF)] &+= 1
          k >>= 8
        }
      }
      keysB.withUnsafeMutableBufferPointer { kb in
        tokensB.withUnsafeMutableBufferPointer { tb in
          guard let kbBase = kb.baseAddress, let tbBase = tb.baseAddress else { return }
          var srcK = keys, srcT = tokens, dstK = kbBase, dstT = tbBase
          var swapped = false
          for d in 0..<8 {
            let base = d * 256
            // skip a digit every key shares
            var trivial = false
            for b in 0..<256 where h[base + b] != 0 {
              trivial = h[base + b] == n
              break
            }
            if trivial { continue }
            var sum = 0
            for b in 0..<256 {
              let c = h[base + b]
              h[base + b] = sum
              sum += c
            }
            let shift = UInt64(8 * d)
            for i in 0..<n {
              let k = srcK[i]
              let b = base + Int((k >> shift) & 0xFF)
              let pos = h[b]
              h[b] = pos + 1
              dstK[pos] = k
              dstT[pos] = srcT[i]
            }
            swap(&srcK, &dstK)
            swap(&srcT, &dstT)
            swapped.toggle()
          }
          if swapped {
            keys.update(from: srcK, count: n)
            tokens.update(from: srcT, count: n)
          }
        }
      }
    }
  }
}
