import Foundation
import OmicsCore
import OmicsIO

/// Loads Geneformer's dictionaries from their `.pkl` files (pickle protocol 2–5, numpy scalar values
/// included) or from plain TSV (`key<TAB>value` per line; a first line whose value is not of the
/// expected kind — not a number, or for id maps containing no digit — is a header and skipped).
public enum GeneDictionaryFile {
  static func isPickle(_ path: String) -> Bool {
    let lower = path.lowercased()
    return lower.hasSuffix(".pkl") || lower.hasSuffix(".pickle")
  }

  /// Reads `key<TAB>value` pairs from a TSV (gzip allowed); `isHeader` decides whether line 1 is a header.
  static func tsvPairs(_ path: String, isHeader: (String, String) -> Bool) throws -> [(String, String, Int)] {
    let text = String(decoding: try TextFile(path: path).bytes, as: UTF8.self)
    var out: [(String, String, Int)] = []
    var lineNumber = 0
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNumber += 1
      var l = Substring(line)
      if l.hasSuffix("\r") { l = l.dropLast() }
      if l.isEmpty { continue }
      let fields = l.split(separator: "\t", omittingEmptySubsequences: false)
      guard fields.count == 2 else {
        throw OmicsError.line(lineNumber, file: path, "expected key<TAB>value, found \(fields.count) field(s)")
      }
      let key = String(fields[0]), value = String(fields[1])
      if lineNumber == 1 && isHeader(key, value) { continue }
      out.append((key, value, lineNumber))
    }
    return out
  }

  /// A token dictionary: gene/special → token id. `isInt16` is true when the pickle's gene values
  /// are numpy int16 (Geneformer V1), which is what makes upstream store `input_ids` as int16.
  public static func tokens(_ path: String) throws -> (tokens: [String: Int32], order: [String], isInt16: Bool) {
    var tokens: [String: Int32] = [:]
    var order: [String] = []
    var sawInt16 = false
    func add(_ key: String, _ value: Int64, _ location: String) throws {
      guard let v = Int32(exactly: value), v >= 0 else {
        throw OmicsError(file: path, location: location, "token id \(value) for '\(key)' is not a non-negative 32-bit integer")
      }
      if tokens.updateValue(v, forKey: key) == nil { order.append(key) }
    }
    if isPickle(path) {
      let (keys, values) = try PickleReader.readDictionary(path: path)
      tokens.reserveCapacity(keys.count)
      for (i, (k, v)) in zip(keys, values).enumerated() {
        guard let key = k.stringValue else { throw OmicsError(file: path, location: "entry \(i + 1)", "key is \(k.typeName), expected str") }
        guard let value = v.intValue else {
          throw OmicsError(file: path, location: "entry \(i + 1)", "value for '\(key)' is \(v.typeName), expected an integer token id")
        }
        if case .numpyScalar(let s) = v, s.kind == "i2" { sawInt16 = true }
        try add(key, value, "entry \(i + 1)")
      }
    } else {
      for (key, value, line) in try tsvPairs(path, isHeader: { Int64($1) == nil }) {
        guard let v = Int64(value) else { throw OmicsError.line(line, file: path, "token id '\(value)' is not an integer") }
        try add(key, v, "line \(line)")
      }
    }
    guard !tokens.isEmpty else { throw OmicsError(file: path, "the token dictionary is empty") }
    return (tokens, order, sawInt16)
  }

  /// A median dictionary: gene → non-zero median (finite and positive).
  public static func medians(_ path: String) throws -> [String: Double] {
    var out: [String: Double] = [:]
    func add(_ key: String, _ v: Double, _ location: String) throws {
      guard v.isFinite, v > 0 else {
        throw OmicsError(file: path, location: location, "median \(v) for '\(key)' is not a positive finite number")
      }
      out[key] = v
    }
    if isPickle(path) {
      let (keys, values) = try PickleReader.readDictionary(path: path)
      out.reserveCapacity(keys.count)
      for (i, (k, v)) in zip(keys, values).enumerated() {
        guard let key = k.stringValue else { throw OmicsError(file: path, location: "entry \(i + 1)", "key is \(k.typeName), expected str") }
        guard let value = v.doubleValue else {
          throw OmicsError(file: path, location: "entry \(i + 1)", "value for '\(key)' is \(v.typeName), expected a number")
        }
        try add(key, value, "entry \(i + 1)")
      }
    } else {
      for (key, value, line) in try tsvPairs(path, isHeader: { Double($1) == nil }) {
        guard let v = Double(value) else { throw OmicsError.line(line, file: path, "median '\(value)' is not a number") }
        try add(key, v, "line \(line)")
      }
    }
    guard !out.isEmpty else { throw OmicsError(file: path, "the median dictionary is empty") }
    return out
  }

  /// An id mapping: (upper-case) id, symbol or alias → canonical id.
  public static func mapping(_ path: String) throws -> [String: String] {
    var out: [String: String] = [:]
    if isPickle(path) {
      let (keys, values) = try PickleReader.readDictionary(path: path)
      out.reserveCapacity(keys.count)
      for (i, (k, v)) in zip(keys, values).enumerated() {
        guard let key = k.stringValue else { throw OmicsError(file: path, location: "entry \(i + 1)", "key is \(k.typeName), expected str") }
        guard let value = v.stringValue else {
          throw OmicsError(file: path, location: "entry \(i + 1)", "value for '\(key)' is \(v.typeName), expected str")
        }
        out[key] = value
      }
    } else {
      for (key, value, _) in try tsvPairs(path, isHeader: { !$1.contains(where: \.isNumber) }) { out[key] = value }
    }
    guard !out.isEmpty else { throw OmicsError(file: path, "the gene mapping dictionary is empty") }
    return out
  }
}
