internal import CHDF5
import Foundation
import OmicsCore

/// Where values are read from: a dataset (whole or a selection) or an attribute.
enum HDF5DataSource {
  case dataset(HID, memorySpace: HID, fileSpace: HID)
  case attribute(HID, String)

  func read(_ memoryType: HID, _ buffer: UnsafeMutableRawPointer?) -> herr_t {
    switch self {
    case .dataset(let id, let memorySpace, let fileSpace):
      return H5Dread(id, memoryType, memorySpace, fileSpace, chdf5_p_default(), buffer)
    case .attribute(let id, _):
      return H5Aread(id, memoryType, buffer)
    }
  }

  /// The dataspace that describes the memory buffer (for reclaiming vlen data).
  func reclaimSpace(_ space: HID) -> HID {
    if case .dataset(_, let memorySpace, _) = self, memorySpace != chdf5_s_all() { return memorySpace }
    return space
  }
}

/// Decoding of HDF5 datasets and attributes into `HDF5Value`s.
enum HDF5Reading {
  /// Shape of a dataspace; nil for a NULL dataspace.
  static func shape(of space: HID) -> [Int]? {
    switch H5Sget_simple_extent_type(space) {
    case H5S_NULL: return nil
    case H5S_SCALAR: return []
    default:
      let rank = Int(H5Sget_simple_extent_ndims(space))
      guard rank > 0 else { return [] }
      var dims = [hsize_t](repeating: 0, count: rank)
      H5Sget_simple_extent_dims(space, &dims, nil)
      return dims.map { Int($0) }
    }
  }

  /// Reads everything `source` selects. `count` overrides the element count (for partial selections).
  static func readValue(
    source: HDF5DataSource, type: HID, space: HID, owner: HDF5Object, what: String,
    count explicitCount: Int? = nil, shapeOverride: [Int]? = nil
  ) throws -> HDF5Value {
    guard let fullShape = shape(of: space) else { return .empty }
    let valueShape = shapeOverride ?? fullShape
    var product = 1
    for d in fullShape {
      let (p, overflow) = product.multipliedReportingOverflow(by: d)
      if overflow { throw owner.error("\(what) has an impossible shape \(fullShape) (corrupted file?)") }
      product = p
    }
    let count = explicitCount ?? product
    let info = HDF5TypeInfo.of(type)
    try owner.file.checkPlausible(elements: count, width: max(H5Tget_size(type), 1), at: owner.path)
    switch info {
    case .number(let scalar):
      return .numbers(try readNumbers(source: source, scalar: scalar, count: count, owner: owner, what: what), shape: valueShape)
    case .bool:
      let raw = try readRaw(source: source, memoryType: type, elementSize: 1, count: count, owner: owner, what: what)
      return .numbers(.bool(raw.map { $0 != 0 }), shape: valueShape)
    case .string:
      let strings = try readStrings(source: source, type: type, space: space, count: count, owner: owner, what: what)
      return .strings(strings, shape: valueShape)
    case .compound(let members):
      var fields: [RecordArray.Field] = []
      for (index, member) in members.enumerated() {
        fields.append(try readCompoundMember(source: source, type: type, space: space, index: index, count: count, owner: owner, what: "\(what) field \(member)"))
      }
      return .records(RecordArray(names: members, fields: fields), shape: valueShape)
    case .reference:
      return .references(try readReferences(source: source, count: count, owner: owner, what: what), shape: valueShape)
    case .unsupported(let name):
      throw owner.error("\(what) has an unsupported HDF5 datatype (\(name))")
    }
  }

  static func readNumbers(
    source: HDF5DataSource, scalar: ScalarType, count: Int, owner: HDF5Object, what: String
  ) throws -> NumericArray {
    let memoryType = HDF5TypeInfo.nativeType(scalar)
    return try NumericArray.filling(scalar, count: count) { base in
      guard count > 0 else { return }
      if source.read(memoryType, base) < 0 {
        throw HDF5Library.error("reading \(what)", file: owner.file.path, path: owner.path)
      }
    }
  }

