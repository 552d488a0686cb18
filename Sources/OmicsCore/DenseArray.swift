/// An n-dimensional numeric array in row-major order (shape `[]` is a scalar).
public struct DenseArray: Sendable, Equatable {
  public var shape: [Int]
  public var values: NumericArray

  public init(shape: [Int], values: NumericArray) {
    precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not match \(values.count) values")
    self.shape = shape
    self.values = values
  }

  /// A 0-dimensional array holding one value.
  public static func scalar(_ values: NumericArray) -> DenseArray { DenseArray(shape: [], values: values) }

  public var isScalar: Bool { shape.isEmpty }
  public var scalarType: ScalarType { values.scalarType }
}
