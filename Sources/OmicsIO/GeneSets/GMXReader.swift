import OmicsCore

/// Reads GMX files: the column-wise (transposed) form of GMT.
///
/// Row 1 holds the set names, row 2 the descriptions, and every later row one gene per column.
/// Columns are ragged: empty cells and `null` cells (any case, Broad's padding) are skipped.
/// Rules:
/// - Rows 1 and 2 are the first two lines that are not `#` comments (blank lines before row 1 are
///   skipped; row 2 may be blank, meaning no descriptions). After row 2, blank and `#` lines are skipped.
/// - Cells are trimmed of surrounding white space (so CRLF files work); a UTF-8 BOM is skipped.
/// - A column with an empty name is padding if it has no genes, and an error if it has genes.
/// - A cell beyond the last named column is an error naming its line and column.
/// - Descriptions, genes, weights, repeats and repeated names follow the GMT rules (``GMTReader``);
///   notes carry the set's column.
public enum GMXReader {
  /// Reads the GMX file at `path` (plain or gzip).
  public static func read(path: String, options: GeneSetReadOptions = GeneSetReadOptions()) throws -> GeneSetCollection {
    try parse(TextFile(path: path), options: options)
  }

  /// Parses GMX text already loaded; `file.name` is used in errors and notes.
  public static func parse(_ file: TextFile, options: GeneSetReadOptions = GeneSetReadOptions()) throws -> GeneSetCollection {
    var names: [String]?
    var namesLine = 0
    var descriptions: [String]?
    var assemblers: [GeneSetAssembler] = []
    try file.forEachLine { line, number in
      guard let names else {
        if GeneSetText.isBlank(line) || GeneSetText.isComment(line) { return true }
        let row = GeneSetText.trimmedTabFields(line)
        names = row
        namesLine = number
        assemblers = Array(repeating: GeneSetAssembler(options: options), count: row.count)
        return true
      }
      if descriptions == nil {
        if GeneSetText.isComment(line) { return true }
        let row = GeneSetText.trimmedTabFields(line)
        try checkWidth(row, names: names, namesLine: namesLine, line: number, file: file.name)
        descriptions = row
        return true
      }
      if GeneSetText.isBlank(line) || GeneSetText.isComment(line) { return true }
      let row = GeneSetText.trimmedTabFields(line)
      try checkWidth(row, names: names, namesLine: namesLine, line: number, file: file.name)
      for (column, cell) in row.enumerated() where column < assemblers.count {
        if cell.isEmpty || cell.lowercased() == "null" { continue }
        assemblers[column].add(cell)
      }
      return true
    }
    var builder = GeneSetCollectionBuilder(file: file.name, policy: options.duplicateSetNames)
    guard let names else { return builder.build() }
    for (column, name) in names.enumerated() {
      let assembler = assemblers[column]
      let rawDescription = descriptions.flatMap { column < $0.count ? $0[column] : nil } ?? ""
      if name.isEmpty {
        if assembler.isEmpty { continue }
        throw OmicsError(
          file: file.name, location: "line \(namesLine), column \(column + 1)",
          "column \(column + 1) has genes but no gene-set name")
      }
      let set = assembler.build(
        name: name, description: GeneSetText.isNoDescription(rawDescription) ? nil : rawDescription)
      try builder.add(set, line: namesLine, column: column + 1, removedDuplicates: assembler.removedDuplicates,
        dateLikeGenes: assembler.dateLikeGenes)
    }
    return builder.build()
  }

  /// Throws when a row has a non-empty cell to the right of the last named column.
  private static func checkWidth(_ row: [String], names: [String], namesLine: Int, line: Int, file: String) throws {
    guard row.count > names.count else { return }
    for column in names.count..<row.count where !row[column].isEmpty && row[column].lowercased() != "null" {
      throw OmicsError(
        file: file, location: "line \(line), column \(column + 1)",
        "cell \(GeneSetText.quoted(row[column])) lies beyond the \(names.count) set name"
          + "\(names.count == 1 ? "" : "s") on line \(namesLine)")
    }
  }
}
