import Foundation

/// Walks the lines of a byte buffer without allocating (internal to the text readers).
///
/// Same conventions as `TextFile.forEachLine`: lines end at `\n`, a trailing `\r` is dropped, a UTF-8
/// byte-order mark at the very start is skipped, and line numbers are 1-based. A final line without
/// a terminator is still returned; an empty buffer has no lines.
struct ByteLineCursor {
  let buffer: UnsafeBufferPointer<UInt8>
  /// Offset of the first byte not yet returned.
  private(set) var position: Int
  /// Number of the line most recently returned by `next()` (0 before the first call).
  private(set) var lineNumber: Int

  init(_ raw: UnsafeRawBufferPointer) {
    buffer = raw.bindMemory(to: UInt8.self)
    position = 0
    lineNumber = 0
    if buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { position = 3 }
  }

  /// Offset where the line most recently returned began.
  private(set) var lineStart = 0

  /// The next line, without its terminator, or nil at the end of the buffer.
  mutating func next() -> UnsafeBufferPointer<UInt8>? {
    guard position < buffer.count, let base = buffer.baseAddress else { return nil }
    let start = position
    let end = ByteLineCursor.lineEnd(base, from: start, to: buffer.count)
    lineNumber += 1
    lineStart = start
    position = end + 1
    var stop = end
    if stop > start && base[stop - 1] == 0x0D { stop -= 1 }
    return UnsafeBufferPointer(start: base + start, count: stop - start)
  }

  /// Offset of the next `\n` at or after `from`, or `to` when there is none.
  @inline(__always)
  static func lineEnd(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
    guard from < to, let hit = memchr(base + from, 0x0A, to - from) else { return to }
    return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
  }
}

extension UnsafeBufferPointer where Element == UInt8 {
  /// The bytes decoded as UTF-8, invalid sequences replaced with U+FFFD.
  var decodedString: String { String(decoding: self, as: UTF8.self) }

  /// The bytes without leading and trailing spaces, tabs and carriage returns.
  var trimmingBlanks: UnsafeBufferPointer<UInt8> {
    var lo = 0
    var hi = count
    while lo < hi && isBlankByte(self[lo]) { lo += 1 }
    while hi > lo && isBlankByte(self[hi - 1]) { hi -= 1 }
    return UnsafeBufferPointer(rebasing: self[lo..<hi])
  }

  /// True when the bytes equal the ASCII text `literal`, ignoring ASCII case.
  func equalsIgnoringASCIICase(_ literal: StaticString) -> Bool {
    guard literal.utf8CodeUnitCount == count else { return false }
    let lit = literal.utf8Start
    for i in 0..<count where asciiLower(self[i]) != asciiLower(lit[i]) { return false }
    return true
  }

  /// True when the bytes start with `literal`, ignoring ASCII case.
  func hasPrefixIgnoringASCIICase(_ literal: StaticString) -> Bool {
    guard literal.utf8CodeUnitCount <= count else { return false }
    let lit = literal.utf8Start
    for i in 0..<literal.utf8CodeUnitCount where asciiLower(self[i]) != asciiLower(lit[i]) { return false }
    return true
  }
}

@inline(__always) func isBlankByte(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }
@inline(__always) func asciiLower(_ b: UInt8) -> UInt8 { (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b }
