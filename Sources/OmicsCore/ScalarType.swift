/// The element type of a numeric array, as stored on disk and kept in memory.
public enum ScalarType: String, Sendable, CaseIterable, Equatable {
  case bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64

  /// Size of one element in bytes.
  public var byteWidth: Int {
    switch self {
    case .bool, .int8, .uint8: return 1
    case .int16, .uint16: return 2
    case .int32, .uint32, .float32: return 4
    case .int64, .uint64, .float64: return 8
    }
  }

  public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
  public var isInteger: Bool { !isFloatingPoint && self != .bool }
  public var isSigned: Bool {
    switch self {
    case .int8, .int16, .int32, .int64, .float32, .float64: return true
    default: return false
    }
  }
}
