import Foundation
import OmicsCore
import OrderedCollections

/// Reads GEO SOFT files into a `SOFTFile`.
///
/// Line types (https://www.ncbi.nlm.nih.gov/geo/info/soft.html): `^ENTITY = accession` starts an entity;
/// `!Entity_key = value` adds an attribute (stored under `key`, the text after the first `_`);
/// `#NAME = description` describes a table column; `!<kind>_table_begin` … `!<kind>_table_end`
/// (matched ignoring case, so both GEO's `!platform_table_begin` and the templates'
/// `!Platform_table_begin` work, as does `!series_table_begin = Listing…`) enclose a tab-delimited table
/// whose first non-blank line is the header. Blank lines are skipped; CRLF and invalid UTF-8 (replaced)
/// are tolerated. Errors name the file and line: text before the first entity, a table with no end
/// marker, a table end without a begin.
///
///     let soft = try SOFTReader.read("GSE2553_family.soft.gz")
///     let values = try soft.expressionMatrix()
public enum SOFTReader {
  /// Reads `path` (gzip detected by content).
  public static func read(_ path: String) throws -> SOFTFile {
    try parse(TextFile(path: path))
  }

  /// Parses SOFT text already in memory.
  public static func parse(_ file: TextFile) throws -> SOFTFile {
    let name = file.name
    var entities: [SOFTEntity] = []
    try file.bytes.withUnsafeBytes { raw in
      let all = raw.bindMemory(to: UInt8.self)
      guard let origin = all.baseAddress else { return }
      var cursor = ByteLineCursor(raw)
      var current: SOFTEntity? = nil
      // Table state.
      var tableKind: String? = nil
      var tableBegin = 0
      var header: [String]? = nil
      var headerLine = 0
      var rowRanges: [Range<Int>] = []
      var rowLines: [Int] = []

      while let line = cursor.next() {
        let number = cursor.lineNumber
        let trimmed = line.trimmingBlanks
        if let kind = tableKind {
          if trimmed.isEmpty { continue }
          if trimmed[0] == 0x21, let marker = tableMarker(trimmed), marker.isEnd {
            guard marker.kind == kind else {
              throw OmicsError.line(
                number, file: name, "!\(marker.kind)_table_end does not close the !\(kind)_table_begin of line \(tableBegin)")
            }
            let table = SOFTTable(
              kind: kind, columns: header ?? [], headerLine: header == nil ? tableBegin : headerLine, file: name,
              text: file.bytes, rowRanges: rowRanges, rowLines: rowLines)
            current?.tables.append(table)
            tableKind = nil
            header = nil
            rowRanges = []
            rowLines = []
            continue
          }
          if trimmed[0] == 0x5E {  // '^' inside a table: its end marker is missing
            throw OmicsError.line(
              number, file: name, "new entity before !\(kind)_table_end (the table begins at line \(tableBegin))")
          }
          if header == nil {
            header = line.decodedString.split(separator: "\t", omittingEmptySubsequences: false).map {
              $0.trimmingCharacters(in: .whitespaces)
            }
            while let last = header?.last, last.isEmpty, (header?.count ?? 0) > 1 { header?.removeLast() }
            headerLine = number
            continue
          }
          let start = origin.distance(to: line.baseAddress ?? origin)
          rowRanges.append(start..<(start + line.count))
          rowLines.append(number)
          continue
        }
        if trimmed.isEmpty { continue }
        let first = trimmed[0]
        if first == 0x5E {  // ^ENTITY = accession
          if let done = current { entities.append(done) }
          let (key, value) = splitAssignment(UnsafeBufferPointer(rebasing: trimmed[1...]).decodedString)
          current = SOFTEntity(kind: key.uppercased(), accession: value, line: number)
          continue
        }
        guard current != nil else {
          throw OmicsError.line(
            number, file: name,
            "expected an entity line such as '^SAMPLE = GSM1' before '\(trimmed.decodedString.prefix(60))'")
        }
        if first == 0x21 {  // !
          if let marker = tableMarker(trimmed) {
            if marker.isEnd {
              throw OmicsError.line(number, file: name, "!\(marker.kind)_table_end without a table begin")
            }
            tableKind = marker.kind
            tableBegin = number
            continue
          }
          let (key, value) = splitAssignment(UnsafeBufferPointer(rebasing: trimmed[1...]).decodedString)
          let attribute = key.firstIndex(of: "_").map { String(key[key.index(after: $0)...]) } ?? key
          current?.attributes[attribute, default: []].append(value)
        } else if first == 0x23 {  // #
          let (key, value) = splitAssignment(UnsafeBufferPointer(rebasing: trimmed[1...]).decodedString)
          current?.columnDescriptions.append(.init(name: key, description: value))
        } else {
          throw OmicsError.line(
            number, file: name,
            "expected a line starting with ^, ! or # outside a table, found '\(trimmed.decodedString.prefix(60))'")
        }
      }
      if let kind = tableKind {
        throw OmicsError.line(
          cursor.lineNumber, file: name, "the table begun at line \(tableBegin) has no !\(kind)_table_end (truncated file?)")
      }
      if let done = current { entities.append(done) }
    }
    return SOFTFile(name: name, entities: entities)
  }

  /// `key = value` → (trimmed key, trimmed value); no `=` → (whole text, "").
  static func splitAssignment(_ text: String) -> (String, String) {
    guard let eq = text.firstIndex(of: "=") else { return (text.trimmingCharacters(in: .whitespaces), "") }
    return (
      text[..<eq].trimmingCharacters(in: .whitespaces),
      text[text.index(after: eq)...].trimmingCharacters(in: .whitespaces)
    )
  }

  /// `!platform_table_begin[ = …]` → ("platform", begin); case-insensitive.
  static func tableMarker(_ line: UnsafeBufferPointer<UInt8>) -> (kind: String, isEnd: Bool)? {
    var end = 0
    while end < line.count && line[end] != 0x3D && !isBlankByte(line[end]) { end += 1 }  // up to '=' or blank
    let word = String(decoding: UnsafeBufferPointer(rebasing: line[1..<end]), as: UTF8.self).lowercased()
    for (suffix, isEnd) in [("_table_begin", false), ("_table_end", true)] where word.hasSuffix(suffix) {
      let kind = String(word.dropLast(suffix.count))
      if !kind.isEmpty { return (kind, isEnd) }
    }
    return nil
  }
}
