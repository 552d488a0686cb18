import OmicsCore

/// A value read from an HDF5 dataset or attribute, decoded into Swift types.
public enum HDF5Value: Sendable, Equatable {
  /// Numbers (bools included) with the dataspace shape (`[]` for a scalar).
  case numbers(NumericArray, shape: [Int])
  /// Strings (fixed or variable length, trailing NULs stripped) with the dataspace shape.
  case strings([String], shape: [Int])
  /// A compound (record) array: one field per member.
  case records(RecordArray, shape: [Int])
  /// Object references, resolved to the paths of the objects they point to.
  case references([String], shape: [Int])
  /// A dataset or attribute with a NULL dataspace (h5py's `Empty`).
  case empty

  public var shape: [Int] {
    switch self {
    case .numbers(_, let s), .strings(_, let s), .records(_, let s), .references(_, let s): return s
    case .empty: return []
    }
  }
}
