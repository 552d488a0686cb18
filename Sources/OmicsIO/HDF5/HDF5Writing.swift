internal import CHDF5
import Foundation
import OmicsCore

/// Compression for written datasets.
public enum HDF5Compression: Sendable, Equatable {
  case none
  /// gzip (deflate) at a level 1…9, in chunks of `chunkElements` along the first axis.
  case gzip(level: Int, chunkElements: Int = 16384)
}

/// Creation of datasets and attributes in the layout h5py writes (so anndata reads them back unchanged).
enum HDF5Writing {
  /// h5py's bool type: an enum over int8 with FALSE = 0 and TRUE = 1.
  static func boolType() -> HID {
    let type = H5Tenum_create(chdf5_native_int8())
    var f: Int8 = 0
    var t: Int8 = 1
    H5Tenum_insert(type, "FALSE", &f)
    H5Tenum_insert(type, "TRUE", &t)
    return type
  }

  /// Variable-length UTF-8 strings.
  static func stringType() -> HID {
    let type = H5Tcopy(chdf5_c_s1())
    H5Tset_size(type, -1)  // H5T_VARIABLE is (size_t)-1; size_t imports as Int
    H5Tset_cset(type, H5T_CSET_UTF8)
    return type
  }

  static func space(_ shape: [Int]) -> HID {
    if shape.isEmpty { return H5Screate(H5S_SCALAR) }
    var dims = shape.map { hsize_t($0) }
    return H5Screate_simple(Int32(dims.count), &dims, nil)
  }

  /// The file/memory type for numbers of `scalar` type (bools as h5py's enum). Caller closes.
  static func numberType(_ scalar: ScalarType) -> HID {
    scalar == .bool ? boolType() : H5Tcopy(HDF5TypeInfo.nativeType(scalar))
  }

  /// Calls `body` with a pointer to the numbers' bytes in native layout (bools as int8).
  static func withBytes<R>(_ numbers: NumericArray, _ body: (UnsafeRawPointer?) -> R) -> R {
    switch numbers {
    case .bool(let a): let b = a.map { Int8($0 ? 1 : 0) }; return b.withUnsafeBytes { body($0.baseAddress) }
    case .int8(let a): return a.withUnsafeBytes { body($0.baseAddress) }
    case .int16(let a): return a.withUnsafeBytes { body($0.baseAddress) }
    case .int32(let a): return a.withUnsafeBytes { body($0.baseAddress) }
    case .int64(let a): return a.withUnsafeBytes { body($0.baseAddress) }
    case .uint8(let a): return a.withUnsafeBytes { body($0.baseAddress) }
    case .uint16(let a): return a.withUnsafeBytes { body($0.baseAddress) }
    case .uint32(let a): return a.withUnsafeBytes { body($0.baseAddress) }
    case .uint64(let a): return a.withUnsafeBytes { body($0.baseAddress) }
    case .float32(let a): return a.withUnsafeBytes { body($0.baseAddress) }
    case .float64(let a): return a.withUnsafeBytes { body($0.baseAddress) }
    }
  }

  /// Calls `body` with an array of C string pointers for `strings` (valid only inside `body`).
  static func withCStrings<R>(_ strings: [String], _ body: (UnsafeRawPointer?) -> R) -> R {
    var storage: [[CChar]] = strings.map { Array($0.utf8CString) }
    var pointers: [UnsafePointer<CChar>?] = []
    pointers.reserveCapacity(storage.count)
    return storage.withUnsafeMutableBufferPointer { all in
      for i in all.indices { pointers.append(all[i].withUnsafeBufferPointer { $0.baseAddress }) }
      return pointers.withUnsafeBytes { body($0.baseAddress) }
    }
  }

  /// A compound type holding the record fields (numbers native, strings vlen UTF-8), and the packed bytes.
  static func packRecords(_ records: RecordArray) -> (type: HID, bytes: [UInt8], strings: [[CChar]]) {
    var offsets: [Int] = []
    var size = 0
    var memberTypes: [HID] = []
    for field in records.fields {
      offsets.append(size)
      switch field {
      case .numbers(let n):
        memberTypes.append(numberType(n.scalarType))
        size += n.scalarType.byteWidth
      case .strings:
        memberTypes.append(stringType())
        size += MemoryLayout<UnsafePointer<CChar>?>.size
      }
    }
    let type = H5Tcreate(H5T_COMPOUND, max(size, 1))
    for (i, name) in records.names.enumerated() {
      H5Tinsert(type, name, offsets[i], memberTypes[i])
      H5Tclose(memberTypes[i])
    }
    let n = records.count
    var bytes = [UInt8](repeating: 0, count: max(size, 1) * n)
    var keep: [[CChar]] = []
    for (f, field) in records.fields.enumerated() {
      switch field {
      case .numbers(let numbers):
        let width = numbers.scalarType.byteWidth
        withBytes(numbers) { source in
          guard let source else { return }
          bytes.withUnsafeMutableBytes { out in
            for r in 0..<n {
              out.baseAddress!.advanced(by: r * size + offsets[f])  // safe: n > 0 here
                .copyMemory(from: source.advanced(by: r * width), byteCount: width)
            }
          }
        }
      case .strings(let strings):
        for s in strings { keep.append(Array(s.utf8CString)) }
      }
    }
    // Pointers to the kept C strings are written after all appends, so they stay valid.
    var k = 0
    for (f, field) in records.fields.enumerated() {
      guard case .strings(let strings) = field else { continue }
      for r in 0..<strings.count {
        let pointer = keep[k].withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        bytes.withUnsafeMutableBytes { out in
          out.storeBytes(of: pointer, toByteOffset: r * size + offsets[f], as: UInt.self)
        }
        k += 1
      }
    }
    return (type, bytes, keep)
  }

