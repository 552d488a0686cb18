/// A numpy structured array (HDF5 compound): named fields of equal length
/// (scanpy's `rank_genes_groups` results use one field per group).
public struct RecordArray: Sendable, Equatable {
  /// One field: numeric or string values, one per record.
  public enum Field: Sendable, Equatable {
    case numbers(NumericArray)
    case strings([String])

    public var count: Int {
      switch self {
      case .numbers(let n): return n.count
      case .strings(let s): return s.count
      }
    }
  }

  public var names: [String]
  public var fields: [Field]

  public init(names: [String], fields: [Field]) {
    self.names = names
    self.fields = fields
  }

  public var count: Int { fields.first?.count ?? 0 }
}
