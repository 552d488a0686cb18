/// Collects the gene tokens of one set: trims them, drops empty ones, splits `gene,weight`,
/// optionally upper-cases, and removes repeats (keeping the first occurrence and its weight).
struct GeneSetAssembler {
  let options: GeneSetReadOptions
  private var pairs: [(gene: String, weight: Double)] = []
  private var weighted = false
  private var seen = Set<String>()
  /// Tokens removed because they repeated a gene already in the set.
  private(set) var removedDuplicates: [String] = []
  /// Genes kept that look like spreadsheet-converted dates (`1-MAR`).
  private(set) var dateLikeGenes: [String] = []

  init(options: GeneSetReadOptions) {
    self.options = options
  }

  /// Adds one raw token (a field of the line). Empty tokens are ignored.
  mutating func add<S: StringProtocol>(_ raw: S) {
    var gene = GeneSetText.trimmed(raw)
    if gene.isEmpty { return }
    var weight: Double?
    if options.parseWeights {
      let split = WeightedGeneToken.split(gene)
      if let value = split.weight {
        gene = split.gene
        weight = value
      }
      if gene.isEmpty { return }
    }
    if options.uppercaseGenes { gene = gene.uppercased() }
    guard seen.insert(gene).inserted else {
      removedDuplicates.append(gene)
      return
    }
    // The set is weighted only when a kept gene carries a weight (fuzzing found `,1.0` alone making
    // an empty "weighted" set that did not survive a GMT round trip).
    if weight != nil { weighted = true }
    pairs.append((gene, weight ?? 1.0))
    if GeneSetText.looksLikeSpreadsheetDate(gene) { dateLikeGenes.append(gene) }
  }

  /// True when no gene token has been added (duplicates count as added).
  var isEmpty: Bool { pairs.isEmpty && removedDuplicates.isEmpty }

  /// The set, weighted when any token carried a weight.
  func build(name: String, description: String?, metadata: [String: String] = [:]) -> GeneSet {
    if weighted {
      return GeneSet(name: name, description: description, weightedGenes: pairs, metadata: metadata)
    }
    return GeneSet(name: name, description: description, genes: pairs.map(\.gene), metadata: metadata)
  }
}
