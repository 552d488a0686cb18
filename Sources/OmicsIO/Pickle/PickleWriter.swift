import Foundation
import OmicsCore

/// Writes a flat Python dict (str keys; str, int or float values) as a protocol-4 pickle that
/// `pickle.load` reads without numpy: what Geneformer loads as a median, token or mapping dictionary.
/// Floats are pickled as Python floats (bit-exact doubles), ints as Python ints.
public enum PickleWriter {
  public enum Value: Sendable, Equatable {
    case int(Int64)
    case float(Double)
    case string(String)
  }

  /// Encodes the dict, keys in the given order.
  public static func encodeDictionary(_ entries: [(key: String, value: Value)]) -> [UInt8] {
    var out: [UInt8] = [0x80, 4, 0x7D]  // PROTO 4, EMPTY_DICT
    out.reserveCapacity(entries.count * 32 + 16)
    func string(_ s: String) {
      let u = Array(s.utf8)
      if u.count < 256 {
        out.append(0x8C)
        out.append(UInt8(u.count))
      } else {
        out.append(0x58)
        withUnsafeBytes(of: UInt32(u.count).littleEndian) { out.append(contentsOf: $0) }
      }
      out.append(contentsOf: u)
    }
    var i = 0
    while i < entries.count {
      let end = min(entries.count, i + 1000)
      out.append(0x28)  // MARK
      for (key, value) in entries[i..<end] {
        string(key)
        switch value {
        case .string(let s): string(s)
        case .float(let d):
          out.append(0x47)
          withUnsafeBytes(of: d.bitPattern.bigEndian) { out.append(contentsOf: $0) }
        case .int(let v):
          if v >= Int64(Int32.min) && v <= Int64(Int32.max) {
            out.append(0x4A)
            withUnsafeBytes(of: Int32(v).littleEndian) { out.append(contentsOf: $0) }
          } else {
            out.append(0x8A)
            out.append(8)
            withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
          }
        }
      }
      out.append(0x75)  // SETITEMS
      i = end
    }
    out.append(0x2E)  // STOP
    return out
  }

  /// Writes the dict atomically (temporary name, then rename).
  public static func writeDictionary(_ entries: [(key: String, value: Value)], to path: String) throws {
    try AtomicFileWriter.write(Data(encodeDictionary(entries)), to: path)
  }
}
