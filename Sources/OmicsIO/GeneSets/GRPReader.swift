import OmicsCore

/// Reads GRP files: a single gene set, one gene per line.
///
/// As in Broad GSEA (`GeneSetParser`), lines whose first non-blank character is `#` are comments and
/// the set is named after the file: the last path component without `.gz` and `.grp`
/// (`HALLMARK_APOPTOSIS.grp.gz` → `HALLMARK_APOPTOSIS`). With ``Naming/headerComment`` the first
/// comment line names the set instead (`# HALLMARK_APOPTOSIS`), and a second comment line, if any,
/// becomes the description (a leading `>` is removed); without a comment it falls back to the file name.
/// Genes are trimmed (CRLF works), blank lines skipped, `gene,weight` and repeats handled as in GMT.
/// A line holding a tab is an error: GRP has one gene per line.
public enum GRPReader {
  /// Where the set name comes from.
  public enum Naming: Sendable, Equatable {
    /// The file name without `.gz` and `.grp` (Broad GSEA's rule; the default).
    case fileName
    /// The first `#` comment line, falling back to the file name.
    case headerComment
  }

  /// Reads the GRP file at `path` (plain or gzip) as a one-set collection.
  public static func read(
    path: String, naming: Naming = .fileName, options: GeneSetReadOptions = GeneSetReadOptions()
  ) throws -> GeneSetCollection {
    try parse(TextFile(path: path), naming: naming, options: options)
  }

  /// Parses GRP text already loaded; `file.name` names the set (under ``Naming/fileName``) and is
  /// used in errors and notes.
  public static func parse(
    _ file: TextFile, naming: Naming = .fileName, options: GeneSetReadOptions = GeneSetReadOptions()
  ) throws -> GeneSetCollection {
    var comments: [String] = []
    var assembler = GeneSetAssembler(options: options)
    try file.forEachLine { line, number in
      if GeneSetText.isBlank(line) { return true }
      if GeneSetText.isComment(line) {
        if comments.count < 2 { comments.append(commentText(line)) }
        return true
      }
      if line.utf8.contains(0x09) {
        throw OmicsError.line(number, file: file.name, "expected one gene per line, found a tab")
      }
      assembler.add(line)
      return true
    }
    var name = fileSetName(file.name)
    var description: String?
    if naming == .headerComment, let header = comments.first, !header.isEmpty {
      name = header
      if comments.count > 1 {
        var text = comments[1]
        if text.hasPrefix(">") { text = GeneSetText.trimmed(text.dropFirst()) }
        description = GeneSetText.isNoDescription(text) ? nil : text
      }
    }
    guard !name.isEmpty else {
      throw OmicsError(file: file.name, "cannot name the gene set: the file has no name")
    }
    var builder = GeneSetCollectionBuilder(file: file.name, policy: options.duplicateSetNames)
    try builder.add(
      assembler.build(name: name, description: description), line: 0, column: nil,
      removedDuplicates: assembler.removedDuplicates,
      dateLikeGenes: assembler.dateLikeGenes)
    return builder.build()
  }

  /// The set name Broad GSEA gives a GRP file: its base name without `.gz` and `.grp`.
  static func fileSetName(_ path: String) -> String {
    GeneSetText.stripExtensions(GeneSetText.baseName(path), "grp")
  }

  /// The text of a comment line after its `#` signs.
  private static func commentText(_ line: String) -> String {
    GeneSetText.trimmed(GeneSetText.trimmed(line).drop(while: { $0 == "#" }))
  }
}