  /// Writes `value` as a new dataset `name` of `group`.
  @discardableResult
  static func writeDataset(
    _ group: HDF5Group, name: String, value: HDF5Value, compression: HDF5Compression = .none
  ) throws -> HDF5Dataset {
    let path = hdf5Join(group.path, name)
    let fail = { (call: String) in HDF5Library.error(call, file: group.file.path, path: path) }
    let type: HID
    let space: HID
    var records: (type: HID, bytes: [UInt8], strings: [[CChar]])?
    switch value {
    case .numbers(let n, let shape):
      type = numberType(n.scalarType)
      space = self.space(shape)
    case .strings(_, let shape):
      type = stringType()
      space = self.space(shape)
    case .records(let r, let shape):
      let packed = packRecords(r)
      records = packed
      type = packed.type
      space = self.space(shape)
    case .empty:
      type = H5Tcopy(chdf5_native_float())
      space = H5Screate(H5S_NULL)
    case .references:
      throw OmicsError(file: group.file.path, location: path, "writing object references is not supported")
    }
    defer {
      H5Tclose(type)
      H5Sclose(space)
    }
    let dcpl = H5Pcreate(chdf5_p_dataset_create())
    defer { H5Pclose(dcpl) }
    let shape = value.shape
    if case .gzip(let level, let chunkElements) = compression, !shape.isEmpty, shape.reduce(1, *) > 0 {
      var chunk = shape.map { hsize_t($0) }
      let rowElements = shape.dropFirst().reduce(1, *)
      chunk[0] = hsize_t(max(1, min(shape[0], chunkElements / max(rowElements, 1))))
      H5Pset_chunk(dcpl, Int32(chunk.count), &chunk)
      H5Pset_deflate(dcpl, UInt32(level))
    }
    let did = H5Dcreate2(group.id, name, type, space, chdf5_p_default(), dcpl, chdf5_p_default())
    if did < 0 { throw fail("H5Dcreate2") }
    let dataset = try HDF5Dataset(datasetID: did, file: group.file, path: path)
    var status: herr_t = 0
    switch value {
    case .numbers(let n, _):
      if n.count > 0 {
        status = withBytes(n) { H5Dwrite(did, type, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), $0) }
      }
    case .strings(let s, _):
      if !s.isEmpty {
        status = withCStrings(s) { H5Dwrite(did, type, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), $0) }
      }
    case .records:
      if let records, records.bytes.count > 0, value.shape.reduce(1, *) > 0 {
        status = records.bytes.withUnsafeBytes {
          H5Dwrite(did, type, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), $0.baseAddress)
        }
        withExtendedLifetime(records.strings) {}
      }
    case .empty, .references: break
    }
    if status < 0 { throw fail("H5Dwrite") }
    return dataset
  }

  /// Writes (replacing) attribute `name` on `object`.
  static func writeAttribute(_ object: HDF5Object, name: String, value: HDF5Value) throws {
    let fail = { (call: String) in HDF5Library.error("\(call)(\(name))", file: object.file.path, path: object.path) }
    if H5Aexists(object.id, name) > 0 { H5Adelete(object.id, name) }
    let type: HID
    let space: HID
    switch value {
    case .numbers(let n, let shape):
      type = numberType(n.scalarType)
      space = self.space(shape)
    case .strings(_, let shape):
      type = stringType()
      space = self.space(shape)
    case .empty:
      type = H5Tcopy(chdf5_native_float())
      space = H5Screate(H5S_NULL)
    case .records, .references:
      throw OmicsError(file: object.file.path, location: object.path, "unsupported attribute value for \(name)")
    }
    defer {
      H5Tclose(type)
      H5Sclose(space)
    }
    let aid = H5Acreate2(object.id, name, type, space, chdf5_p_default(), chdf5_p_default())
    if aid < 0 { throw fail("H5Acreate2") }
    defer { H5Aclose(aid) }
    var status: herr_t = 0
    switch value {
    case .numbers(let n, _):
      if n.count > 0 { status = withBytes(n) { H5Awrite(aid, type, $0) } }
    case .strings(let s, _):
      if !s.isEmpty { status = withCStrings(s) { H5Awrite(aid, type, $0) } }
    default: break
    }
    if status < 0 { throw fail("H5Awrite") }
  }
}

extension HDF5Group {
  /// Writes `value` as a new dataset; `compression` applies to non-scalar numeric and string data.
  @discardableResult
  public func write(_ name: String, _ value: HDF5Value, compression: HDF5Compression = .none) throws -> HDF5Dataset {
    try HDF5Writing.writeDataset(self, name: name, value: value, compression: compression)
  }
}
