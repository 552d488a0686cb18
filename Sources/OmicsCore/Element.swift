import OrderedCollections

/// Any value anndata can store in a slot (obsm, uns, a dataframe column, …), by encoding.
public indirect enum Element: Sendable, Equatable {
  /// Numeric or bool array, any number of dimensions; shape `[]` is a `numeric-scalar`.
  case array(DenseArray)
  case stringArray(StringArray)
  case sparse(SparseMatrix)
  case dataFrame(DataFrame)
  case categorical(Categorical)
  case nullable(NullableArray)
  case recordArray(RecordArray)
  /// A single string (`string` encoding).
  case string(String)
  /// Python's None (`null` encoding).
  case null
  case dict(OrderedDictionary<String, Element>)

  /// anndata's encoding-type for this element.
  public var encodingType: String {
    switch self {
    case .array(let a): return a.isScalar ? "numeric-scalar" : "array"
    case .stringArray: return "string-array"
    case .sparse(let s): return s.layout == .csr ? "csr_matrix" : "csc_matrix"
    case .dataFrame: return "dataframe"
    case .categorical: return "categorical"
    case .nullable(let n): return n.encodingType
    case .recordArray: return "rec-array"
    case .string: return "string"
    case .null: return "null"
    case .dict: return "dict"
    }
  }

  /// Length along the first axis (rows), nil for scalars, strings, null and dicts.
  public var length: Int? {
    switch self {
    case .array(let a): return a.shape.first
    case .stringArray(let s): return s.shape.first
    case .sparse(let s): return s.rows
    case .dataFrame(let d): return d.rowCount
    case .categorical(let c): return c.count
    case .nullable(let n): return n.count
    case .recordArray(let r): return r.count
    case .string, .null, .dict: return nil
    }
  }

  /// The element as a matrix, when it is one (dense 2-D or sparse).
  public var matrix: Matrix? {
    switch self {
    case .array(let a) where a.shape.count == 2: return .dense(a)
    case .sparse(let s): return .sparse(s)
    default: return nil
    }
  }

  /// Wraps a matrix as an element.
  public init(_ matrix: Matrix) {
    switch matrix {
    case .dense(let d): self = .array(d)
    case .sparse(let s): self = .sparse(s)
    }
  }
}
