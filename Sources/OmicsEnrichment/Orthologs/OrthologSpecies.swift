/// Species names and NCBI taxon ids used by the ortholog tables (HCOP, MGI, NCBI `gene_orthologs`).
///
/// A species may be given by a common name (`mouse`), the Latin name (`mus musculus`), BioMart's
/// prefix (`mmusculus`), MGI's `Common Organism Name` (`mouse, laboratory`) or the taxon id
/// (`10090`); every spelling resolves to one canonical common name.
public enum OrthologSpecies {
  /// (canonical name, taxon id, other spellings), lower-case.
  static let known: [(name: String, taxon: String, aliases: [String])] = [
    ("human", "9606", ["homo sapiens", "hsapiens", "h.sapiens"]),
    ("mouse", "10090", ["mus musculus", "mmusculus", "mouse, laboratory", "m.musculus"]),
    ("rat", "10116", ["rattus norvegicus", "rnorvegicus"]),
    ("zebrafish", "7955", ["danio rerio", "drerio"]),
    ("chicken", "9031", ["gallus gallus", "ggallus"]),
    ("pig", "9823", ["sus scrofa", "sscrofa"]),
    ("cow", "9913", ["bos taurus", "btaurus", "cattle"]),
    ("dog", "9615", ["canis lupus familiaris", "clfamiliaris", "canis familiaris"]),
    ("macaque", "9544", ["macaca mulatta", "mmulatta", "rhesus macaque"]),
    ("chimpanzee", "9598", ["pan troglodytes", "ptroglodytes", "chimp"]),
    ("horse", "9796", ["equus caballus", "ecaballus"]),
    ("opossum", "13616", ["monodelphis domestica", "mdomestica"]),
    ("platypus", "9258", ["ornithorhynchus anatinus", "oanatinus"]),
    ("anole lizard", "28377", ["anolis carolinensis", "acarolinensis", "anole_lizard"]),
    ("xenopus", "8364", ["xenopus tropicalis", "xtropicalis", "frog"]),
    ("fruit fly", "7227", ["fruitfly", "drosophila melanogaster", "dmelanogaster", "fly"]),
    ("c.elegans", "6239", ["caenorhabditis elegans", "celegans", "worm"]),
    ("s.cerevisiae", "4932", ["saccharomyces cerevisiae", "scerevisiae", "yeast", "559292"]),
  ]

  /// The canonical names of the species above, in that order.
  public static var knownNames: [String] { known.map(\.name) }

  /// The canonical common name for `text` (any spelling above, or a taxon id), or nil.
  public static func canonicalName(_ text: String) -> String? {
    let key = text.lowercased().trimmingSpaces
    for entry in known where entry.name == key || entry.taxon == key || entry.aliases.contains(key) { return entry.name }
    return nil
  }

  /// The NCBI taxon id for `text`, or `text` itself when it is all digits, or nil.
  public static func taxon(_ text: String) -> String? {
    let key = text.lowercased().trimmingSpaces
    for entry in known where entry.name == key || entry.taxon == key || entry.aliases.contains(key) { return entry.taxon }
    if !key.isEmpty, key.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return key }
    return nil
  }

  /// The canonical name for a taxon id, or the id itself when unknown.
  public static func name(forTaxon taxon: String) -> String {
    known.first { $0.taxon == taxon }?.name ?? taxon
  }

  /// True when `a` and `b` name the same species.
  public static func same(_ a: String, _ b: String) -> Bool {
    if let x = taxon(a), let y = taxon(b) { return x == y }
    return a.lowercased() == b.lowercased()
  }
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" { s.removeLast() }
    return String(s)
  }
}
