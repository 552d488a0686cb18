import Foundation
import OmicsCore
import OrderedCollections

/// Reads an NCBI GEO series matrix (`GSExxx_series_matrix.txt[.gz]`, `GSExxx-GPLyyy_series_matrix…`)
/// into samples × probes.
///
/// - X: the value table transposed, dense Float64; `null`, `NA`, empty and the other
///   `MissingValueTokens` are NaN; any other non-number is an error naming the line, sample and probe.
///   Rows shorter than the header are padded with NaN.
/// - obs: index = the GSM accessions of the table header (or of `!Sample_geo_accession` when the file has
///   no table); columns built from every `!Sample_*` line by the rules of `GEOSampleMetadata`: `title`,
///   `geo_accession`, one column per characteristic key (`"tissue: liver"` → column `tissue`, or
///   `tissue:ch2` when the key occurs on several channels), then the other fields, values of repeated
///   fields joined with `"; "`. When `!Sample_geo_accession` lists the same accessions as the table in
///   another order, metadata is matched by accession.
/// - var: index = the `ID_REF` column (kept as text). A header-only table (RNA-seq series) gives 0 vars.
/// - uns["series"]: every `!Series_*` field as a string, or a string array when repeated.
///
/// Tolerated: CRLF, invalid UTF-8 (replaced), blank lines, metadata values broken across lines
/// (continuation lines not starting with `!` are joined to the line above), a repeated
/// `!series_matrix_table_begin` (and repeated header) inside the table, and a second table whose header
/// equals the first (its rows are appended). A second table with different columns, or a table without
/// `!series_matrix_table_end`, is an error.
///
///     let m = try GEOSeriesMatrixReader.read("GSE2990_series_matrix.txt.gz")
public enum GEOSeriesMatrixReader {
  /// Reads `path` (gzip detected by content).
  public static func read(_ path: String) throws -> ExpressionMatrix {
    try parse(TextFile(path: path))
  }

