/// Order statistics on raw buffers: the median by quickselect (branchless Lomuto partitions with
/// median-of-three pivots), in place, O(n) expected, no allocation.
enum Selection {
  /// The k-th smallest value (0-based) of `v`, partially reordering `v` so that every value before
  /// position k is ≤ it. Branchless Lomuto partitions (a comparison result is added to the store
  /// index instead of branching on it), which on random data is 2–3× faster than Hoare's scheme.
  @inline(__always)
  static func select(_ v: UnsafeMutablePointer<Double>, _ count: Int, _ k: Int) -> Double {
    var lo = 0
    var hi = count  // half-open range still to search
    while hi - lo > 16 {
      let mid = lo + (hi - lo) / 2
      let last = hi - 1
      // median of three as pivot, moved to lo
      if v[mid] < v[lo] { v.swapAt(mid, lo) }
      if v[last] < v[lo] { v.swapAt(last, lo) }
      if v[last] < v[mid] { v.swapAt(last, mid) }
      v.swapAt(lo, mid)
      let pivot = v[lo]
      var store = lo + 1
      var i = lo + 1
      while i < hi {
        let x = v[i]
        v[i] = v[store]
        v[store] = x
        store &+= x < pivot ? 1 : 0
        i += 1
      }
      let p = store - 1
      v.swapAt(lo, p)
      if k == p { return pivot }
      if k < p {
        hi = p
        continue
      }
      if p - lo < (hi - lo) / 8 {
        // lopsided split, typically many copies of the pivot (zeros of sparse data): gather the
        // values equal to the pivot right after it so they leave the range in one pass
        var equal = p + 1
        var j = p + 1
        while j < hi {
          let x = v[j]
          v[j] = v[equal]
          v[equal] = x
          equal &+= x <= pivot ? 1 : 0
          j += 1
        }
        if k < equal { return pivot }
        lo = equal
      } else {
        lo = p + 1
      }
    }
    // insertion sort of the small remainder
    var i = lo + 1
    while i < hi {
      let x = v[i]
      var j = i - 1
      while j >= lo && v[j] > x {
        v[j + 1] = v[j]
        j -= 1
      }
      v[j + 1] = x
      i += 1
    }
    return v[k]
  }

  /// The median of `count` values (mean of the two middle ones when `count` is even, as numpy),
  /// reordering the buffer. NaN for an empty buffer.
  @inline(__always)
  static func median(_ v: UnsafeMutablePointer<Double>, _ count: Int) -> Double {
    if count == 0 { return .nan }
    let half = count / 2
    let upper = select(v, count, half)
    if count % 2 == 1 { return upper }
    // after selection every value below position `half` is <= upper: the lower middle is their maximum
    var lower = v[0]
    var i = 1
    while i < half {
      if v[i] > lower { lower = v[i] }
      i += 1
    }
    return (lower + upper) / 2
  }
}

extension UnsafeMutablePointer where Pointee == Double {
  @inline(__always)
  fileprivate func swapAt(_ a: Int, _ b: Int) {
    let t = self[a]
    self[a] = self[b]
    self[b] = t
  }
}
