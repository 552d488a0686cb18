import Foundation
import OmicsCore

/// Probe → gene mapping of a GEO platform: gene symbols and Entrez ids for each probe id.
///
/// Built from a platform table: a GPL SOFT file (`!platform_table_begin`), a GEO `.annot` file, or a
/// plain tab-delimited table whose header row starts the data (lines starting with `#`, `!` or `^`
/// before it are skipped). Columns are found by name — given explicitly, or detected from
/// `symbolColumnNames` / `entrezColumnNames` (exact names first, then ignoring case, blanks and
/// underscores); the probe id column is `ID` (else the first column). A cell lists several genes
/// separated by `///` (with or without spaces around it); `---` or an empty cell means none.
/// Probe ids are looked up exactly, then ignoring case (as GEOquery matches them).
///
///     let gpl = try PlatformAnnotation.read("GPL570.annot.gz")
///     gpl.genes(forProbe: "1007_s_at")   // ["DDR1", "MIR4640"]
public struct PlatformAnnotation: Sendable, Equatable {
  /// Which gene identifier to map probes to.
  public enum GeneKey: String, Sendable, Equatable {
    case symbol
    case entrez
  }

  /// Symbol column names, in order of preference (Affymetrix, GEO `.annot`, Illumina, Agilent, …).
  public static let symbolColumnNames = [
    "Gene Symbol", "Gene symbol", "GENE_SYMBOL", "Symbol", "SYMBOL", "gene_symbol", "GeneSymbol", "Gene_Symbol",
    "ILMN_Gene", "gene_assignment_symbol",
  ]
  /// Entrez id column names, in order of preference.
  public static let entrezColumnNames = [
    "ENTREZ_GENE_ID", "Gene ID", "Entrez_Gene_ID", "Entrez Gene", "EntrezGeneID", "ENTREZ_ID", "Entrez_ID", "GENE",
    "GeneID", "Entrez",
  ]

  /// The platform accession, when known (`GPL570`).
  public var platform: String
  /// The file the annotation came from (for messages).
  public var source: String
  public var probeIDs: [String]
  /// Gene symbols of each probe (empty when none).
  public var symbols: [[String]]
  /// Entrez ids of each probe (empty when none).
  public var entrezIDs: [[String]]
  /// The columns used, nil when absent.
  public var symbolColumn: String?
  public var entrezColumn: String?
  private var exact: [String: Int]
  private var folded: [String: Int]

  public init(
    platform: String = "", source: String = "", probeIDs: [String], symbols: [[String]], entrezIDs: [[String]],
    symbolColumn: String? = nil, entrezColumn: String? = nil
  ) {
    self.platform = platform
    self.source = source
    self.probeIDs = probeIDs
    self.symbols = symbols
    self.entrezIDs = entrezIDs
    self.symbolColumn = symbolColumn
    self.entrezColumn = entrezColumn
    var exact: [String: Int] = [:]
    var folded: [String: Int] = [:]
    for (i, id) in probeIDs.enumerated() {
      if exact[id] == nil { exact[id] = i }
      let f = id.lowercased()
      if folded[f] == nil { folded[f] = i }
    }
    self.exact = exact
    self.folded = folded
  }

  /// Builds the mapping from a platform table; at least one gene column must be found.
  public init(
    table: SOFTTable, platform: String = "", idColumn: String? = nil, symbolColumn: String? = nil,
    entrezColumn: String? = nil
  ) throws {
    func find(_ wanted: String?, _ candidates: [String], what: String) throws -> Int? {
      if let wanted {
        guard let i = table.columnIndex(named: wanted) else {
          throw OmicsError.line(
            table.headerLine, file: table.file,
            "no \(what) column '\(wanted)' in the platform table (columns: \(table.columns.joined(separator: ", ")))")
        }
        return i
      }
      for c in candidates { if let i = table.columns.firstIndex(of: c) { return i } }
      let normalized = Set(candidates.map(Self.normalize))
      return table.columns.firstIndex { normalized.contains(Self.normalize($0)) }
    }
    let idIndex = try find(idColumn, ["ID"], what: "probe id") ?? 0
    let symbolIndex = try find(symbolColumn, Self.symbolColumnNames, what: "gene symbol")
    let entrezIndex = try find(entrezColumn, Self.entrezColumnNames, what: "Entrez id")
    if symbolIndex == nil && entrezIndex == nil {
      throw OmicsError.line(
        table.headerLine, file: table.file,
        "no gene symbol or Entrez id column found in the platform table (columns: \(table.columns.joined(separator: ", "))); name one with symbolColumn: or entrezColumn:")
    }
    let ids = table.strings(idIndex)
    let symbols = symbolIndex.map { table.strings($0).map(Self.splitGenes) } ?? Array(repeating: [], count: ids.count)
    let entrez = entrezIndex.map { table.strings($0).map(Self.splitGenes) } ?? Array(repeating: [], count: ids.count)
    self.init(
      platform: platform, source: table.file, probeIDs: ids, symbols: symbols, entrezIDs: entrez,
      symbolColumn: symbolIndex.map { table.columns[$0] }, entrezColumn: entrezIndex.map { table.columns[$0] })
  }

