import Dispatch
import Foundation
import OmicsCore

/// The entries parsed from one slice of a coordinate file (internal).
struct CoordinateChunk<T: TextReaderFloat>: Sendable {
  /// 0-based index along the output's rows (the file's rows, or columns when transposing).
  var major: [Int32] = []
  /// 0-based index along the output's columns.
  var minor: [Int32] = []
  var values: [T] = []
  /// Entry lines read from the file (mirrored symmetric entries not counted).
  var entryCount = 0
  /// The first problem found: byte offset of the offending line and the message.
  var failure: (offset: Int, message: String)?
}

/// Parses the entry lines of a `coordinate` Matrix Market file, in parallel slices cut at line breaks
/// (internal to `MatrixMarketReader`). No per-line allocation: tokens are read straight from the bytes.
enum CoordinateEntryParser {
  /// Slices of at least this many bytes are given to one worker.
  static let minimumSliceBytes = 1 << 22

  static func parse<T: TextReaderFloat>(
    _ type: T.Type, buffer: UnsafeBufferPointer<UInt8>, dataStart: Int, header: MatrixMarketHeader,
    transpose: Bool, parallel: Bool, sliceCount: Int? = nil
  ) -> (chunks: [CoordinateChunk<T>], bounds: [Int]) {
    guard let base = buffer.baseAddress, dataStart < buffer.count else {
      return ([CoordinateChunk<T>()], [dataStart, max(dataStart, buffer.count)])
    }
    let total = buffer.count - dataStart
    var workers = parallel ? max(1, min(ProcessInfo.processInfo.activeProcessorCount, total / minimumSliceBytes)) : 1
    if let sliceCount { workers = max(1, min(sliceCount, total)) }
    var bounds: [Int] = [dataStart]
    for k in 1..<workers {
      let target = dataStart + total / workers * k
      let cut = min(ByteLineCursor.lineEnd(base, from: max(target, bounds[k - 1]), to: buffer.count) + 1, buffer.count)
      bounds.append(cut)
    }
    bounds.append(buffer.count)
    let slices = workers
    let results = UnsafeMutableBufferPointer<CoordinateChunk<T>>.allocate(capacity: slices)
    results.initialize(repeating: CoordinateChunk<T>())
    defer {
      results.deinitialize()
      results.deallocate()
    }
    let shared = SharedPointers(base: base, results: UnsafeMutableRawPointer(results.baseAddress!))  // safe: capacity ≥ 1
    let estimate = max(1, header.entries / slices)
    if slices == 1 {
      results[0] = parseSlice(
        T.self, base: base, from: bounds[0], to: bounds[1], header: header, transpose: transpose, reserve: estimate)
    } else {
      DispatchQueue.concurrentPerform(iterations: slices) { k in
        let out = shared.results.assumingMemoryBound(to: CoordinateChunk<T>.self)
        out[k] = parseSlice(
          T.self, base: shared.base, from: bounds[k], to: bounds[k + 1], header: header, transpose: transpose,
          reserve: estimate)
      }
    }
    return (Array(results), bounds)
  }

  /// Pointers handed to the workers; each worker writes only its own result slot.
  private struct SharedPointers: @unchecked Sendable {
    let base: UnsafePointer<UInt8>
    let results: UnsafeMutableRawPointer
  }

  static func parseSlice<T: TextReaderFloat>(
    _ type: T.Type, base: UnsafePointer<UInt8>, from: Int, to: Int, header: MatrixMarketHeader, transpose: Bool,
    reserve: Int
  ) -> CoordinateChunk<T> {
    var chunk = CoordinateChunk<T>()
    let budget = min(reserve, (to - from) / 4 + 16)  // never trust the declared count for memory
    let capacity = budget + budget / 8 + 16
    chunk.major.reserveCapacity(capacity)
    chunk.minor.reserveCapacity(capacity)
    chunk.values.reserveCapacity(capacity)
    let rows = Int64(header.rows)
    let cols = Int64(header.cols)
    let field = header.field
    let mirror = header.symmetry != .general
    let negateMirror = header.symmetry == .skewSymmetric
    var p = from
    while p < to {
      let lineStart = p
      let end = ByteLineCursor.lineEnd(base, from: p, to: to)
      p = end + 1
      var i = lineStart
      while i < end && isBlankByte(base[i]) { i += 1 }
      if i == end || base[i] == 0x25 { continue }  // blank line or % comment
      switch parseEntry(T.self, base: base, from: i, end: end, rows: rows, cols: cols, field: field) {
      case .failure(let message):
        chunk.failure = (lineStart, message)
        return chunk
      case .entry(let r, let c, let value):
        chunk.entryCount += 1
        chunk.major.append(transpose ? c : r)
        chunk.minor.append(transpose ? r : c)
        chunk.values.append(value)
        if mirror && r != c {
          chunk.major.append(transpose ? r : c)
          chunk.minor.append(transpose ? c : r)
          chunk.values.append(negateMirror ? -value : value)
        }
      }
    }
    return chunk
  }

