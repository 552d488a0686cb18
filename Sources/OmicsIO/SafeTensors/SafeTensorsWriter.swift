import Foundation
import OmicsCore

/// Writes safetensors files byte-compatible with `safetensors.torch.save_file`:
/// tensors ordered by dtype (descending, Rust enum order) then name, laid out back to back;
/// compact JSON header with `__metadata__` first (when given) and each entry as
/// `{"dtype":…,"shape":[…],"data_offsets":[b,e]}`; header padded with spaces to a multiple of 8.
public enum SafeTensorsWriter {
  /// One tensor to write: little-endian bytes of `shape` elements of `dtype`.
  public struct Entry: Sendable {
    public var name: String
    public var dtype: SafeTensorsDType
    public var shape: [Int]
    public var bytes: Data

    public init(name: String, dtype: SafeTensorsDType, shape: [Int], bytes: Data) {
      self.name = name
      self.dtype = dtype
      self.shape = shape
      self.bytes = bytes
    }

    public static func float32(_ name: String, shape: [Int], _ values: [Float]) -> Entry {
      // little-endian hosts only (x86-64, arm64): the array's bytes are the file's bytes
      Entry(name: name, dtype: .F32, shape: shape, bytes: values.withUnsafeBytes { Data($0) })
    }

    public static func float64(_ name: String, shape: [Int], _ values: [Double]) -> Entry {
      Entry(name: name, dtype: .F64, shape: shape, bytes: values.withUnsafeBytes { Data($0) })
    }

    public static func int64(_ name: String, shape: [Int], _ values: [Int64]) -> Entry {
      Entry(name: name, dtype: .I64, shape: shape, bytes: values.withUnsafeBytes { Data($0) })
    }
  }

  /// The complete file as bytes. Throws on duplicate names or a byte count that does not match the shape.
  public static func encode(_ entries: [Entry], metadata: [String: String]? = ["format": "pt"]) throws -> Data {
    var seen = Set<String>()
    for e in entries {
      guard seen.insert(e.name).inserted else { throw OmicsError(location: e.name, "tensor name written twice") }
      guard e.shape.allSatisfy({ $0 >= 0 }), e.shape.reduce(1, *) * e.dtype.byteSize == e.bytes.count else {
        throw OmicsError(location: e.name, "\(e.bytes.count) bytes do not match shape \(e.shape) of \(e.dtype.rawValue)")
      }
      guard e.name != "__metadata__" else { throw OmicsError(location: e.name, "reserved tensor name") }
    }
    let ordered = entries.sorted { a, b in
      a.dtype.rank != b.dtype.rank ? a.dtype.rank > b.dtype.rank : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
    }
    var header = "{"
    var parts: [String] = []
    if let metadata {
      let items = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }
      parts.append("\"__metadata__\":{\(items.joined(separator: ","))}")
    }
    var offset = 0
    for e in ordered {
      let end = offset + e.bytes.count
      let shape = e.shape.map(String.init).joined(separator: ",")
      parts.append("\(jsonString(e.name)):{\"dtype\":\"\(e.dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
      offset = end
    }
    header += parts.joined(separator: ",") + "}"
    var headerBytes = Data(header.utf8)
    let pad = (8 - headerBytes.count % 8) % 8
    headerBytes.append(contentsOf: [UInt8](repeating: UInt8(ascii: " "), count: pad))
    var out = Data(capacity: 8 + headerBytes.count + offset)
    withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(headerBytes)
    for e in ordered { out.append(e.bytes) }
    return out
  }

  /// Encodes and writes atomically (temporary name, then rename).
  public static func write(_ entries: [Entry], metadata: [String: String]? = ["format": "pt"], to path: String) throws {
    let bytes: Data
    do { bytes = try encode(entries, metadata: metadata) } catch let e as OmicsError { throw e.inFile(path) }
    try AtomicFileWriter.write(bytes, to: path)
  }

  /// JSON string literal as serde_json writes it.
  static func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      default:
        if u.value < 0x20 {
          out += String(format: "\\u%04x", u.value)
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}
