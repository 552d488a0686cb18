import OmicsCore

/// The floating-point type a text reader stores numbers in: `float32` (the default, as scanpy's
/// readers use) or `float64`.
public enum FloatPrecision: String, Sendable, Equatable, CaseIterable {
  case float32
  case float64

  /// The matching `ScalarType`.
  public var scalarType: ScalarType { self == .float32 ? .float32 : .float64 }
}

/// A floating-point type the text readers can fill (internal): Float or Double.
protocol TextReaderFloat: BinaryFloatingPoint, Sendable {
  /// Wraps values in the matching `NumericArray` case.
  static func numericArray(_ values: [Self]) -> NumericArray
  init(_ value: Double)
  init(_ value: Int64)
}

extension Float: TextReaderFloat {
  static func numericArray(_ values: [Float]) -> NumericArray { .float32(values) }
}

extension Double: TextReaderFloat {
  static func numericArray(_ values: [Double]) -> NumericArray { .float64(values) }
}