  /// Parses a series matrix already in memory.
  public static func parse(_ file: TextFile) throws -> ExpressionMatrix {
    let name = file.name
    var series: OrderedDictionary<String, [String]> = [:]
    var sampleRows: [(key: String, values: [String], line: Int)] = []
    var tableColumns: [String]? = nil
    var tableHeaderLine = 0
    var probeIDs: [String] = []
    var values: [Double] = []

    try file.bytes.withUnsafeBytes { raw in
      var cursor = ByteLineCursor(raw)
      var splitter = DelimitedFieldSplitter(delimiter: 0x09, quoteAware: false)
      var pending: (text: String, line: Int)? = nil
      var inTable = false
      var tableBeginLine = 0
      var expectHeader = false
      var nSamples = 0

      func flush() {
        guard let (text, line) = pending else { return }
        pending = nil
        var fields = text.split(separator: "\t", omittingEmptySubsequences: false).map(unquote)
        let key = fields.removeFirst()
        if key.hasPrefix("!Series_") {
          let k = String(key.dropFirst("!Series_".count))
          series[k, default: []].append(fields.joined(separator: "\t"))
        } else if key.hasPrefix("!Sample_") {
          while let last = fields.last, last.isEmpty, fields.count > 0 { fields.removeLast() }
          sampleRows.append((String(key.dropFirst("!Sample_".count)), fields, line))
        }
      }

      while let line = cursor.next() {
        let number = cursor.lineNumber
        let trimmed = line.trimmingBlanks
        if inTable {
          if trimmed.isEmpty { continue }
          if trimmed.equalsIgnoringASCIICase("!series_matrix_table_end") {
            inTable = false
            continue
          }
          if trimmed.equalsIgnoringASCIICase("!series_matrix_table_begin") {
            expectHeader = true  // repeated marker: a repeated header may follow
            continue
          }
          try splitter.split(line)  // cannot fail: quotes are not interpreted
          if expectHeader {
            expectHeader = false
            let header = trimmedHeader((0..<splitter.count).map { splitter.string($0, in: line) })
            if let existing = tableColumns {
              if header == existing { continue }
              throw OmicsError.line(
                number, file: name,
                "a second series matrix table (begun at line \(tableBeginLine)) has columns different from the first table's (line \(tableHeaderLine))")
            }
            tableColumns = header
            tableHeaderLine = number
            nSamples = (tableColumns?.count ?? 1) - 1
            if nSamples < 0 { nSamples = 0 }
            continue
          }
          guard let columns = tableColumns else { continue }
          var fields = splitter.count
          while fields > nSamples + 1 && splitter.bytes(fields - 1, in: line).isEmpty { fields -= 1 }
          if fields > nSamples + 1 {
            throw OmicsError.line(
              number, file: name, "has \(fields) fields but the table header (line \(tableHeaderLine)) has \(nSamples + 1)")
          }
          let probe = splitter.string(0, in: line)
          probeIDs.append(probe)
          for k in 1...max(nSamples, 1) where k <= nSamples {
            if k >= fields {
              values.append(.nan)
              continue
            }
            let cell = splitter.bytes(k, in: line)
            if MissingValueTokens.isMissing(cell) {
              values.append(.nan)
            } else if let v = ASCIINumberParser.double(cell) {
              values.append(v)
            } else {
              throw OmicsError.line(
                number, file: name,
                "value '\(cell.decodedString.prefix(40))' for \(columns[k]) / \(probe) is not a number")
            }
          }
          continue
        }
        // Metadata section.
        if trimmed.isEmpty { continue }
        if trimmed.equalsIgnoringASCIICase("!series_matrix_table_begin") {
          flush()
          inTable = true
          expectHeader = true
          tableBeginLine = number
          continue
        }
        if trimmed.equalsIgnoringASCIICase("!series_matrix_table_end") { continue }
        if trimmed[0] == 0x21 {  // '!'
          flush()
          pending = (trimmed.decodedString, number)
        } else if pending != nil {
          pending?.text += "\n" + trimmed.decodedString  // a value broken across lines
        }
      }
      flush()
      if inTable {
        throw OmicsError.line(
          cursor.lineNumber, file: name,
          "the table begun at line \(tableBeginLine) has no !series_matrix_table_end (truncated file?)")
      }
    }

    // Samples: the table's columns, else !Sample_geo_accession.
    let accessionRow = sampleRows.first { $0.key == "geo_accession" }
    let samples: [String]
    if let columns = tableColumns {
      samples = Array(columns.dropFirst())
    } else if let accessionRow {
      samples = accessionRow.values
    } else if sampleRows.isEmpty {
      samples = []
    } else {
      throw OmicsError(file: name, "has !Sample_ lines but neither a data table nor !Sample_geo_accession to name the samples")
    }
    let n = samples.count
    // Position of each sample's metadata in the !Sample_ rows.
    var order = Array(0..<n)
    if let accessionRow, tableColumns != nil, accessionRow.values != samples {
      var position: [String: Int] = [:]
      for (i, a) in accessionRow.values.enumerated() where position[a] == nil { position[a] = i }
      guard accessionRow.values.count == n, Set(accessionRow.values) == Set(samples),
        samples.allSatisfy({ position[$0] != nil })
      else {
        throw OmicsError.line(
          accessionRow.line, file: name,
          "!Sample_geo_accession (\(accessionRow.values.prefix(4).joined(separator: ", "))\(accessionRow.values.count > 4 ? ", …" : "")) does not list the samples of the table header (line \(tableHeaderLine))")
      }
      order = samples.map { position[$0] ?? 0 }
    }
    var perSample: [[(key: String, value: String)]] = Array(repeating: [], count: n)
    for row in sampleRows {
      if row.values.count > n {
        throw OmicsError.line(row.line, file: name, "!Sample_\(row.key) has \(row.values.count) values for \(n) samples")
      }
      for s in 0..<n {
        let i = order[s]
        perSample[s].append((row.key, i < row.values.count ? row.values[i] : ""))
      }
    }
    let obsColumns = GEOSampleMetadata.columns(perSample)

    let nProbes = probeIDs.count
    var X = [Double](repeating: .nan, count: n * nProbes)
    for p in 0..<nProbes {
      for s in 0..<n { X[s * nProbes + p] = values[p * n + s] }
    }
    var seriesDict: OrderedDictionary<String, Element> = [:]
    for (key, list) in series {
      seriesDict[key] = list.count == 1 ? .string(list[0]) : .stringArray(StringArray(list))
    }
    return ExpressionMatrix(
      X: .dense(DenseArray(shape: [n, nProbes], values: .float64(X))),
      obs: DataFrame(index: samples, columns: obsColumns),
      var: DataFrame(index: probeIDs),
      uns: ["series": .dict(seriesDict)])
  }

  /// Removes one pair of surrounding double quotes and surrounding blanks.
  static func unquote<S: StringProtocol>(_ field: S) -> String {
    var s = field.trimmingCharacters(in: .whitespaces)
    if s.count >= 2 && s.hasPrefix("\"") && s.hasSuffix("\"") {
      s = String(s.dropFirst().dropLast())
    }
    return s
  }

  /// The table header without trailing empty fields (a trailing tab).
  private static func trimmedHeader(_ header: [String]) -> [String] {
    var h = header
    while h.count > 1, h.last?.isEmpty == true { h.removeLast() }
    return h
  }
}
