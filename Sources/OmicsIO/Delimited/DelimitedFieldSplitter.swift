import Foundation

/// Splits one line of a delimited text file into field ranges, reusing its storage between lines
/// (internal to the text readers).
///
/// With `quoteAware`, a field that starts with `"` runs to the matching closing quote (`""` inside
/// stands for one quote, and delimiters inside are data), as RFC 4180 and R's `write.table` write them;
/// without it the line is cut at every delimiter and one pair of surrounding quotes is removed from
/// each field (GEO's tables, whose free text may contain unbalanced quotes). A space delimiter
/// treats runs of spaces and tabs as one separator and ignores leading/trailing blanks.
struct DelimitedFieldSplitter {
  /// What can go wrong while splitting.
  enum Failure: Error, Equatable {
    case unterminatedQuote(field: Int)
    case textAfterQuote(field: Int)
  }

  let delimiter: UInt8
  let quoteAware: Bool
  /// Field ranges (content only, quotes excluded) of the last split line.
  private(set) var ranges: [Range<Int>] = []
  /// Whether each field contains doubled quotes that `string(_:in:)` must unescape.
  private(set) var escaped: [Bool] = []

  init(delimiter: UInt8, quoteAware: Bool) {
    self.delimiter = delimiter
    self.quoteAware = quoteAware
    ranges.reserveCapacity(64)
    escaped.reserveCapacity(64)
  }

  var count: Int { ranges.count }

  /// Splits `line`; afterwards `ranges` holds one range per field.
  mutating func split(_ line: UnsafeBufferPointer<UInt8>) throws(Failure) {
    ranges.removeAll(keepingCapacity: true)
    escaped.removeAll(keepingCapacity: true)
    let n = line.count
    if delimiter == 0x20 {
      splitOnBlanks(line)
      return
    }
    var i = 0
    while true {
      if quoteAware && i < n && line[i] == 0x22 {
        var j = i + 1
        var hasEscape = false
        var closed = false
        while j < n {
          if line[j] == 0x22 {
            if j + 1 < n && line[j + 1] == 0x22 {
              hasEscape = true
              j += 2
              continue
            }
            closed = true
            break
          }
          j += 1
        }
        guard closed else { throw .unterminatedQuote(field: ranges.count + 1) }
        ranges.append((i + 1)..<j)
        escaped.append(hasEscape)
        j += 1
        if j == n { return }
        guard line[j] == delimiter else { throw .textAfterQuote(field: ranges.count) }
        i = j + 1
        if i == n {
          ranges.append(n..<n)
          escaped.append(false)
          return
        }
        continue
      }
      var j = i
      while j < n && line[j] != delimiter { j += 1 }
      var lo = i
      var hi = j
      if !quoteAware && hi - lo >= 2 && line[lo] == 0x22 && line[hi - 1] == 0x22 {
        lo += 1
        hi -= 1
      }
      ranges.append(lo..<hi)
      escaped.append(false)
      if j >= n { return }
      i = j + 1
      if i == n {
        ranges.append(n..<n)
        escaped.append(false)
        return
      }
    }
  }

  private mutating func splitOnBlanks(_ line: UnsafeBufferPointer<UInt8>) {
    let n = line.count
    var i = 0
    while true {
      while i < n && (line[i] == 0x20 || line[i] == 0x09) { i += 1 }
      if i >= n { return }
      var j = i
      if quoteAware && line[i] == 0x22 {
        j = i + 1
        while j < n && line[j] != 0x22 { j += 1 }
        ranges.append((i + 1)..<min(j, n))
        escaped.append(false)
        i = j + 1
        continue
      }
      while j < n && line[j] != 0x20 && line[j] != 0x09 { j += 1 }
      ranges.append(i..<j)
      escaped.append(false)
      i = j
    }
  }

  /// The bytes of field `k` of `line` (quotes excluded, escapes not resolved), trimmed of blanks.
  @inline(__always)
  func bytes(_ k: Int, in line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(rebasing: line[ranges[k]]).trimmingBlanks
  }

  /// Field `k` of `line` as a String, trimmed of surrounding blanks, doubled quotes resolved.
  func string(_ k: Int, in line: UnsafeBufferPointer<UInt8>) -> String {
    let text = bytes(k, in: line).decodedString
    return escaped[k] ? text.replacingOccurrences(of: "\"\"", with: "\"") : text
  }
}
