/// An n-dimensional array of strings in row-major order (anndata's `string-array`).
public struct StringArray: Sendable, Equatable {
  public var shape: [Int]
  public var values: [String]

  public init(shape: [Int], values: [String]) {
    precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not match \(values.count) strings")
    self.shape = shape
    self.values = values
  }

  /// A 1-D string array.
  public init(_ values: [String]) { self.init(shape: [values.count], values: values) }
}
