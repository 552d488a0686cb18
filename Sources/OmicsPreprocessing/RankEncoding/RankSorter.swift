/// Orders a cell's genes by normalised value, descending, ties kept in input order.
///
/// Keys are order-preserving 64-bit images of the float64 values. The sort is an LSD radix sort
/// (8-bit digits, digits every key shares are skipped) on the key's high 32 bits packed with the
/// entry's position (`high32 << 32 | position`), so at most four passes move 8-byte words; runs whose
/// high 32 bits are equal are then put in full 64-bit order by a stable insertion sort. LSD radix
/// sorting is stable, so equal values keep the order they came in.
///
/// One sorter per worker thread; its scratch buffers grow to the longest cell and are reused.
struct RankSorter {
  private var packed: [UInt64] = []
  private var scratch: [UInt64] = []
  private var tokenCopy: [Int32] = []
  private var histogram = [Int](repeating: 0, count: 4 * 256)

  /// The sort key of `x` such that ascending keys = descending x (NaN never reaches here).
  @inline(__always)
  static func descendingKey(_ x: Double) -> UInt64 {
    let u = x.bitPattern
    let ordered = u >> 63 == 1 ? ~u : u | (1 << 63)
    return ~ordered
  }

  /// Sorts `keys[0..<n]` ascending (stable), permuting `tokens` alike; `keys` are left unspecified.
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
            h.update(repeating: 0)
            for i in 0..<n {
              let k = keys[i] >> 32
              p0[i] = k << 32 | UInt64(i)
              hp[Int(k & 0xFF)] &+= 1
              hp[256 &+ Int((k >> 8) & 0xFF)] &+= 1
              hp[512 &+ Int((k >> 16) & 0xFF)] &+= 1
              hp[768 &+ Int(k >> 24)] &+= 1
            }
            var src = p0, dst = s0
            for d in 0..<4 {
              let base = d * 256
              var trivial = false
              for b in 0..<256 where hp[base + b] != 0 {
                trivial = hp[base + b] == n
                break
              }
              if trivial { continue }
              var sum = 0
              for b in 0..<256 {
                let c = hp[base + b]
                hp[base + b] = sum
                sum += c
              }
              let shift = UInt64(32 + 8 * d)
              for i in 0..<n {
                let v = src[i]
                let b = base &+ Int((v >> shift) & 0xFF)
                let pos = hp[b]
                hp[b] = pos &+ 1
                dst[pos] = v
              }
              swap(&src, &dst)
            }
            // gather tokens and full keys in order; fix runs of equal high halves
            t0.update(from: tokens, count: n)
            for i in 0..<n { dst[i] = keys[i] }
            var runStart = 0
            var previousHigh = src[0] >> 32
            for i in 0..<n {
              let v = src[i]
              let position = Int(v & 0xFFFF_FFFF)
              tokens[i] = t0[position]
              keys[i] = dst[position]
              let high = v >> 32
              if high != previousHigh {
                if i - runStart > 1 { Self.insertionSort(keys: keys, tokens: tokens, from: runStart, to: i) }
                runStart = i
                previousHigh = high
              }
            }
            if n - runStart > 1 { Self.insertionSort(keys: keys, tokens: tokens, from: runStart, to: n) }
          }
        }
      }
    }
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
