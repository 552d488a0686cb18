import OmicsCore

/// A dense, row-major n-dimensional array of `Float` or `Double`: the value type every layer reads
/// and writes.
///
/// Activations are 2-D `(B, C)` (batch × features) or 3-D `(B, T, C)`; the last axis is contiguous.
/// `Tensor` is a value type over a Swift array (copy on write); hot loops reach the storage through
/// `withUnsafeBufferPointer` / `withUnsafeMutableBufferPointer`.
///
///     var x = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
///     x[1, 2]   // 6
public struct Tensor<Scalar: NNScalar>: Equatable, Sendable {
  /// Extent of each axis, outermost first.
  public private(set) var shape: [Int]
  /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
  public var scalars: [Scalar]

  /// A tensor of the given shape filled with `value`.
  @_specialize(where Scalar == Float)
  public init(shape: [Int], repeating value: Scalar = 0) {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
    self.shape = shape
    self.scalars = [Scalar](repeating: value, count: shape.reduce(1, *))
  }

  /// A tensor over existing scalars; the count must match the shape (programmer error otherwise).
  public init(shape: [Int], scalars: [Scalar]) {
    precondition(shape.reduce(1, *) == scalars.count, "shape \(shape) does not hold \(scalars.count) scalars")
    self.shape = shape
    self.scalars = scalars
  }

  /// A tensor whose elements are not set (no zero fill): for layer outputs that the caller
  /// overwrites in full before anyone reads them (a `gemm` with `beta = 0`, a pass over every
  /// element). Float and Double are trivial types, so the storage is valid, only unspecified.
  @_specialize(where Scalar == Float)
  init(uninitializedShape shape: [Int]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "negative extent in shape \(shape)")
    let count = shape.reduce(1, *)
    self.shape = shape
    self.scalars = [Scalar](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
  }

  /// Number of elements.
  @inlinable public var count: Int { scalars.count }
  /// Number of axes.
  @inlinable public var rank: Int { shape.count }
  /// Rows of the tensor seen as a matrix: every axis but the last.
  public var rows: Int { shape.count <= 1 ? 1 : shape.dropLast().reduce(1, *) }
  /// Extent of the last axis (1 for a scalar).
  public var columns: Int { shape.last ?? 1 }

  /// Element of a 2-D tensor.
  public subscript(row: Int, column: Int) -> Scalar {
    get { scalars[row * shape[1] + column] }
    set { scalars[row * shape[1] + column] = newValue }
  }

  /// The same scalars under another shape with the same element count.
  public func reshaped(_ newShape: [Int]) -> Tensor {
    Tensor(shape: newShape, scalars: scalars)
  }

  /// Converts between precisions (Float ↔ Double).
  public func cast<U: NNScalar>(to: U.Type) -> Tensor<U> {
    Tensor<U>(shape: shape, scalars: scalars.map { U($0) })
  }

  /// Rows `range` of a 2-D tensor.
  @_specialize(where Scalar == Float)
  public func rows(_ range: Range<Int>) -> Tensor {
    let c = columns
    return Tensor(shape: [range.count] + shape.dropFirst(), scalars: Array(scalars[(range.lowerBound * c)..<(range.upperBound * c)]))
  }

  /// The rows at `indices` of a 2-D tensor, in that order (mini-batch gathering).
  @_specialize(where Scalar == Float)
  public func gatherRows(_ indices: [Int]) -> Tensor {
    let c = columns
    var out = [Scalar](repeating: 0, count: indices.count * c)
    scalars.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        for (r, i) in indices.enumerated() {
          precondition(i >= 0 && i < rows, "row \(i) out of range 0..<\(rows)")
          for j in 0..<c { dst[r * c + j] = src[i * c + j] }
        }
      }
    }
    return Tensor(shape: [indices.count, c], scalars: out)
  }

  /// Two 2-D tensors with the same column count, one above the other.
  @_specialize(where Scalar == Float)
  public static func concatenateRows(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.columns == b.columns, "column counts differ: \(a.columns) vs \(b.columns)")
    return Tensor(shape: [a.rows + b.rows, a.columns], scalars: a.scalars + b.scalars)
  }

  /// Elementwise sum (same shapes).
  public static func + (lhs: Tensor, rhs: Tensor) -> Tensor {
    precondition(lhs.shape == rhs.shape, "shapes differ: \(lhs.shape) vs \(rhs.shape)")
    var out = lhs
    out.scalars.withUnsafeMutableBufferPointer { o in
      rhs.scalars.withUnsafeBufferPointer { r in for i in 0..<o.count { o[i] += r[i] } }
    }
    return out
  }

  /// Every element times `factor`.
  public static func * (lhs: Tensor, factor: Scalar) -> Tensor {
    var out = lhs
    out.scalars.withUnsafeMutableBufferPointer { o in for i in 0..<o.count { o[i] *= factor } }
    return out
  }

  /// Throws when any element is NaN or infinite (`name` goes into the message).
  public func checkFinite(_ name: String) throws {
    if let i = scalars.firstIndex(where: { !$0.isFinite }) {
      throw OmicsError(location: name, "non-finite value \(scalars[i]) at flat index \(i)")
    }
  }
}
