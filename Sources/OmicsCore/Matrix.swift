/// A 2-D matrix as stored in X, a layer, obsm/varm or obsp/varp: dense or sparse.
public enum Matrix: Sendable, Equatable {
  case dense(DenseArray)
  case sparse(SparseMatrix)

  public var rows: Int {
    switch self {
    case .dense(let d): return d.shape.first ?? 0
    case .sparse(let s): return s.rows
    }
  }

  public var cols: Int {
    switch self {
    case .dense(let d): return d.shape.count > 1 ? d.shape[1] : 1
    case .sparse(let s): return s.cols
    }
  }

  public var scalarType: ScalarType {
    switch self {
    case .dense(let d): return d.scalarType
    case .sparse(let s): return s.data.scalarType
    }
  }

  /// Stored (non-zero) entries for sparse, all entries for dense.
  public var storedCount: Int {
    switch self {
    case .dense(let d): return d.values.count
    case .sparse(let s): return s.nnz
    }
  }

  /// Row-major values as Double (for tests and small matrices).
  public func denseDoubles() -> [Double] {
    switch self {
    case .dense(let d): return d.values.doubles()
    case .sparse(let s): return s.denseDoubles()
    }
  }

  /// A short description of the storage: `csr float32`, `dense int32`.
  public var layoutDescription: String {
    switch self {
    case .dense(let d): return "dense \(d.scalarType.rawValue)"
    case .sparse(let s): return "\(s.layout.rawValue) \(s.data.scalarType.rawValue)"
    }
  }
}
