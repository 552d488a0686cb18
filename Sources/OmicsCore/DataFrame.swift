import OrderedCollections

/// An annotation table (obs or var): a string index and typed columns of equal length.
///
/// Column values are `Element`s so every encoding anndata allows in a dataframe
/// (numeric, bool, string, categorical, nullable) is kept as it was.
public struct DataFrame: Sendable, Equatable {
  /// Name of the index (anndata's `_index` attribute); `_index` when unnamed.
  public var indexName: String
  /// Row names (cell barcodes for obs, gene names for var).
  public var index: [String]
  /// The columns, in order.
  public var columns: OrderedDictionary<String, Element>
  /// Whether the index was stored as a nullable string array (pandas ≥ 3 writers).
  public var indexIsNullable: Bool

  public init(
    index: [String], indexName: String = "_index", columns: OrderedDictionary<String, Element> = [:],
    indexIsNullable: Bool = false
  ) {
    self.index = index
    self.indexName = indexName
    self.columns = columns
    self.indexIsNullable = indexIsNullable
  }

  public var rowCount: Int { index.count }

  /// The values of a column as strings (missing as nil), for string, categorical and nullable string columns.
  public func strings(_ name: String) -> [String?]? {
    guard let column = columns[name] else { return nil }
    switch column {
    case .stringArray(let s): return s.values
    case .categorical(let c): return (0..<c.count).map { c.label($0) }
    case .nullable(let n):
      if case .strings(let s) = n.values { return zip(s, n.mask).map { $1 ? nil : $0 } }
      return nil
    default: return nil
    }
  }
}
