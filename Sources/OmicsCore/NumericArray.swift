/// A flat buffer of numbers of one `ScalarType`, kept in the type it was read with so that
/// writing it back is lossless.
///
/// Equality is value equality except that NaN equals NaN, so a matrix read back after writing
/// compares equal to the original (missing values in float columns are NaN).
public enum NumericArray: Sendable, Equatable {
  case bool([Bool])
  case int8([Int8])
  case int16([Int16])
  case int32([Int32])
  case int64([Int64])
  case uint8([UInt8])
  case uint16([UInt16])
  case uint32([UInt32])
  case uint64([UInt64])
  case float32([Float])
  case float64([Double])

  public var scalarType: ScalarType {
    switch self {
    case .bool: return .bool
    case .int8: return .int8
    case .int16: return .int16
    case .int32: return .int32
    case .int64: return .int64
    case .uint8: return .uint8
    case .uint16: return .uint16
    case .uint32: return .uint32
    case .uint64: return .uint64
    case .float32: return .float32
    case .float64: return .float64
    }
  }

  public var count: Int {
    switch self {
    case .bool(let a): return a.count
    case .int8(let a): return a.count
    case .int16(let a): return a.count
    case .int32(let a): return a.count
    case .int64(let a): return a.count
    case .uint8(let a): return a.count
    case .uint16(let a): return a.count
    case .uint32(let a): return a.count
    case .uint64(let a): return a.count
    case .float32(let a): return a.count
    case .float64(let a): return a.count
    }
  }

  /// Bytes held in memory by the values.
  public var byteCount: Int { count * scalarType.byteWidth }

  /// The value at `i` as a Double (bools as 0/1).
  public func double(at i: Int) -> Double {
    switch self {
    case .bool(let a): return a[i] ? 1 : 0
    case .int8(let a): return Double(a[i])
    case .int16(let a): return Double(a[i])
    case .int32(let a): return Double(a[i])
    case .int64(let a): return Double(a[i])
    case .uint8(let a): return Double(a[i])
    case .uint16(let a): return Double(a[i])
    case .uint32(let a): return Double(a[i])
    case .uint64(let a): return Double(a[i])
    case .float32(let a): return Double(a[i])
    case .float64(let a): return a[i]
    }
  }

  /// The value at `i` as an Int64 when it is integral (floats are truncated only if exact), else nil.
  public func int64(at i: Int) -> Int64? {
    switch self {
    case .bool(let a): return a[i] ? 1 : 0
    case .int8(let a): return Int64(a[i])
    case .int16(let a): return Int64(a[i])
    case .int32(let a): return Int64(a[i])
    case .int64(let a): return a[i]
    case .uint8(let a): return Int64(a[i])
    case .uint16(let a): return Int64(a[i])
    case .uint32(let a): return Int64(a[i])
    case .uint64(let a): return Int64(exactly: a[i])
    case .float32(let a): return Int64(exactly: a[i])
    case .float64(let a): return Int64(exactly: a[i])
    }
  }

  /// All values converted to Double.
  public func doubles() -> [Double] {
    switch self {
    case .float64(let a): return a
    case .float32(let a): return a.map(Double.init)
    default: return (0..<count).map { double(at: $0) }
    }
  }

  /// All values converted to Float.
  public func floats() -> [Float] {
    switch self {
    case .float32(let a): return a
    case .float64(let a): return a.map(Float.init)
    default: return (0..<count).map { Float(double(at: $0)) }
    }
  }

  /// An empty array of the given type.
  public static func empty(_ type: ScalarType) -> NumericArray {
    switch type {
    case .bool: return .bool([])
    case .int8: return .int8([])
    case .int16: return .int16([])
    case .int32: return .int32([])
    case .int64: return .int64([])
    case .uint8: return .uint8([])
    case .uint16: return .uint16([])
    case .uint32: return .uint32([])
    case .uint64: return .uint64([])
    case .float32: return .float32([])
    case .float64: return .float64([])
    }
  }

  /// The values at `positions`, in that order, keeping the type.
  public func gathered(_ positions: [Int]) -> NumericArray {
    switch self {
    case .bool(let a): return .bool(positions.map { a[$0] })
    case .int8(let a): return .int8(positions.map { a[$0] })
    case .int16(let a): return .int16(positions.map { a[$0] })
    case .int32(let a): return .int32(positions.map { a[$0] })
    case .int64(let a): return .int64(positions.map { a[$0] })
    case .uint8(let a): return .uint8(positions.map { a[$0] })
    case .uint16(let a): return .uint16(positions.map { a[$0] })
    case .uint32(let a): return .uint32(positions.map { a[$0] })
    case .uint64(let a): return .uint64(positions.map { a[$0] })
    case .float32(let a): return .float32(positions.map { a[$0] })
    case .float64(let a): return .float64(positions.map { a[$0] })
    }
  }

  public static func == (a: NumericArray, b: NumericArray) -> Bool {
    switch (a, b) {
    case (.float32(let x), .float32(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    case (.float64(let x), .float64(let y)):
      return x.count == y.count && zip(x, y).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
    case (.bool(let x), .bool(let y)): return x == y
    case (.int8(let x), .int8(let y)): return x == y
    case (.int16(let x), .int16(let y)): return x == y
    case (.int32(let x), .int32(let y)): return x == y
    case (.int64(let x), .int64(let y)): return x == y
    case (.uint8(let x), .uint8(let y)): return x == y
    case (.uint16(let x), .uint16(let y)): return x == y
    case (.uint32(let x), .uint32(let y)): return x == y
    case (.uint64(let x), .uint64(let y)): return x == y
    default: return false
    }
  }
}
