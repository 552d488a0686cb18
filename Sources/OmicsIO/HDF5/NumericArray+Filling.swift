import OmicsCore

extension NumericArray {
  /// A new array of `count` values of `scalar` type whose bytes are written by `fill` into an
  /// uninitialized buffer (advised to use huge pages when large). Bools are filled as int8 0/1.
  static func filling(
    _ scalar: ScalarType, count: Int, _ fill: (UnsafeMutableRawPointer?) throws -> Void
  ) throws -> NumericArray {
    func make<T>(_: T.Type) throws -> [T] {
      try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        let base = buffer.baseAddress.map { UnsafeMutableRawPointer($0) }
        if let base { LargeBuffer.adviseHugePages(base, byteCount: count * MemoryLayout<T>.stride) }
        try fill(base)
        initialized = count
      }
    }
    switch scalar {
    case .bool: return .bool(try make(Int8.self).map { $0 != 0 })
    case .int8: return .int8(try make(Int8.self))
    case .int16: return .int16(try make(Int16.self))
    case .int32: return .int32(try make(Int32.self))
    case .int64: return .int64(try make(Int64.self))
    case .uint8: return .uint8(try make(UInt8.self))
    case .uint16: return .uint16(try make(UInt16.self))
    case .uint32: return .uint32(try make(UInt32.self))
    case .uint64: return .uint64(try make(UInt64.self))
    case .float32: return .float32(try make(Float.self))
    case .float64: return .float64(try make(Double.self))
    }
  }
}
