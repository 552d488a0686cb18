/// Order statistics on raw buffers: the median by quickselect (introselect-free Hoare partition
/// with median-of-three pivots), in place, O(n) expected, no allocation.
enum Selection {
  /// The k-th smallest value (0-based) of `v`, partially reordering `v`.
  @inline(__always)
  static func select(_ v: UnsafeMutablePointer<Double>, _ count: Int, _ k: Int) -> Double {
    var lo = 0
    var hi = count - 1
    while hi > lo {
      if hi - lo < 16 {
        // insertion sort of the small range
        var i = lo + 1
        while i <= hi {
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
      let mid = lo + (hi - lo) / 2
      // median of three into v[mid]
      if v[mid] < v[lo] { v.swapAt(mid, lo) }
      if v[hi] < v[lo] { v.swapAt(hi, lo) }
      if v[hi] < v[mid] { v.swapAt(hi, mid) }
      let pivot = v[mid]
      var i = lo
      var j = hi
      while i <= j {
        while v[i] < pivot { i += 1 }
        while v[j] > pivot { j -= 1 }
        if i <= j {
          v.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      if k <= j {
        hi = j
      } else if k >= i {
        lo = i
      } else {
        return v[k]
      }
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
