/// Builds CSR arrays from (major, minor, value) triplets (internal to the Matrix Market reader).
///
/// Within each row the column indices come out sorted and duplicate coordinates are summed in file
/// order, as scipy's `coo_matrix.tocsr()` does. Explicit zeros are kept. Triplets already sorted by
/// (row, column) without duplicates — what Cell Ranger writes once transposed — are adopted without
/// scattering.
enum SparseAssembler {
  static func csr<T: TextReaderFloat>(
    _ chunks: inout [CoordinateChunk<T>], majorCount: Int
  ) -> (indptr: [Int64], indices: [Int32], values: [T]) {
    var counts = [Int64](repeating: 0, count: majorCount + 1)
    var sorted = true
    var previousMajor: Int32 = -1
    var previousMinor: Int32 = -1
    var total = 0
    for chunk in chunks {
      total += chunk.major.count
      chunk.major.withUnsafeBufferPointer { major in
        chunk.minor.withUnsafeBufferPointer { minor in
          for k in 0..<major.count {
            let m = major[k]
            counts[Int(m) + 1] += 1
            if sorted {
              if m < previousMajor || (m == previousMajor && minor[k] <= previousMinor) { sorted = false }
              previousMajor = m
              previousMinor = minor[k]
            }
          }
        }
      }
    }
    for i in 0..<majorCount { counts[i + 1] += counts[i] }
    if sorted {
      if chunks.count == 1 {
        let indices = chunks[0].minor
        let values = chunks[0].values
        chunks.removeAll()
        return (counts, indices, values)
      }
      var indices: [Int32] = []
      var values: [T] = []
      indices.reserveCapacity(total)
      values.reserveCapacity(total)
      for k in chunks.indices {
        indices.append(contentsOf: chunks[k].minor)
        values.append(contentsOf: chunks[k].values)
        chunks[k] = CoordinateChunk<T>()
      }
      chunks.removeAll()
      return (counts, indices, values)
    }

    // Scatter rows in file order (stable), then sort and merge within rows that need it.
    var indices = [Int32](repeating: 0, count: total)
    var values = [T](repeating: 0, count: total)
    var next = counts
    for k in chunks.indices {
      let chunk = chunks[k]
      for e in 0..<chunk.major.count {
        let m = Int(chunk.major[e])
        let slot = Int(next[m])
        next[m] += 1
        indices[slot] = chunk.minor[e]
        values[slot] = chunk.values[e]
      }
      chunks[k] = CoordinateChunk<T>()
    }
    chunks.removeAll()

    var indptr = [Int64](repeating: 0, count: majorCount + 1)
    var write = 0
    var scratch: [(index: Int32, position: Int)] = []
    for row in 0..<majorCount {
      let lo = Int(counts[row])
      let hi = Int(counts[row + 1])
      var increasing = true
      if hi - lo > 1 {
        for k in (lo + 1)..<hi where indices[k] <= indices[k - 1] {
          increasing = false
          break
        }
      }
      if increasing {
        if write != lo {
          for k in lo..<hi {
            indices[write + k - lo] = indices[k]
            values[write + k - lo] = values[k]
          }
        }
        write += hi - lo
      } else {
        scratch.removeAll(keepingCapacity: true)
        for k in lo..<hi { scratch.append((indices[k], k)) }
        scratch.sort { $0.index != $1.index ? $0.index < $1.index : $0.position < $1.position }
        let rowValues = Array(values[lo..<hi])
        var last: Int32 = -1
        for item in scratch {
          let v = rowValues[item.position - lo]
          if item.index == last {
            values[write - 1] += v
          } else {
            indices[write] = item.index
            values[write] = v
            write += 1
            last = item.index
          }
        }
      }
      indptr[row + 1] = Int64(write)
    }
    if write < total {
      indices.removeSubrange(write...)
      values.removeSubrange(write...)
    }
    return (indptr, indices, values)
  }
}
