import Foundation
import OmicsCore

/// One tensor's entry in a safetensors header.
public struct SafeTensorInfo: Sendable, Equatable {
  public var name: String
  public var dtype: SafeTensorsDType
  public var shape: [Int]
  /// Byte range inside the data section (after the 8-byte length and the header).
  public var dataOffsets: Range<Int>
  public var elementCount: Int { shape.reduce(1, *) }
}

/// A safetensors file read into memory and validated
/// (https://huggingface.co/docs/safetensors: `u64` little-endian header length `N`, `N` bytes of
/// UTF-8 JSON `{name: {dtype, shape, data_offsets}, "__metadata__": {str: str}}`, then the data).
///
/// Everything read from the file is checked before use: header length against the file size
/// (and a 100 MB cap, as upstream), JSON shape of every entry, known dtypes, non-negative shapes
/// without overflow, `end − begin == elements × size`, and that the tensors tile the data section
/// exactly (no gap, no overlap), as `safetensors` itself requires. A violation is an `OmicsError`
/// naming the file and the tensor.
public struct SafeTensorsFile: Sendable {
  public let path: String
  /// `__metadata__` (string to string), empty when absent.
  public let metadata: [String: String]
  /// Entries sorted by data offset (the order of the data section).
  public let tensors: [SafeTensorInfo]
  private let data: Data
  private let dataStart: Int
  private let index: [String: Int]

