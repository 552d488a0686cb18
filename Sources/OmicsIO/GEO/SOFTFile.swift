/// A parsed SOFT file (`GSExxx_family.soft[.gz]`, `GPLxxx.soft`, `GSMxxx.txt`, `GDSxxx.soft`,
/// `GPLxxx.annot[.gz]`): its entities in file order. Read with `SOFTReader`.
public struct SOFTFile: Sendable, Equatable {
  /// The file name used in messages.
  public var name: String
  public var entities: [SOFTEntity]

  public init(name: String, entities: [SOFTEntity]) {
    self.name = name
    self.entities = entities
  }

  /// Entities of one kind (`"SAMPLE"`, case-insensitive), in file order.
  public func entities(ofKind kind: String) -> [SOFTEntity] {
    let k = kind.uppercased()
    return entities.filter { $0.kind == k }
  }

  /// The entity with this accession, if any.
  public func entity(_ accession: String) -> SOFTEntity? {
    entities.first { $0.accession == accession }
  }

  /// The first `^SERIES` entity.
  public var series: SOFTEntity? { entities(ofKind: "SERIES").first }
  /// The `^PLATFORM` entities.
  public var platforms: [SOFTEntity] { entities(ofKind: "PLATFORM") }
  /// The `^SAMPLE` entities.
  public var samples: [SOFTEntity] { entities(ofKind: "SAMPLE") }
}
