/// Something a reader dropped, merged or changed while reading a gene-set or ranked-list file.
///
/// Readers never silently lose information: every duplicate gene removed, every repeated set name
/// resolved, every empty set kept, every RNK row skipped is recorded here, with the file and 1-based
/// line (and, for GMX, the 1-based column) it came from.
public struct GeneSetReadNote: Sendable, Equatable, CustomStringConvertible {
  /// What happened.
  public enum Kind: Sendable, Equatable {
    /// Genes that repeated an earlier gene of the same set and were removed (one entry per removed
    /// token, in file order; the first occurrence and its weight are kept).
    case duplicateGenes([String])
    /// The set has no genes; it is kept.
    case emptySet
    /// Genes (kept as they are) that look like symbols a spreadsheet turned into dates, such as
    /// `1-MAR` for MARCHF1 or `2-SEP` for SEPTIN2; they will not match current symbols.
    case spreadsheetDateGenes([String])
    /// The set name was used before, on `firstLine` (or in `firstColumn` of a GMX file), and was
    /// resolved with `policy`; `renamedTo` is the new name under ``DuplicateSetNamePolicy/rename``.
    case duplicateSetName(firstLine: Int, firstColumn: Int?, policy: DuplicateSetNamePolicy, renamedTo: String?)
    /// RNK: the first data line was taken as a header and skipped.
    case headerSkipped(String)
    /// RNK: a row whose score is missing or not finite (`NA`, `NaN`, `inf`) was skipped.
    case nonFiniteScoreSkipped(gene: String, score: String)
    /// RNK: a gene seen before (on `keptLine`) was dropped; `keptLine` holds the row that was kept.
    case duplicateRankedGene(gene: String, keptLine: Int)
    /// RNK: this many genes share their score with the gene ranked just above them; ties keep file order.
    case tiedScores(Int)
  }

  /// The file (as given to the reader).
  public var file: String
  /// 1-based line, or 0 when the note concerns the whole file.
  public var line: Int
  /// 1-based column for GMX files; nil otherwise.
  public var column: Int?
  /// The set (or ranked list) concerned, when there is one.
  public var set: String?
  /// What happened.
  public var kind: Kind

  /// Creates a note.
  public init(file: String, line: Int, column: Int? = nil, set: String?, kind: Kind) {
    self.file = file
    self.line = line
    self.column = column
    self.set = set
    self.kind = kind
  }

  /// One line: `file: line N: set 'X': what happened`.
  public var description: String {
    var parts: [String] = []
    if !file.isEmpty { parts.append(file) }
    if line > 0 { parts.append("line \(line)") }
    if let column { parts.append("column \(column)") }
    if let set { parts.append("set \(GeneSetText.quoted(set))") }
    parts.append(message)
    return parts.joined(separator: ": ")
  }

  /// `line N` or `line N, column C`.
  static func place(line: Int, column: Int?) -> String {
    column.map { "line \(line), column \($0)" } ?? "line \(line)"
  }

  private var message: String {
    switch kind {
    case .duplicateGenes(let genes):
      let shown = genes.prefix(5).joined(separator: ", ") + (genes.count > 5 ? ", …" : "")
      return "removed \(genes.count) duplicate gene\(genes.count == 1 ? "" : "s") (\(shown))"
    case .emptySet:
      return "the set has no genes (kept)"
    case .spreadsheetDateGenes(let genes):
      let shown = genes.prefix(5).joined(separator: ", ") + (genes.count > 5 ? ", …" : "")
      let what = genes.count == 1 ? "gene looks like a spreadsheet-converted date" : "genes look like spreadsheet-converted dates"
      return "\(genes.count) \(what) (\(shown))"
    case .duplicateSetName(let firstLine, let firstColumn, let policy, let renamedTo):
      let first = Self.place(line: firstLine, column: firstColumn)
      switch policy {
      case .keepFirst: return "name already used at \(first); this set was dropped"
      case .rename: return "name already used at \(first); renamed to \(GeneSetText.quoted(renamedTo ?? ""))"
      case .merge: return "name already used at \(first); genes merged into the first set"
      case .error: return "name already used at \(first)"
      }
    case .headerSkipped(let text):
      return "skipped header line \(GeneSetText.quoted(text))"
    case .nonFiniteScoreSkipped(let gene, let score):
      return "skipped gene \(GeneSetText.quoted(gene)) with non-finite score \(GeneSetText.quoted(score))"
    case .duplicateRankedGene(let gene, let keptLine):
      return "gene \(GeneSetText.quoted(gene)) repeats; kept the row on line \(keptLine)"
    case .tiedScores(let count):
      return "\(count) gene\(count == 1 ? " shares its" : "s share their") score with the gene above; ties keep file order"
    }
  }
}