  /// Reads and validates `path`.
  public init(path: String) throws {
    let bytes: Data
    do { bytes = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) } catch {
      throw OmicsError(file: path, "cannot read safetensors file: \(error.localizedDescription)")
    }
    try self.init(data: bytes, path: path)
  }

  /// Validates bytes already in memory; `path` is used in error messages.
  public init(data bytes: Data, path: String) throws {
    func failAt(_ location: String, _ message: String) -> OmicsError {
      OmicsError(file: path, location: location, message)
    }
    func fail(_ message: String) -> OmicsError { OmicsError(file: path, message) }
    let data = bytes.count > 0 && bytes.startIndex != 0 ? Data(bytes) : bytes
    guard data.count >= 8 else { throw fail("not a safetensors file: \(data.count) bytes, shorter than the 8-byte header length") }
    var n: UInt64 = 0
    for i in 0..<8 { n |= UInt64(data[i]) << (8 * UInt64(i)) }
    guard n <= 100_000_000 else { throw fail("header length \(n) exceeds the 100 MB limit") }
    guard n >= 2, 8 + Int(n) <= data.count else {
      throw fail("header length \(n) does not fit in a file of \(data.count) bytes")
    }
    let headerEnd = 8 + Int(n)
    let headerData = data.subdata(in: 8..<headerEnd)
    guard headerData.first == UInt8(ascii: "{") else { throw fail("header does not start with '{'") }
    let json: Any
    do { json = try JSONSerialization.jsonObject(with: headerData, options: []) } catch {
      throw fail("header is not valid JSON")
    }
    guard let object = json as? [String: Any] else { throw fail("header is not a JSON object") }
    var metadata: [String: String] = [:]
    var infos: [SafeTensorInfo] = []
    let dataCount = data.count - headerEnd
    for (name, value) in object {
      if name == "__metadata__" {
        guard let dict = value as? [String: Any] else { throw failAt("__metadata__", "must be an object of strings") }
        for (k, v) in dict {
          guard let s = v as? String else { throw failAt("__metadata__", "value of \(k) is not a string") }
          metadata[k] = s
        }
        continue
      }
      guard let entry = value as? [String: Any] else { throw failAt(name, "entry is not an object") }
      guard let dtypeName = entry["dtype"] as? String else { throw failAt(name, "missing dtype") }
      guard let dtype = SafeTensorsDType(rawValue: dtypeName) else { throw failAt(name, "unsupported dtype \(dtypeName)") }
      guard let shapeAny = entry["shape"] as? [Any] else { throw failAt(name, "missing shape") }
      var shape: [Int] = []
      var elements = 1
      for s in shapeAny {
        guard let d = Self.integer(s), d >= 0 else { throw failAt(name, "shape \(shapeAny) has an invalid extent") }
        shape.append(d)
        let (p, o) = elements.multipliedReportingOverflow(by: d)
        guard !o else { throw failAt(name, "shape \(shape) overflows") }
        elements = p
      }
      guard let offs = entry["data_offsets"] as? [Any], offs.count == 2,
            let begin = Self.integer(offs[0]), let end = Self.integer(offs[1]) else {
        throw failAt(name, "data_offsets must be two integers")
      }
      guard begin >= 0, begin <= end, end <= dataCount else {
        throw failAt(name, "data_offsets [\(begin), \(end)] outside the data section of \(dataCount) bytes")
      }
      let (bytesNeeded, o) = elements.multipliedReportingOverflow(by: dtype.byteSize)
      guard !o, end - begin == bytesNeeded else {
        throw failAt(name, "data_offsets [\(begin), \(end)] hold \(end - begin) bytes, shape \(shape) of \(dtypeName) needs \(bytesNeeded)")
      }
      infos.append(SafeTensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end))
    }
    infos.sort { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound, $0.name) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound, $1.name) }
    var cursor = 0
    for info in infos {
      guard info.dataOffsets.lowerBound == cursor else {
        throw failAt(info.name, "data_offsets start at \(info.dataOffsets.lowerBound), expected \(cursor) (gap or overlap)")
      }
      cursor = info.dataOffsets.upperBound
    }
    guard cursor == dataCount else {
      throw fail("tensors cover \(cursor) of the \(dataCount) data bytes")
    }
    self.path = path
    self.metadata = metadata
    self.tensors = infos
    self.data = data
    self.dataStart = headerEnd
    var index: [String: Int] = [:]
    for (i, t) in infos.enumerated() { index[t.name] = i }
    self.index = index
  }

  private static func integer(_ value: Any) -> Int? {
    if let n = value as? NSNumber {
      let d = n.doubleValue
      guard d.rounded() == d, abs(d) < 9.0e15 else { return nil }
      return Int(d)
    }
    return nil
  }

  /// Tensor names in data order.
  public var names: [String] { tensors.map(\.name) }

  /// The entry called `name`.
  public func info(_ name: String) -> SafeTensorInfo? { index[name].map { tensors[$0] } }

  /// Raw little-endian bytes of one tensor.
  public func rawBytes(_ name: String) throws -> Data {
    guard let t = info(name) else { throw OmicsError(file: path, location: name, "no such tensor") }
    return data.subdata(in: (dataStart + t.dataOffsets.lowerBound)..<(dataStart + t.dataOffsets.upperBound))
  }

  /// Values of a floating-point or integer tensor converted to `Double` (F64, F32, F16, BF16, I64, I32,
  /// I16, I8, U8, BOOL).
  public func doubles(_ name: String) throws -> [Double] {
    guard let t = info(name) else { throw OmicsError(file: path, location: name, "no such tensor") }
    let n = t.elementCount, start = dataStart + t.dataOffsets.lowerBound
    var out = [Double](repeating: 0, count: n)
    data.withUnsafeBytes { raw in
      let p = raw.baseAddress.map { $0 + start }
      guard let p else { return }
      for i in 0..<n {
        switch t.dtype {
        case .F64: out[i] = Double(bitPattern: p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian)
        case .F32: out[i] = Double(Float(bitPattern: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian))
        case .F16:
          #if arch(arm64) || arch(x86_64)
          out[i] = Double(Float16(bitPattern: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian))
          #endif
        case .BF16:
          let bits = UInt32(p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) << 16
          out[i] = Double(Float(bitPattern: bits))
        case .I64: out[i] = Double(Int64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
        case .U64: out[i] = Double(UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))
        case .I32: out[i] = Double(Int32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
        case .U32: out[i] = Double(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        case .I16: out[i] = Double(Int16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)))
        case .U16: out[i] = Double(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
        case .I8: out[i] = Double(p.load(fromByteOffset: i, as: Int8.self))
        case .U8, .BOOL: out[i] = Double(p.load(fromByteOffset: i, as: UInt8.self))
        case .F8_E5M2, .F8_E4M3: out[i] = .nan
        }
      }
    }
    if t.dtype == .F8_E5M2 || t.dtype == .F8_E4M3 {
      throw OmicsError(file: path, location: name, "dtype \(t.dtype.rawValue) is not supported for reading")
    }
    return out
  }

  /// Values converted to `Float` (exact for F32 tensors).
  public func floats(_ name: String) throws -> [Float] {
    guard let t = info(name) else { throw OmicsError(file: path, location: name, "no such tensor") }
    if t.dtype == .F32 {
      let start = dataStart + t.dataOffsets.lowerBound
      return data.withUnsafeBytes { raw -> [Float] in
        guard let p = raw.baseAddress.map({ $0 + start }) else { return [] }
        return (0..<t.elementCount).map { Float(bitPattern: p.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian) }
      }
    }
    return try doubles(name).map { Float($0) }
  }

  /// Values of an integer tensor (exact for I64).
  public func int64s(_ name: String) throws -> [Int64] {
    guard let t = info(name) else { throw OmicsError(file: path, location: name, "no such tensor") }
    if t.dtype == .I64 {
      let start = dataStart + t.dataOffsets.lowerBound
      return data.withUnsafeBytes { raw -> [Int64] in
        guard let p = raw.baseAddress.map({ $0 + start }) else { return [] }
        return (0..<t.elementCount).map { Int64(littleEndian: p.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
      }
    }
    return try doubles(name).map { v in
      guard v.isFinite, v.rounded() == v, abs(v) < 9.2e18 else { return 0 }
      return Int64(v)
    }
  }
}
