import OrderedCollections

/// One `^ENTITY = accession` block of a SOFT file: its attributes, column descriptions and tables.
///
///     ^SAMPLE = GSM11805
///     !Sample_title = colon normal 1
///     !Sample_characteristics_ch1 = tissue: colon
///     #VALUE = MAS5 signal
///     !sample_table_begin …
public struct SOFTEntity: Sendable, Equatable {
  /// A `#NAME = description` line.
  public struct ColumnDescription: Sendable, Equatable {
    public var name: String
    public var description: String
    public init(name: String, description: String) {
      self.name = name
      self.description = description
    }
  }

  /// The entity type in upper case: `DATABASE`, `SERIES`, `PLATFORM`, `SAMPLE`, `DATASET`, `SUBSET`, `ANNOTATION`.
  public var kind: String
  /// The accession after `=` (`GSM11805`); empty for `^Annotation`.
  public var accession: String
  /// `!Entity_key = value` lines by key, without the `!Entity_` prefix (`title`, `characteristics_ch1`),
  /// values in file order (keys such as `sample_id` repeat).
  public var attributes: OrderedDictionary<String, [String]>
  /// The `#` column descriptions, in order (names may repeat).
  public var columnDescriptions: [ColumnDescription]
  /// The entity's tables, usually one.
  public var tables: [SOFTTable]
  /// 1-based line of the `^` line.
  public var line: Int

  public init(
    kind: String, accession: String, attributes: OrderedDictionary<String, [String]> = [:],
    columnDescriptions: [ColumnDescription] = [], tables: [SOFTTable] = [], line: Int = 0
  ) {
    self.kind = kind
    self.accession = accession
    self.attributes = attributes
    self.columnDescriptions = columnDescriptions
    self.tables = tables
    self.line = line
  }

  /// The first table, if any.
  public var table: SOFTTable? { tables.first }

  /// The first value of attribute `key` (matched exactly, then ignoring case).
  public func value(_ key: String) -> String? { values(key).first }

  /// All values of attribute `key` (matched exactly, then ignoring case).
  public func values(_ key: String) -> [String] {
    if let v = attributes[key] { return v }
    let lower = key.lowercased()
    return attributes.first { $0.key.lowercased() == lower }?.value ?? []
  }
}
