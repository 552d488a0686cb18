/// A 1-D array with a missing-value mask (pandas' nullable Int/boolean/string arrays).
public struct NullableArray: Sendable, Equatable {
  /// Values of a nullable integer or boolean array, or the strings of a nullable string array.
  public enum Values: Sendable, Equatable {
    case numbers(NumericArray)
    case strings([String])
  }

  public var values: Values
  /// `true` where the value is missing.
  public var mask: [Bool]
  /// For strings: the missing-value semantics anndata records (`NA` or `NaN`).
  public var naValue: String?

  public init(values: Values, mask: [Bool], naValue: String? = nil) {
    self.values = values
    self.mask = mask
    self.naValue = naValue
  }

  public var count: Int { mask.count }

  /// anndata's encoding-type name for this array.
  public var encodingType: String {
    switch values {
    case .strings: return "nullable-string-array"
    case .numbers(let n): return n.scalarType == .bool ? "nullable-boolean" : "nullable-integer"
    }
  }
}
