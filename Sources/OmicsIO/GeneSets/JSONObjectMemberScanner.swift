import Foundation
import OmicsCore

/// Walks the members of a top-level JSON object without decoding the values, so member order and
/// repeated keys survive (`JSONSerialization` returns an unordered dictionary). Iterative: nesting
/// depth costs no stack. Values are handed over as byte ranges for `JSONSerialization` to decode.
struct JSONObjectMemberScanner {
  let bytes: [UInt8]
  let file: String
  /// The deepest nesting accepted inside one member value.
  static let maximumDepth = 64
  private var position = 0
  private var line = 1

  init(bytes: [UInt8], file: String) {
    self.bytes = bytes
    self.file = file
  }

  /// Calls `body(key, lineOfKey, valueBytes)` for every member in order.
  mutating func forEachMember(_ body: (String, Int, ArraySlice<UInt8>) throws -> Void) throws {
    skipWhitespace()
    guard peek() == UInt8(ascii: "{") else {
      throw error(position < bytes.count ? "expected a JSON object ('{') at the top level" : "empty file, expected a JSON object")
    }
    advance()
    skipWhitespace()
    if peek() == UInt8(ascii: "}") {
      advance()
    } else {
      while true {
        skipWhitespace()
        guard peek() == UInt8(ascii: "\"") else { throw error("expected a gene-set name in double quotes") }
        let keyLine = line
        let keyBytes = try scanString()
        guard
          let key = try? JSONSerialization.jsonObject(with: Data(keyBytes), options: [.fragmentsAllowed]) as? String
        else { throw error("invalid string for a gene-set name") }
        skipWhitespace()
        guard peek() == UInt8(ascii: ":") else { throw error("expected ':' after the gene-set name") }
        advance()
        skipWhitespace()
        let value = try scanValue()
        try body(key, keyLine, value)
        skipWhitespace()
        if peek() == UInt8(ascii: ",") {
          advance()
          continue
        }
        guard peek() == UInt8(ascii: "}") else { throw error("expected ',' or '}' after a gene set") }
        advance()
        break
      }
    }
    skipWhitespace()
    guard position >= bytes.count else { throw error("unexpected text after the top-level JSON object") }
  }

  private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

  private mutating func advance() {
    if position < bytes.count && bytes[position] == 0x0A { line += 1 }
    position += 1
  }

  private mutating func skipWhitespace() {
    while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { advance() }
  }

  /// Scans a string starting at its opening quote; returns its bytes including both quotes.
  private mutating func scanString() throws -> ArraySlice<UInt8> {
    let start = position
    let startLine = line
    advance()
    while let byte = peek() {
      if byte == UInt8(ascii: "\\") {
        advance()
        if peek() != nil { advance() }
        continue
      }
      advance()
      if byte == UInt8(ascii: "\"") { return bytes[start..<position] }
    }
    throw OmicsError.line(startLine, file: file, "unterminated string")
  }

  /// Scans one value (object, array, string or scalar) and returns its bytes.
  private mutating func scanValue() throws -> ArraySlice<UInt8> {
    let start = position
    let startLine = line
    guard let first = peek() else { throw error("expected a value, found the end of the file") }
    if first == UInt8(ascii: "\"") { return try scanString() }
    if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
      var depth = 0
      while let byte = peek() {
        if byte == UInt8(ascii: "\"") {
          _ = try scanString()
          continue
        }
        advance()
        if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
          depth += 1
          // A gene-set value nests two levels; refuse pathological depth before a recursive decoder sees it.
          if depth > Self.maximumDepth {
            throw OmicsError.line(startLine, file: file, "value nested deeper than \(Self.maximumDepth) levels")
          }
        } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
          depth -= 1
          if depth == 0 { return bytes[start..<position] }
        }
      }
      throw OmicsError.line(startLine, file: file, "unterminated object or array")
    }
    while let byte = peek(),
      byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte != 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D
    {
      advance()
    }
    guard position > start else { throw error("expected a value") }
    return bytes[start..<position]
  }

  private func error(_ message: String) -> OmicsError {
    OmicsError.line(line, file: file, message)
  }
}