  /// Reads a GPL SOFT file, a `.annot` file or a plain platform table (gzip detected by content).
  /// `platform` picks one platform of a SOFT file holding several.
  public static func read(
    _ path: String, platform: String? = nil, idColumn: String? = nil, symbolColumn: String? = nil,
    entrezColumn: String? = nil
  ) throws -> PlatformAnnotation {
    let file = try TextFile(path: path)
    let (table, accession) = try platformTable(file, platform: platform)
    return try PlatformAnnotation(
      table: table, platform: accession, idColumn: idColumn, symbolColumn: symbolColumn, entrezColumn: entrezColumn)
  }

  /// The platform table of a SOFT/`.annot` file, or the whole file read as a plain table.
  static func platformTable(_ file: TextFile, platform: String?) throws -> (SOFTTable, String) {
    if hasTableMarker(file) {
      let soft = try SOFTReader.parse(file)
      let candidates = soft.entities.filter { ($0.kind == "PLATFORM" || $0.kind == "ANNOTATION") && $0.table != nil }
      func accession(_ e: SOFTEntity) -> String { e.accession.isEmpty ? (e.value("platform") ?? "") : e.accession }
      let picked: [SOFTEntity] = platform.map { p in candidates.filter { accession($0) == p } } ?? candidates
      guard let entity = picked.first, let table = entity.table else {
        let what = platform.map { "platform \($0)" } ?? "platform"
        throw OmicsError(file: file.name, "no \(what) table found (expected ^PLATFORM or ^Annotation with !platform_table_begin)")
      }
      if picked.count > 1 {
        throw OmicsError(
          file: file.name, "holds \(picked.count) platform tables (\(picked.map(accession).joined(separator: ", "))); choose one with platform:")
      }
      return (table, accession(entity))
    }
    // Plain table: skip leading #, ! and ^ lines; the next non-blank line is the header.
    var accession = ""
    var header: [String]?
    var headerLine = 0
    var ranges: [Range<Int>] = []
    var lines: [Int] = []
    file.bytes.withUnsafeBytes { raw in
      guard let origin = raw.bindMemory(to: UInt8.self).baseAddress else { return }
      var cursor = ByteLineCursor(raw)
      while let line = cursor.next() {
        let trimmed = line.trimmingBlanks
        if trimmed.isEmpty { continue }
        if header == nil {
          if trimmed[0] == 0x21 || trimmed[0] == 0x23 || trimmed[0] == 0x5E {
            let text = trimmed.decodedString
            if text.lowercased().hasPrefix("!annotation_platform ") || text.lowercased().hasPrefix("!annotation_platform=") {
              accession = SOFTReader.splitAssignment(text).1
            }
            continue
          }
          header = line.decodedString.split(separator: "\t", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
          }
          headerLine = cursor.lineNumber
          continue
        }
        let start = origin.distance(to: line.baseAddress ?? origin)
        ranges.append(start..<(start + line.count))
        lines.append(cursor.lineNumber)
      }
    }
    guard let header else { throw OmicsError(file: file.name, "empty platform table: no header row") }
    return (
      SOFTTable(
        kind: "table", columns: header, headerLine: headerLine, file: file.name, text: file.bytes, rowRanges: ranges,
        rowLines: lines),
      accession
    )
  }

  private static func hasTableMarker(_ file: TextFile) -> Bool {
    var found = false
    file.bytes.withUnsafeBytes { raw in
      var cursor = ByteLineCursor(raw)
      while let line = cursor.next() {
        let t = line.trimmingBlanks
        if !t.isEmpty && t[0] == 0x21, let marker = SOFTReader.tableMarker(t), !marker.isEnd {
          found = true
          return
        }
        // Stop at the first line that is not metadata: a plain table's header.
        if !t.isEmpty && t[0] != 0x21 && t[0] != 0x23 && t[0] != 0x5E { return }
      }
    }
    return found
  }

  /// `"DDR1 /// MIR4640"` → `["DDR1", "MIR4640"]`; `"---"` and `""` → `[]`; repeats removed.
  public static func splitGenes(_ cell: String) -> [String] {
    var out: [String] = []
    for part in cell.components(separatedBy: "///") {
      let gene = part.trimmingCharacters(in: .whitespaces)
      if gene.isEmpty || gene == "---" || out.contains(gene) { continue }
      out.append(gene)
    }
    return out
  }

  /// The genes of a probe (exact id, then ignoring case); nil when the probe is not in the platform.
  public func genes(forProbe probe: String, key: GeneKey = .symbol) -> [String]? {
    guard let i = exact[probe] ?? folded[probe.lowercased()] else { return nil }
    return key == .symbol ? symbols[i] : entrezIDs[i]
  }

  static func normalize(_ name: String) -> String {
    name.lowercased().filter { $0 != " " && $0 != "_" }
  }
}
