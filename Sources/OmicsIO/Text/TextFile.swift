import Foundation
import OmicsCore

/// The text of a file, transparently gunzipped, split into lines on demand.
///
/// Lines end at `\n`; a trailing `\r` is removed (CRLF files), and a UTF-8 byte-order mark at the
/// start is skipped. Invalid UTF-8 is replaced with U+FFFD unless `strictUTF8` is set, in which case it
/// is an error naming the line.
public struct TextFile: Sendable {
  /// The name used in error messages (the path as the user gave it).
  public let name: String
  /// The decoded (decompressed) bytes.
  public let bytes: Data

  /// Reads `path`, inflating it if it is gzip-compressed (by content, not by extension).
  public init(path: String) throws {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw OmicsError(file: path, "no such file")
    }
    if isDirectory.boolValue { throw OmicsError(file: path, "is a folder, expected a file") }
    let raw: Data
    do { raw = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
      throw OmicsError(file: path, "cannot read: \(error.localizedDescription)")
    }
    self.init(name: path, contents: raw)
    if Gunzip.isGzip(raw) {
      self = TextFile(name: path, decoded: try Gunzip.inflate(raw, file: path))
    }
  }

  /// Wraps bytes already in memory, as they are (use `init(path:)` for transparent gunzip).
  public init(name: String, contents: Data) {
    self.name = name
    self.bytes = contents
  }

  private init(name: String, decoded: Data) {
    self.name = name
    self.bytes = decoded
  }

  /// Wraps text in memory.
  public init(name: String, text: String) {
    self.init(name: name, contents: Data(text.utf8))
  }

  /// Calls `body` with each line (without its terminator) and its 1-based number; stop by returning false.
  public func forEachLine(
    strictUTF8: Bool = false, _ body: (String, Int) throws -> Bool
  ) throws {
    var failure: OmicsError?
    bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
      guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
      let count = raw.count
      var start = 0
      if count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { start = 3 }
      var lineNumber = 0
      while start < count {
        var end = start
        while end < count && base[end] != 0x0A { end += 1 }
        lineNumber += 1
        var stop = end
        if stop > start && base[stop - 1] == 0x0D { stop -= 1 }
        let buffer = UnsafeBufferPointer(start: base + start, count: stop - start)
        let line: String
        if strictUTF8 {
          guard let decoded = String(validating: buffer, as: UTF8.self) else {
            failure = OmicsError.line(lineNumber, file: name, "invalid UTF-8")
            return
          }
          line = decoded
        } else {
          line = String(decoding: buffer, as: UTF8.self)
        }
        do {
          if try !body(line, lineNumber) { return }
        } catch {
          failure = (error as? OmicsError) ?? OmicsError(file: name, location: "line \(lineNumber)", "\(error)")
          return
        }
        start = end + 1
      }
    }
    if let failure { throw failure }
  }

  /// All lines, in order.
  public func lines(strictUTF8: Bool = false) throws -> [String] {
    var out: [String] = []
    try forEachLine(strictUTF8: strictUTF8) { line, _ in
      out.append(line)
      return true
    }
    return out
  }
}
