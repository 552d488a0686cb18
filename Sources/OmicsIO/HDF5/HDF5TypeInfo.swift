internal import CHDF5
import OmicsCore

/// What an HDF5 datatype holds, in the terms omics decodes it into.
public enum HDF5TypeInfo: Sendable, Equatable {
  case number(ScalarType)
  /// h5py's bool: an enum over int8 with members FALSE and TRUE.
  case bool
  case string(variableLength: Bool, size: Int)
  case compound(members: [String])
  case reference
  /// Anything else (opaque, bitfield, array, time…), with HDF5's class name.
  case unsupported(String)

  /// A short name for `omics inspect`.
  public var name: String {
    switch self {
    case .number(let t): return t.rawValue
    case .bool: return "bool"
    case .string(let v, let size): return v ? "string (variable length)" : "string (fixed \(size))"
    case .compound(let m): return "compound(\(m.joined(separator: ", ")))"
    case .reference: return "object reference"
    case .unsupported(let c): return c
    }
  }

  static func of(_ type: HID) -> HDF5TypeInfo {
    let size = H5Tget_size(type)
    switch H5Tget_class(type) {
    case H5T_INTEGER:
      let signed = H5Tget_sign(type) == H5T_SGN_2
      switch (size, signed) {
      case (1, true): return .number(.int8)
      case (2, true): return .number(.int16)
      case (4, true): return .number(.int32)
      case (8, true): return .number(.int64)
      case (1, false): return .number(.uint8)
      case (2, false): return .number(.uint16)
      case (4, false): return .number(.uint32)
      case (8, false): return .number(.uint64)
      default: return .unsupported("\(size)-byte integer")
      }
    case H5T_FLOAT:
      switch size {
      case 2, 4: return .number(.float32)
      case 8: return .number(.float64)
      default: return .unsupported("\(size)-byte float")
      }
    case H5T_ENUM:
      if isBoolEnum(type) { return .bool }
      let base = H5Tget_super(type)
      defer { H5Tclose(base) }
      return of(base)
    case H5T_STRING:
      return .string(variableLength: H5Tis_variable_str(type) > 0, size: size)
    case H5T_COMPOUND:
      let n = max(0, Int(H5Tget_nmembers(type)))
      return .compound(members: (0..<n).map { memberName(type, $0) })
    case H5T_REFERENCE:
      return .reference
    case H5T_BITFIELD: return .unsupported("bitfield")
    case H5T_OPAQUE: return .unsupported("opaque")
    case H5T_ARRAY: return .unsupported("array datatype")
    case H5T_VLEN: return .unsupported("variable-length sequence")
    case H5T_TIME: return .unsupported("time")
    default: return .unsupported("unknown datatype class")
    }
  }

  static func memberName(_ type: HID, _ index: Int) -> String {
    guard let cName = H5Tget_member_name(type, UInt32(index)) else { return "field\(index)" }
    defer { H5free_memory(cName) }
    return String(cString: cName)
  }

  private static func isBoolEnum(_ type: HID) -> Bool {
    guard H5Tget_nmembers(type) == 2, H5Tget_size(type) == 1 else { return false }
    let names = Set((0..<2).map { memberName(type, $0).uppercased() })
    return names == ["FALSE", "TRUE"]
  }

  /// The native memory type for reading numbers of `scalar` type.
  static func nativeType(_ scalar: ScalarType) -> HID {
    switch scalar {
    case .bool, .int8: return chdf5_native_int8()
    case .int16: return chdf5_native_int16()
    case .int32: return chdf5_native_int32()
    case .int64: return chdf5_native_int64()
    case .uint8: return chdf5_native_uint8()
    case .uint16: return chdf5_native_uint16()
    case .uint32: return chdf5_native_uint32()
    case .uint64: return chdf5_native_uint64()
    case .float32: return chdf5_native_float()
    case .float64: return chdf5_native_double()
    }
  }
}