  /// One parsed entry line: 0-based row and column and the value, or what is wrong with it.
  enum Entry<T> {
    case entry(Int32, Int32, T)
    case failure(String)
  }

  @inline(__always)
  static func parseEntry<T: TextReaderFloat>(
    _ type: T.Type, base: UnsafePointer<UInt8>, from: Int, end: Int, rows: Int64, cols: Int64,
    field: MatrixMarketHeader.Field
  ) -> Entry<T> {
    var i = from
    guard let rowToken = token(base, &i, end), let colToken = token(base, &i, end) else {
      return .failure(malformed(base, from, end, field))
    }
    guard let row = index(rowToken), let col = index(colToken) else {
      return .failure(malformed(base, from, end, field))
    }
    if row < 1 || row > rows { return .failure("row index \(row) is out of range 1...\(rows)") }
    if col < 1 || col > cols { return .failure("column index \(col) is out of range 1...\(cols)") }
    var value: T = 1
    if field != .pattern {
      guard let valueToken = token(base, &i, end) else { return .failure(malformed(base, from, end, field)) }
      if field == .integer {
        if let v = ASCIINumberParser.int64(valueToken) {
          value = T(v)
        } else if let v = ASCIINumberParser.double(valueToken), v.isFinite, v.rounded() == v {
          value = T(v)
        } else {
          return .failure("malformed entry: value '\(valueToken.decodedString.prefix(40))' is not an integer")
        }
      } else {
        guard let v = ASCIINumberParser.double(valueToken) else {
          return .failure("malformed entry: value '\(valueToken.decodedString.prefix(40))' is not a number")
        }
        value = T(v)
      }
    }
    if let extra = token(base, &i, end) {
      return .failure(
        "malformed entry: unexpected '\(extra.decodedString.prefix(40))' after \(expectedEntry(field))")
    }
    return .entry(Int32(truncatingIfNeeded: row - 1), Int32(truncatingIfNeeded: col - 1), value)
  }

  static func expectedEntry(_ field: MatrixMarketHeader.Field) -> String {
    field == .pattern ? "'row column'" : "'row column value'"
  }

  static func malformed(_ base: UnsafePointer<UInt8>, _ from: Int, _ end: Int, _ field: MatrixMarketHeader.Field)
    -> String
  {
    let text = UnsafeBufferPointer(start: base + from, count: end - from).trimmingBlanks.decodedString
    return "malformed entry: expected \(expectedEntry(field)) with integer indices, found '\(text.prefix(80))'"
  }

  /// The next blank-separated token in `[i, end)`, advancing `i` past it.
  @inline(__always)
  static func token(_ base: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int) -> UnsafeBufferPointer<UInt8>? {
    while i < end && isBlankByte(base[i]) { i += 1 }
    if i == end { return nil }
    let start = i
    while i < end && !isBlankByte(base[i]) { i += 1 }
    return UnsafeBufferPointer(start: base + start, count: i - start)
  }

  /// A 1-based index: plain digits, at most 18 of them.
  @inline(__always)
  static func index(_ token: UnsafeBufferPointer<UInt8>) -> Int64? {
    guard token.count > 0, token.count <= 18 else { return nil }
    var value: Int64 = 0
    for b in token {
      let d = b &- 0x30
      guard d < 10 else { return nil }
      value = value * 10 + Int64(d)
    }
    return value
  }

  /// 1-based line number of the byte at `offset`, given that `dataStart` begins line `firstLine`.
  static func lineNumber(of offset: Int, buffer: UnsafeBufferPointer<UInt8>, dataStart: Int, firstLine: Int) -> Int {
    guard let base = buffer.baseAddress else { return firstLine }
    var line = firstLine
    var p = dataStart
    while p < offset {
      let end = ByteLineCursor.lineEnd(base, from: p, to: offset)
      if end >= offset { break }
      line += 1
      p = end + 1
    }
    return line
  }

  /// Byte offset of the line holding the `k`-th (0-based) entry of the slice starting at `from`.
  static func offsetOfEntry(_ k: Int, base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
    var seen = 0
    var p = from
    while p < to {
      let lineStart = p
      let end = ByteLineCursor.lineEnd(base, from: p, to: to)
      p = end + 1
      var i = lineStart
      while i < end && isBlankByte(base[i]) { i += 1 }
      if i == end || base[i] == 0x25 { continue }
      if seen == k { return lineStart }
      seen += 1
    }
    return to
  }
}
