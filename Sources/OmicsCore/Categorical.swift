/// The categories of a categorical column: strings, or numbers (anndata allows both).
public enum CategoryValues: Sendable, Equatable {
  case strings([String])
  case numbers(NumericArray)

  public var count: Int {
    switch self {
    case .strings(let s): return s.count
    case .numbers(let n): return n.count
    }
  }

  /// The category at `i`, as text.
  public func label(_ i: Int) -> String {
    switch self {
    case .strings(let s): return s[i]
    case .numbers(let n):
      let v = n.double(at: i)
      if n.scalarType.isFloatingPoint { return "\(v)" }
      return n.int64(at: i).map { "\($0)" } ?? "\(v)"
    }
  }
}

/// A pandas-style categorical: integer codes into a list of categories, −1 meaning missing.
public struct Categorical: Sendable, Equatable {
  public var codes: [Int32]
  public var categories: CategoryValues
  public var ordered: Bool

  public init(codes: [Int32], categories: CategoryValues, ordered: Bool = false) {
    self.codes = codes
    self.categories = categories
    self.ordered = ordered
  }

  /// Encodes strings as a categorical with categories in first-seen order (or the given order).
  public init(values: [String?], categories: [String]? = nil, ordered: Bool = false) {
    var cats = categories ?? []
    var lookup: [String: Int32] = [:]
    for (i, c) in cats.enumerated() { lookup[c] = Int32(i) }
    var codes: [Int32] = []
    codes.reserveCapacity(values.count)
    for v in values {
      guard let v else { codes.append(-1); continue }
      if let code = lookup[v] {
        codes.append(code)
      } else if categories == nil {
        let code = Int32(cats.count)
        cats.append(v)
        lookup[v] = code
        codes.append(code)
      } else {
        codes.append(-1)
      }
    }
    self.init(codes: codes, categories: .strings(cats), ordered: ordered)
  }

  public var count: Int { codes.count }

  /// The value of row `i` as text, nil when missing.
  public func label(_ i: Int) -> String? {
    let c = Int(codes[i])
    return c < 0 ? nil : categories.label(c)
  }
}
