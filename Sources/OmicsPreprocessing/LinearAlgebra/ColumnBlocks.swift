import OmicsCore

/// Numbers that the hot loops read from any stored type.
protocol DoubleReadable {
  var asDouble: Double { get }
  /// The square as numpy computes `x * x` in the stored type, widened (float32 squares round in
  /// float32, as scanpy's variance sums do).
  var squaredAsDouble: Double { get }
}
extension DoubleReadable {
  @inline(__always) var squaredAsDouble: Double { asDouble * asDouble }
}
extension Double: DoubleReadable { @inline(__always) var asDouble: Double { self } }
extension Float: DoubleReadable {
  @inline(__always) var asDouble: Double { Double(self) }
  @inline(__always) var squaredAsDouble: Double { Double(self * self) }
}
extension Int8: DoubleReadable { @inline(__always) var asDouble: Double { Double(self) } }
extension Int16: DoubleReadable { @inline(__always) var asDouble: Double { Double(self) } }
extension Int32: DoubleReadable { @inline(__always) var asDouble: Double { Double(self) } }
extension Int64: DoubleReadable { @inline(__always) var asDouble: Double { Double(self) } }
extension UInt8: DoubleReadable { @inline(__always) var asDouble: Double { Double(self) } }
extension UInt16: DoubleReadable { @inline(__always) var asDouble: Double { Double(self) } }
extension UInt32: DoubleReadable { @inline(__always) var asDouble: Double { Double(self) } }
extension UInt64: DoubleReadable { @inline(__always) var asDouble: Double { Double(self) } }
extension Bool: DoubleReadable { @inline(__always) var asDouble: Double { self ? 1 : 0 } }

/// Calls `body` with the values of a `NumericArray` as a typed buffer, whatever the stored type.
@inline(__always)
func withReadableValues<R>(_ values: NumericArray, _ body: (ReadableBuffer) throws -> R) rethrows -> R {
  switch values {
  case .float32(let a): return try a.withUnsafeBufferPointer { try body(.float32($0)) }
  case .float64(let a): return try a.withUnsafeBufferPointer { try body(.float64($0)) }
  case .int32(let a): return try a.withUnsafeBufferPointer { try body(.int32($0)) }
  case .int64(let a): return try a.withUnsafeBufferPointer { try body(.int64($0)) }
  default:
    let d = values.doubles()
    return try d.withUnsafeBufferPointer { try body(.float64($0)) }
  }
}

/// A typed read-only view of stored values (the types X is held in; others are widened first).
enum ReadableBuffer {
  case float32(UnsafeBufferPointer<Float>)
  case float64(UnsafeBufferPointer<Double>)
  case int32(UnsafeBufferPointer<Int32>)
  case int64(UnsafeBufferPointer<Int64>)
}

/// Copies columns (genes) of a matrix into a column-major Double buffer, one block of columns at a
/// time, so per-gene algorithms (medians, MADs, k-means over genes) work on contiguous memory while
/// the scratch space stays bounded by the block width.
///
/// Sparse CSR input is converted to CSC once at construction (CSC and dense are read in place).
struct ColumnBlockSource: @unchecked Sendable {
  let rows: Int
  let cols: Int
  private let storage: Storage

  private enum Storage {
    case dense(NumericArray)
    case csc(SparseMatrix)
  }

  init(_ matrix: Matrix) {
    rows = matrix.rows
    cols = matrix.cols
    switch matrix {
    case .dense(let d): storage = .dense(d.values)
    case .sparse(let s): storage = .csc(s.converted(to: .csc))
    }
  }

  /// Fills `out` (at least `rows * columns.count` values) with columns `columns`, column-major.
  func fill(_ columns: Range<Int>, into out: UnsafeMutablePointer<Double>) {
    switch storage {
    case .dense(let values):
      withReadableValues(values) { buffer in
        switch buffer {
        case .float32(let b): Self.fillDense(b, rows: rows, cols: cols, columns, out)
        case .float64(let b): Self.fillDense(b, rows: rows, cols: cols, columns, out)
        case .int32(let b): Self.fillDense(b, rows: rows, cols: cols, columns, out)
        case .int64(let b): Self.fillDense(b, rows: rows, cols: cols, columns, out)
        }
      }
    case .csc(let s):
      out.update(repeating: 0, count: rows * columns.count)
      s.indptr.withUnsafeBufferPointer { indptr in
        s.indices.withUnsafeBufferPointer { indices in
          withReadableValues(s.data) { buffer in
            switch buffer {
            case .float32(let b): Self.fillCSC(b, indptr, indices, rows: rows, columns, out)
            case .float64(let b): Self.fillCSC(b, indptr, indices, rows: rows, columns, out)
            case .int32(let b): Self.fillCSC(b, indptr, indices, rows: rows, columns, out)
            case .int64(let b): Self.fillCSC(b, indptr, indices, rows: rows, columns, out)
            }
          }
        }
      }
    }
  }

  private static func fillDense<T: DoubleReadable>(
    _ b: UnsafeBufferPointer<T>, rows: Int, cols: Int, _ columns: Range<Int>, _ out: UnsafeMutablePointer<Double>
  ) {
    guard let base = b.baseAddress else { return }
    let width = columns.count
    let c0 = columns.lowerBound
    // tiles of 64 rows keep both the source rows and the destination columns in cache
    var r0 = 0
    while r0 < rows {
      let r1 = min(rows, r0 + 64)
      for j in 0..<width {
        let dst = out + j * rows
        var src = base + r0 * cols + c0 + j
        for r in r0..<r1 {
          dst[r] = src.pointee.asDouble
          src += cols
        }
      }
      r0 = r1
    }
  }

  private static func fillCSC<T: DoubleReadable>(
    _ b: UnsafeBufferPointer<T>, _ indptr: UnsafeBufferPointer<Int64>, _ indices: UnsafeBufferPointer<Int32>,
    rows: Int, _ columns: Range<Int>, _ out: UnsafeMutablePointer<Double>
  ) {
    for (j, c) in columns.enumerated() {
      let dst = out + j * rows
      for k in Int(indptr[c])..<Int(indptr[c + 1]) {
        dst[Int(indices[k])] += b[k].asDouble
      }
    }
  }
}
