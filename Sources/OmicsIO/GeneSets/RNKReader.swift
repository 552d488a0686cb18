import OmicsCore

/// Reads RNK ranked lists: one `gene<TAB>score` row per line, into a ``RankedList``.
///
/// Rules:
/// - Blank lines and `#` lines are skipped (Broad `RankedListParser`); a UTF-8 BOM is skipped, CRLF
///   and gzip work, fields are trimmed.
/// - **Header**: the first data line is a header, skipped and noted, when its first field is `Name`
///   or its second is `Rank` (any case; Broad's rule), or when its second field is not a number and
///   not a missing-value spelling (so fgsea's `ID<TAB>t` header is recognised).
/// - Every other row needs exactly a gene and a score (empty trailing fields are ignored); otherwise,
///   and for an empty gene or a score that is not a number, the error names the line.
/// - Missing or non-finite scores (`NA`, `NaN`, `N/A`, `null`, empty, `inf`) follow
///   ``Options/nonFiniteScores``: an error (default, like fgsea) or skip with a note (like Broad).
/// - Repeated genes follow ``Options/duplicateGenes``: an error (default, like fgsea), keep the first
///   row, or keep the highest score (blitzGSEA); dropped rows are noted.
/// - The list is sorted by decreasing score; ties keep file order (Broad's stable sort) and are
///   counted in a ``GeneSetReadNote/Kind/tiedScores(_:)`` note.
/// - Genes that look like spreadsheet-converted dates (`1-MAR`) are kept and listed in one note.
/// - A file with no data rows is an error.
public enum RNKReader {
  /// What to do when a gene appears on more than one row.
  public enum DuplicateGenePolicy: String, Sendable, Equatable, CaseIterable {
    /// Throw an error naming both lines (fgsea's behaviour; the default).
    case error
    /// Keep the first row in file order.
    case keepFirst
    /// Keep the row with the highest score (blitzGSEA keeps the first after a descending sort).
    case keepHighest
  }

  /// What to do with a missing or non-finite score.
  public enum NonFiniteScorePolicy: String, Sendable, Equatable, CaseIterable {
    /// Throw an error naming the line (fgsea; the default).
    case error
    /// Skip the row and record a note (Broad GSEA skips NaN rows with a warning).
    case skip
  }

  /// Reader options.
  public struct Options: Sendable, Equatable {
    /// Repeated genes. Default ``DuplicateGenePolicy/error``.
    public var duplicateGenes: DuplicateGenePolicy
    /// Missing or non-finite scores. Default ``NonFiniteScorePolicy/error``.
    public var nonFiniteScores: NonFiniteScorePolicy

    /// Creates options.
    public init(duplicateGenes: DuplicateGenePolicy = .error, nonFiniteScores: NonFiniteScorePolicy = .error) {
      self.duplicateGenes = duplicateGenes
      self.nonFiniteScores = nonFiniteScores
    }
  }

  /// Reads the RNK file at `path` (plain or gzip).
  public static func read(path: String, options: Options = Options()) throws -> RankedList {
    try parse(TextFile(path: path), options: options)
  }

  /// Parses RNK text already loaded; `file.name` names the list and is used in errors and notes.
  public static func parse(_ file: TextFile, options: Options = Options()) throws -> RankedList {
    let listName = GeneSetText.stripExtensions(GeneSetText.baseName(file.name), "rnk")
    var entries: [RankedList.Entry] = []
    var rowOfGene: [String: (index: Int, line: Int)] = [:]
    var notes: [GeneSetReadNote] = []
    var sawData = false
    var dateLike: [String] = []
    func note(_ line: Int, _ kind: GeneSetReadNote.Kind) -> GeneSetReadNote {
      GeneSetReadNote(file: file.name, line: line, set: listName, kind: kind)
    }

    try file.forEachLine { line, number in
      if GeneSetText.isBlank(line) || GeneSetText.isComment(line) { return true }
      var fields = GeneSetText.trimmedTabFields(line)
      while fields.count > 2, fields.last?.isEmpty == true { fields.removeLast() }
      let first = !sawData
      sawData = true
      if first && isHeader(fields) {
        notes.append(note(number, .headerSkipped(GeneSetText.trimmed(line))))
        return true
      }
      guard fields.count == 2 else {
        let found = fields.count == 1 ? "one field (separate gene and score with a tab)" : "\(fields.count) fields"
        throw OmicsError.line(number, file: file.name, "expected gene<TAB>score, found \(found)")
      }
      let gene = fields[0]
      let text = fields[1]
      guard !gene.isEmpty else { throw OmicsError.line(number, file: file.name, "empty gene name") }
      let score: Double
      if isMissing(text) {
        score = .nan
      } else if let value = Double(text) {
        score = value
      } else {
        throw OmicsError.line(
          number, file: file.name,
          "score \(GeneSetText.quoted(text)) of gene \(GeneSetText.quoted(gene)) is not a number")
      }
      if !score.isFinite {
        switch options.nonFiniteScores {
        case .error:
          throw OmicsError.line(
            number, file: file.name,
            "gene \(GeneSetText.quoted(gene)) has a missing or non-finite score \(GeneSetText.quoted(text))")
        case .skip:
          notes.append(note(number, .nonFiniteScoreSkipped(gene: gene, score: text)))
          return true
        }
      }
      if let previous = rowOfGene[gene] {
        switch options.duplicateGenes {
        case .error:
          throw OmicsError.line(
            number, file: file.name,
            "gene \(GeneSetText.quoted(gene)) already appeared on line \(previous.line)")
        case .keepFirst:
          notes.append(note(number, .duplicateRankedGene(gene: gene, keptLine: previous.line)))
        case .keepHighest:
          if score > entries[previous.index].score {
            notes.append(note(previous.line, .duplicateRankedGene(gene: gene, keptLine: number)))
            entries[previous.index].score = score
            rowOfGene[gene] = (previous.index, number)
          } else {
            notes.append(note(number, .duplicateRankedGene(gene: gene, keptLine: previous.line)))
          }
        }
        return true
      }
      rowOfGene[gene] = (entries.count, number)
      entries.append(RankedList.Entry(gene: gene, score: score))
      if GeneSetText.looksLikeSpreadsheetDate(gene) { dateLike.append(gene) }
      return true
    }
    guard !entries.isEmpty else {
      throw OmicsError(file: file.name, "no ranked genes (expected gene<TAB>score lines)")
    }
    var list = RankedList(validatedName: listName, entries: entries)
    if !dateLike.isEmpty { notes.append(note(0, .spreadsheetDateGenes(dateLike))) }
    let ties = list.tieCount
    if ties > 0 { notes.append(note(0, .tiedScores(ties))) }
    list.notes = notes
    return list
  }

  /// Broad's header test, plus: a second field that is neither a number nor a missing value.
  static func isHeader(_ fields: [String]) -> Bool {
    if let first = fields.first, first.lowercased() == "name" { return true }
    guard fields.count >= 2 else { return false }
    let second = fields[1]
    if second.lowercased() == "rank" { return true }
    return !isMissing(second) && Double(second) == nil
  }

  /// Spellings of a missing score.
  static func isMissing(_ text: String) -> Bool {
    switch text.lowercased() {
    case "", "na", "nan", "n/a", "null", "none": return true
    default: return false
    }
  }
}