  static func readRaw(
    source: HDF5DataSource, memoryType: HID, elementSize: Int, count: Int, owner: HDF5Object, what: String
  ) throws -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count * elementSize)
    if count > 0 {
      let status = bytes.withUnsafeMutableBytes { source.read(memoryType, $0.baseAddress) }
      if status < 0 { throw HDF5Library.error("reading \(what)", file: owner.file.path, path: owner.path) }
    }
    return bytes
  }

  /// Decodes UTF-8 strictly; invalid bytes are an error naming the element.
  static func decode(_ bytes: UnsafeBufferPointer<UInt8>, owner: HDF5Object, what: String, index: Int) throws -> String {
    if let s = String(validating: bytes, as: UTF8.self) { return s }
    throw owner.error("\(what) holds invalid UTF-8 at element \(index)")
  }

  static func readStrings(
    source: HDF5DataSource, type: HID, space: HID, count: Int, owner: HDF5Object, what: String
  ) throws -> [String] {
    if count == 0 { return [] }
    let variable = H5Tis_variable_str(type) > 0
    let memoryType = H5Tcopy(type)
    defer { H5Tclose(memoryType) }
    if variable {
      var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
      let status = pointers.withUnsafeMutableBytes { source.read(memoryType, $0.baseAddress) }
      if status < 0 { throw HDF5Library.error("reading \(what)", file: owner.file.path, path: owner.path) }
      defer {
        // Each vlen string was allocated by the library with malloc.
        for p in pointers { if let p { H5free_memory(p) } }
      }
      var out: [String] = []
      out.reserveCapacity(count)
      for (i, p) in pointers.enumerated() {
        guard let p else { out.append(""); continue }
        let length = strlen(p)
        let s = try p.withMemoryRebound(to: UInt8.self, capacity: length) {
          try decode(UnsafeBufferPointer(start: $0, count: length), owner: owner, what: what, index: i)
        }
        out.append(s)
      }
      return out
    }
    let size = H5Tget_size(type)
    guard size > 0 else { return [String](repeating: "", count: count) }
    let bytes = try readRaw(source: source, memoryType: memoryType, elementSize: size, count: count, owner: owner, what: what)
    let spacePadded = H5Tget_strpad(type) == H5T_STR_SPACEPAD
    var out: [String] = []
    out.reserveCapacity(count)
    try bytes.withUnsafeBufferPointer { all in
      for i in 0..<count {
        let start = i * size
        var end = start
        while end < start + size && all[end] != 0 { end += 1 }
        if spacePadded { while end > start && all[end - 1] == 0x20 { end -= 1 } }
        out.append(try decode(UnsafeBufferPointer(rebasing: all[start..<end]), owner: owner, what: what, index: i))
      }
    }
    return out
  }

  static func readCompoundMember(
    source: HDF5DataSource, type: HID, space: HID, index: Int, count: Int, owner: HDF5Object, what: String
  ) throws -> RecordArray.Field {
    let memberType = H5Tget_member_type(type, UInt32(index))
    guard memberType >= 0 else { throw HDF5Library.error("H5Tget_member_type", file: owner.file.path, path: owner.path) }
    defer { H5Tclose(memberType) }
    let name = HDF5TypeInfo.memberName(type, index)
    if H5Tget_class(memberType) == H5T_ARRAY {
      return try readArrayMember(source: source, memberType: memberType, name: name, count: count, owner: owner, what: what)
    }
    let info = HDF5TypeInfo.of(memberType)
    // A one-member compound memory type selects just this field.
    func compound(holding memory: HID) -> HID {
      let size = H5Tget_size(memory)
      let c = H5Tcreate(H5T_COMPOUND, size)
      H5Tinsert(c, name, 0, memory)
      return c
    }
    switch info {
    case .number(let scalar):
      let native = HDF5TypeInfo.nativeType(scalar)
      let c = compound(holding: native)
      defer { H5Tclose(c) }
      let raw = try readRaw(source: source, memoryType: c, elementSize: scalar.byteWidth, count: count, owner: owner, what: what)
      return .numbers(numericArray(fromRaw: raw, scalar: scalar, count: count))
    case .bool:
      let c = compound(holding: memberType)
      defer { H5Tclose(c) }
      let raw = try readRaw(source: source, memoryType: c, elementSize: 1, count: count, owner: owner, what: what)
      return .numbers(.bool(raw.map { $0 != 0 }))
    case .string(let variable, let size):
      if variable {
        let memory = H5Tcopy(memberType)
        defer { H5Tclose(memory) }
        let c = compound(holding: memory)
        defer { H5Tclose(c) }
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        if count > 0 {
          let status = pointers.withUnsafeMutableBytes { source.read(c, $0.baseAddress) }
          if status < 0 { throw HDF5Library.error("reading \(what)", file: owner.file.path, path: owner.path) }
        }
        var out: [String] = []
        for (i, p) in pointers.enumerated() {
          guard let p else { out.append(""); continue }
          let length = strlen(p)
          let s = try p.withMemoryRebound(to: UInt8.self, capacity: length) {
            try decode(UnsafeBufferPointer(start: $0, count: length), owner: owner, what: what, index: i)
          }
          out.append(s)
          H5free_memory(p)
        }
        return .strings(out)
      }
      let c = compound(holding: memberType)
      defer { H5Tclose(c) }
      let raw = try readRaw(source: source, memoryType: c, elementSize: size, count: count, owner: owner, what: what)
      var out: [String] = []
      try raw.withUnsafeBufferPointer { all in
        for i in 0..<count {
          let start = i * size
          var end = start
          while end < start + size && all[end] != 0 { end += 1 }
          out.append(try decode(UnsafeBufferPointer(rebasing: all[start..<end]), owner: owner, what: what, index: i))
        }
      }
      return .strings(out)
    default:
      throw owner.error("\(what) has an unsupported member type (\(info.name))")
    }
  }

  /// A compound member that is itself a fixed-size numeric array (anndata 0.6 obsm): values flattened
  /// record by record, so a field of `count` records of k values holds `count * k` numbers.
  static func readArrayMember(
    source: HDF5DataSource, memberType: HID, name: String, count: Int, owner: HDF5Object, what: String
  ) throws -> RecordArray.Field {
    let base = H5Tget_super(memberType)
    defer { H5Tclose(base) }
    guard case .number(let scalar) = HDF5TypeInfo.of(base) else {
      throw owner.error("\(what) is an array of \(HDF5TypeInfo.of(base).name), expected numbers")
    }
    let rank = Int(H5Tget_array_ndims(memberType))
    guard rank > 0 else { throw owner.error("\(what) has an invalid array type") }
    var dims = [hsize_t](repeating: 0, count: rank)
    H5Tget_array_dims2(memberType, &dims)
    let perRecord = dims.reduce(1) { $0 * Int($1) }
    let memoryArray = H5Tarray_create2(HDF5TypeInfo.nativeType(scalar), UInt32(rank), &dims)
    defer { H5Tclose(memoryArray) }
    let compound = H5Tcreate(H5T_COMPOUND, H5Tget_size(memoryArray))
    defer { H5Tclose(compound) }
    H5Tinsert(compound, name, 0, memoryArray)
    let total = count * perRecord
    let raw = try readRaw(source: source, memoryType: compound, elementSize: perRecord * scalar.byteWidth, count: count, owner: owner, what: what)
    return .numbers(numericArray(fromRaw: raw, scalar: scalar, count: total))
  }

  static func numericArray(fromRaw raw: [UInt8], scalar: ScalarType, count: Int) -> NumericArray {
    func load<T>(_: T.Type) -> [T] {
      raw.withUnsafeBytes { bytes in (0..<count).map { bytes.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) } }
    }
    switch scalar {
    case .bool: return .bool(raw.map { $0 != 0 })
    case .int8: return .int8(load(Int8.self))
    case .int16: return .int16(load(Int16.self))
    case .int32: return .int32(load(Int32.self))
    case .int64: return .int64(load(Int64.self))
    case .uint8: return .uint8(load(UInt8.self))
    case .uint16: return .uint16(load(UInt16.self))
    case .uint32: return .uint32(load(UInt32.self))
    case .uint64: return .uint64(load(UInt64.self))
    case .float32: return .float32(load(Float.self))
    case .float64: return .float64(load(Double.self))
    }
  }

  static func readReferences(source: HDF5DataSource, count: Int, owner: HDF5Object, what: String) throws -> [String] {
    var refs = [hobj_ref_t](repeating: 0, count: count)
    if count > 0 {
      let status = refs.withUnsafeMutableBytes { source.read(chdf5_std_ref_obj(), $0.baseAddress) }
      if status < 0 { throw HDF5Library.error("reading \(what)", file: owner.file.path, path: owner.path) }
    }
    return try refs.map { ref in
      var r = ref
      let target = H5Rdereference2(owner.id, chdf5_p_default(), H5R_OBJECT, &r)
      if target < 0 { throw owner.error("\(what) holds a dangling object reference") }
      defer { H5Oclose(target) }
      let size = H5Iget_name(target, nil, 0)
      guard size > 0 else { return "" }
      var buffer = [CChar](repeating: 0, count: size + 1)
      H5Iget_name(target, &buffer, buffer.count)
      return String(decoding: buffer.prefix(size).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
  }
}
