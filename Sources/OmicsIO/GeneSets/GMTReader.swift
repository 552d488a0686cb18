import OmicsCore

/// Reads GMT files: one set per line, `name<TAB>description<TAB>gene1<TAB>gene2…`.
///
/// Rules (the recommended rules of `docs/background/gsea_xgsea_orthologs.md` §D):
/// - Lines split on tabs only, keeping empty fields, so a blank description (`name\t\tG1`, Enrichr
///   libraries) stays blank and does not swallow the first gene (Broad's tokenizer does that).
/// - Each field is trimmed of surrounding white space (`\r` of CRLF files included); a UTF-8 BOM is
///   skipped; gzip input is inflated.
/// - Blank lines and lines whose first non-blank character is `#` are skipped.
/// - A line needs at least 2 fields (name and description), else it is an error naming the line; a set
///   with no genes is kept and noted. An empty name is an error.
/// - Empty gene fields (double or trailing tabs) are dropped. `gene,weight` tokens become weights
///   (``GeneSetReadOptions/parseWeights``). Repeated genes are removed (first kept) and noted.
/// - A description that is empty, `na` or `NA` becomes nil.
/// - Genes that look like spreadsheet-converted dates (`1-MAR`, `2-Sep`) are kept and noted.
/// - Names and genes keep their case (Broad upper-cases names; we do not); repeated names follow
///   ``GeneSetReadOptions/duplicateSetNames``.
public enum GMTReader {
  /// Reads the GMT file at `path` (plain or gzip).
  public static func read(path: String, options: GeneSetReadOptions = GeneSetReadOptions()) throws -> GeneSetCollection {
    try parse(TextFile(path: path), options: options)
  }

  /// Parses GMT text already loaded; `file.name` is used in errors and notes.
  public static func parse(_ file: TextFile, options: GeneSetReadOptions = GeneSetReadOptions()) throws -> GeneSetCollection {
    var builder = GeneSetCollectionBuilder(file: file.name, policy: options.duplicateSetNames)
    try file.forEachLine { line, number in
      if GeneSetText.isBlank(line) || GeneSetText.isComment(line) { return true }
      let fields = GeneSetText.tabFields(line)
      guard fields.count >= 2 else {
        throw OmicsError.line(
          number, file: file.name,
          "expected name<TAB>description<TAB>genes…, found one field without a tab")
      }
      let name = GeneSetText.trimmed(fields[0])
      guard !name.isEmpty else {
        throw OmicsError.line(number, file: file.name, "empty gene-set name in field 1")
      }
      let rawDescription = GeneSetText.trimmed(fields[1])
      var assembler = GeneSetAssembler(options: options)
      for field in fields.dropFirst(2) { assembler.add(field) }
      let set = assembler.build(
        name: name, description: GeneSetText.isNoDescription(rawDescription) ? nil : rawDescription)
      try builder.add(set, line: number, column: nil, removedDuplicates: assembler.removedDuplicates,
        dateLikeGenes: assembler.dateLikeGenes)
      return true
    }
    return builder.build()
  }
}
