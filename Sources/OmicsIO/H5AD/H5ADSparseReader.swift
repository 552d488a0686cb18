import OmicsCore

/// Reads a CSR/CSC group (`data`, `indices`, `indptr`, shape attribute) and checks its structure.
struct H5ADSparseReader {
  var progress: ProgressBar?

  func read(_ g: HDF5Group, layout: SparseLayout) throws -> SparseMatrix {
    let shape = try readShape(g)
    let rows = shape.0, cols = shape.1
    let dataNode = try g.dataset("data")
    let indicesNode = try g.dataset("indices")
    let indptrNode = try g.dataset("indptr")
    let major = layout == .csr ? rows : cols
    let minor = layout == .csr ? cols : rows
    guard indptrNode.shape?.count == 1, indptrNode.count == major + 1 else {
      throw indptrNode.error("indptr has \(indptrNode.count) entries, expected \(major + 1) for a \(rows) × \(cols) \(layout.rawValue) matrix")
    }
    guard indicesNode.count == dataNode.count else {
      throw g.error("data has \(dataNode.count) values but indices has \(indicesNode.count)")
    }
    guard minor <= Int(Int32.max) else { throw g.error("minor dimension \(minor) exceeds 2^31-1") }
    let indptr = try int64Array(try indptrNode.readNumbers(), at: indptrNode)
    try checkIndptr(indptr, nnz: indicesNode.count, at: indptrNode)
    let data = try dataNode.readNumbers(progress: progress)
    let indices = try int32Indices(try indicesNode.readNumbers(progress: progress), minor: minor, at: indicesNode)
    return SparseMatrix(layout: layout, rows: rows, cols: cols, indptr: indptr, indices: indices, data: data)
  }

  func readShape(_ g: HDF5Group) throws -> (Int, Int) {
    let value = try g.attribute("shape") ?? g.attribute("h5sparse_shape")
    guard case .numbers(let n, _) = value, n.count == 2, let r = n.int64(at: 0), let c = n.int64(at: 1), r >= 0, c >= 0
    else { throw g.error("sparse matrix has no valid shape attribute (two non-negative integers)") }
    return (Int(r), Int(c))
  }

  func int64Array(_ numbers: NumericArray, at d: HDF5Dataset) throws -> [Int64] {
    switch numbers {
    case .int64(let a): return a
    case .int32(let a): return a.map(Int64.init)
    case .uint32(let a): return a.map(Int64.init)
    case .uint64(let a):
      return try a.map { v in
        guard let x = Int64(exactly: v) else { throw d.error("indptr value \(v) is too large") }
        return x
      }
    default:
      guard numbers.scalarType.isInteger else { throw d.error("indptr must hold integers, found \(numbers.scalarType.rawValue)") }
      return (0..<numbers.count).map { numbers.int64(at: $0) ?? 0 }
    }
  }

  func checkIndptr(_ indptr: [Int64], nnz: Int, at d: HDF5Dataset) throws {
    guard indptr.first == 0 else { throw d.error("indptr must start at 0, found \(indptr.first ?? -1)") }
    var previous: Int64 = 0
    for (i, p) in indptr.enumerated() {
      if p < previous { throw d.error("indptr is not monotonic at position \(i) (\(p) after \(previous))") }
      previous = p
    }
    guard previous == Int64(nnz) else { throw d.error("indptr ends at \(previous) but there are \(nnz) stored values") }
  }

  /// Converts indices of any integer width to Int32, checking each is inside `0..<minor`.
  func int32Indices(_ numbers: NumericArray, minor: Int, at d: HDF5Dataset) throws -> [Int32] {
    let limit = Int64(minor)
    func failure(_ i: Int, _ v: Int64) -> OmicsError {
      d.error("index \(v) at position \(i) is out of range 0..<\(minor)")
    }
    switch numbers {
    case .int32(let a):
      // Branch-free scan (vectorizes); the failing position is looked up only when something is wrong.
      let anyBad = a.withUnsafeBufferPointer { b -> Bool in
        let limit = UInt32(minor)
        var flag: UInt8 = 0
        for v in b { flag |= UInt32(bitPattern: v) >= limit ? 1 : 0 }
        return flag != 0
      }
      let bad = anyBad ? a.firstIndex { $0 < 0 || Int($0) >= minor } : nil
      if let bad { throw failure(bad, Int64(a[bad])) }
      return a
    case .int64(let a):
      var out = [Int32](repeating: 0, count: a.count)
      for i in 0..<a.count {
        let v = a[i]
        if v < 0 || v >= limit { throw failure(i, v) }
        out[i] = Int32(truncatingIfNeeded: v)
      }
      return out
    default:
      guard numbers.scalarType.isInteger else { throw d.error("indices must be integers, found \(numbers.scalarType.rawValue)") }
      var out = [Int32](repeating: 0, count: numbers.count)
      for i in 0..<numbers.count {
        guard let v = numbers.int64(at: i), v >= 0, v < limit else {
          throw d.error("index \(numbers.double(at: i)) at position \(i) is out of range 0..<\(minor)")
        }
        out[i] = Int32(truncatingIfNeeded: v)
      }
      return out
    }
  }
}
