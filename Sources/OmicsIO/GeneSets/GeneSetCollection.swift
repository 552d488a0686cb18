import OmicsCore

/// An ordered collection of gene sets with unique names, lookup by name, and the notes the reader
/// recorded (duplicate genes removed, repeated set names resolved, empty sets).
///
/// Set names are unique: repeats are resolved by a ``DuplicateSetNamePolicy`` when the collection is
/// built, by a reader or by ``init(_:source:duplicateSetNames:)``.
public struct GeneSetCollection: Sendable, Equatable, RandomAccessCollection {
  /// The sets, in file order.
  public private(set) var sets: [GeneSet]
  /// The file the sets came from (empty when built in code).
  public let source: String
  /// What the reader dropped, merged or changed, in file order.
  public private(set) var notes: [GeneSetReadNote]
  private var indexByName: [String: Int]

  /// Builds a collection from sets made in code. Repeated names are resolved with
  /// `duplicateSetNames`; in the resulting notes, `line` is the 1-based position in `sets`.
  /// Only ``DuplicateSetNamePolicy/error`` makes this throw.
  public init(_ sets: [GeneSet], source: String = "", duplicateSetNames: DuplicateSetNamePolicy = .keepFirst) throws {
    var builder = GeneSetCollectionBuilder(file: source, policy: duplicateSetNames)
    for (offset, set) in sets.enumerated() {
      try builder.add(set, line: offset + 1, column: nil, removedDuplicates: [])
    }
    self = builder.build()
  }

  init(sets: [GeneSet], source: String, notes: [GeneSetReadNote], indexByName: [String: Int]) {
    self.sets = sets
    self.source = source
    self.notes = notes
    self.indexByName = indexByName
  }

  /// An empty collection.
  public init() {
    self.init(sets: [], source: "", notes: [], indexByName: [:])
  }

  public var startIndex: Int { sets.startIndex }
  public var endIndex: Int { sets.endIndex }
  public subscript(position: Int) -> GeneSet { sets[position] }

  /// The set called `name` (exact match), or nil.
  public subscript(name name: String) -> GeneSet? {
    guard let index = indexByName[name] else { return nil }
    return sets[index]
  }

  /// The position of the set called `name`, or nil.
  public func index(ofSetNamed name: String) -> Int? { indexByName[name] }

  /// The set names, in order.
  public var names: [String] { sets.map(\.name) }

  /// Every gene that occurs in some set, each once, in order of first appearance.
  public var allGenes: [String] {
    var seen = Set<String>()
    var out: [String] = []
    for set in sets {
      for gene in set.genes where seen.insert(gene).inserted { out.append(gene) }
    }
    return out
  }

  public static func == (lhs: GeneSetCollection, rhs: GeneSetCollection) -> Bool {
    lhs.sets == rhs.sets && lhs.source == rhs.source && lhs.notes == rhs.notes
  }
}

/// Accumulates sets for a reader, resolving repeated names by the policy and collecting notes.
struct GeneSetCollectionBuilder {
  let file: String
  let policy: DuplicateSetNamePolicy
  private(set) var sets: [GeneSet] = []
  private(set) var notes: [GeneSetReadNote] = []
  private var indexByName: [String: Int] = [:]
  private var origin: [(line: Int, column: Int?)] = []

  init(file: String, policy: DuplicateSetNamePolicy) {
    self.file = file
    self.policy = policy
  }

  /// Adds one set read at `line` (and GMX `column`); `removedDuplicates` are the genes the
  /// assembler dropped from it, `dateLikeGenes` those that look like spreadsheet dates.
  mutating func add(
    _ set: GeneSet, line: Int, column: Int?, removedDuplicates: [String], dateLikeGenes: [String] = []
  ) throws {
    if !removedDuplicates.isEmpty {
      notes.append(note(line, column, set.name, .duplicateGenes(removedDuplicates)))
    }
    if !dateLikeGenes.isEmpty {
      notes.append(note(line, column, set.name, .spreadsheetDateGenes(dateLikeGenes)))
    }
    if set.isEmpty { notes.append(note(line, column, set.name, .emptySet)) }
    guard let existing = indexByName[set.name] else {
      append(set, line: line, column: column)
      return
    }
    let first = origin[existing]
    switch policy {
    case .keepFirst:
      notes.append(note(line, column, set.name, .duplicateSetName(
        firstLine: first.line, firstColumn: first.column, policy: .keepFirst, renamedTo: nil)))
    case .rename:
      var suffix = 2
      while indexByName["\(set.name)_\(suffix)"] != nil { suffix += 1 }
      var renamed = set
      renamed.name = "\(set.name)_\(suffix)"
      notes.append(note(line, column, set.name, .duplicateSetName(
        firstLine: first.line, firstColumn: first.column, policy: .rename, renamedTo: renamed.name)))
      append(renamed, line: line, column: column)
    case .merge:
      sets[existing] = Self.merged(sets[existing], set)
      notes.append(note(line, column, set.name, .duplicateSetName(
        firstLine: first.line, firstColumn: first.column, policy: .merge, renamedTo: nil)))
    case .error:
      let place = GeneSetReadNote.place(line: line, column: column)
      let firstPlace = GeneSetReadNote.place(line: first.line, column: first.column)
      throw OmicsError(
        file: file, location: place,
        "gene-set name \(GeneSetText.quoted(set.name)) is already used at \(firstPlace) "
          + "(choose another duplicate-name policy to keep the first, rename or merge)")
    }
  }

  func build() -> GeneSetCollection {
    GeneSetCollection(sets: sets, source: file, notes: notes, indexByName: indexByName)
  }

  private mutating func append(_ set: GeneSet, line: Int, column: Int?) {
    indexByName[set.name] = sets.count
    sets.append(set)
    origin.append((line, column))
  }

  private func note(_ line: Int, _ column: Int?, _ set: String, _ kind: GeneSetReadNote.Kind) -> GeneSetReadNote {
    GeneSetReadNote(file: file, line: line, column: column, set: set, kind: kind)
  }

  /// `first` followed by the genes of `second` it lacks; weighted if either is (missing weights 1.0).
  static func merged(_ first: GeneSet, _ second: GeneSet) -> GeneSet {
    var seen = Set(first.genes)
    var pairs: [(gene: String, weight: Double)] = []
    for (index, gene) in first.genes.enumerated() {
      pairs.append((gene, first.weights.flatMap { index < $0.count ? $0[index] : nil } ?? 1.0))
    }
    for (index, gene) in second.genes.enumerated() where seen.insert(gene).inserted {
      pairs.append((gene, second.weights.flatMap { index < $0.count ? $0[index] : nil } ?? 1.0))
    }
    if first.weights == nil && second.weights == nil {
      return GeneSet(name: first.name, description: first.description, genes: pairs.map(\.gene), metadata: first.metadata)
    }
    return GeneSet(name: first.name, description: first.description, weightedGenes: pairs, metadata: first.metadata)
  }
}
