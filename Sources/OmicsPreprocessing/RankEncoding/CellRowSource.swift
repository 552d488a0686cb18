import OmicsCore
import OmicsIO

/// Cells × genes rows in blocks: streamed from an h5ad CSR X, or from a matrix read whole
/// (loom, dense or CSC h5ad, any other format the readers take).
final class CellRowSource {
  let path: String
  let obs: DataFrame
  let variables: DataFrame
  let rows: Int
  let cols: Int
  let indptr: [Int64]
  private let stream: H5ADRowBlockReader?
  private let matrix: SparseMatrix?
  /// Block reads into reused buffers (h5ad CSR X with numeric values).
  private let buffered: H5ADBufferedBlockReader?

  init(path: String, showProgress: Bool) throws {
    self.path = path
    let lower = path.lowercased()
    if lower.hasSuffix(".h5ad"), let s = try H5ADRowBlockReader.open(path) {
      stream = s
      matrix = nil
      obs = s.obs
      variables = s.var
      rows = s.rows
      cols = s.cols
      indptr = s.indptr
      buffered = try s.bufferedBlockReader()
      return
    }
    let m = try MatrixFileReader.read(path, options: .init(showProgress: showProgress))
    guard let x = m.X else { throw OmicsError(file: path, location: "/X", "the file has no expression matrix") }
    let csr: SparseMatrix
    switch x {
    case .sparse(let s): csr = s.layout == .csr ? s : s.converted(to: .csr)
    case .dense(let d):
      guard d.shape.count == 2 else { throw OmicsError(file: path, location: "/X", "expected a 2-D matrix") }
      csr = CellRowSource.denseToCSR(d)
    }
    stream = nil
    buffered = nil
    matrix = csr
    obs = m.obs
    variables = m.var
    rows = csr.rows
    cols = csr.cols
    indptr = csr.indptr
  }

  static func denseToCSR(_ d: DenseArray) -> SparseMatrix {
    let r = d.shape[0], c = d.shape[1]
    let v = d.values.doubles()
    var indptr: [Int64] = [0]
    var indices: [Int32] = []
    var data: [Double] = []
    for i in 0..<r {
      for j in 0..<c where v[i * c + j] != 0 {
        indices.append(Int32(j))
        data.append(v[i * c + j])
      }
      indptr.append(Int64(indices.count))
    }
    return SparseMatrix(layout: .csr, rows: r, cols: c, indptr: indptr, indices: indices, data: .float64(data))
  }

  /// Value types the kernel reads without conversion.
  static let kernelScalars: Set<ScalarType> = [.float32, .float64, .int32, .int64, .int16, .uint16, .uint32, .uint8]

  /// Several threads may call `read(_:into:)` at once (otherwise callers serialise the calls).
  var concurrentReads: Bool { buffered?.isConcurrent ?? (stream == nil) }

  /// Reads rows `range` into `buffers` (column indices and values, position k of row r at
  /// indptr[r] − indptr[range.lowerBound] + k) and returns the type of the values there: the
  /// stored type when the kernel takes it, float64 otherwise.
  func read(_ range: Range<Int>, into buffers: BlockBuffers) throws -> ScalarType {
    let n = Int(indptr[range.upperBound] - indptr[range.lowerBound])
    if let buffered, CellRowSource.kernelScalars.contains(buffered.valueScalar) {
      buffers.reserve(entries: n, valueWidth: buffered.valueScalar.byteWidth)
      try buffered.read(range, indices: buffers.indices, values: buffers.values)
      return buffered.valueScalar
    }
    var (indices, values) = try block(range)
    if !CellRowSource.kernelScalars.contains(values.scalarType) { values = .float64(values.doubles()) }
    let width = values.scalarType.byteWidth
    buffers.reserve(entries: indices.count, valueWidth: width)
    indices.withUnsafeBufferPointer { b in
      if let base = b.baseAddress { buffers.indices.update(from: base, count: b.count) }
    }
    func copy<T>(_ a: [T]) {
      a.withUnsafeBytes { raw in
        if let base = raw.baseAddress { buffers.values.copyMemory(from: base, byteCount: raw.count) }
      }
    }
    switch values {
    case .float32(let a): copy(a)
    case .float64(let a): copy(a)
    case .int32(let a): copy(a)
    case .int64(let a): copy(a)
    case .int16(let a): copy(a)
    case .uint16(let a): copy(a)
    case .uint32(let a): copy(a)
    case .uint8(let a): copy(a)
    default: break
    }
    return values.scalarType
  }

  /// Stored column indices and values of rows `range` (position k of row r is at indptr[r] − indptr[range.lowerBound] + k).
  func block(_ range: Range<Int>) throws -> (indices: [Int32], values: NumericArray) {
    if let stream { return try stream.block(range) }
    guard let matrix else { return ([], .float64([])) }
    let lo = Int(indptr[range.lowerBound]), hi = Int(indptr[range.upperBound])
    let positions = Array(lo..<hi)
    return (Array(matrix.indices[lo..<hi]), matrix.data.gathered(positions))
  }
}


/// Reusable memory for one block's column indices and values (grows, never shrinks).
final class BlockBuffers {
  private(set) var indices = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
  private(set) var values = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 16)
  private var entryCapacity = 1
  private var valueBytes = 8

  func reserve(entries: Int, valueWidth: Int) {
    if entries > entryCapacity {
      indices.deallocate()
      entryCapacity = max(entries, entryCapacity * 3 / 2)
      indices = .allocate(capacity: entryCapacity)
    }
    if entries * valueWidth > valueBytes {
      values.deallocate()
      valueBytes = max(entries * valueWidth, valueBytes * 3 / 2)
      values = .allocate(byteCount: valueBytes, alignment: 16)
    }
  }

  deinit {
    indices.deallocate()
    values.deallocate()
  }
}
