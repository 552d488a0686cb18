import OmicsCore

/// Reads the columns (genes) of an h5ad file's dense `X` block by block, for algorithms whose
/// memory must stay bounded by a block rather than by the matrix (a file larger than RAM).
///
///     guard let reader = try H5ADDenseColumnReader.open(path) else { /* X is sparse or absent */ }
///     try reader.readColumns(0..<256, into: buffer)   // rows × 256 doubles, row-major
///
/// Only X's dataset is opened; everything else is read by `H5ADReader.read(path, skippingX: true)`.
public final class H5ADDenseColumnReader {
  public let path: String
  public let rows: Int
  public let cols: Int
  /// The stored element type of X.
  public let scalar: ScalarType
  private let file: HDF5File
  private let dataset: HDF5Dataset

  /// Opens X; nil when X is not a 2-D numeric dataset (sparse group, missing, other).
  public static func open(_ path: String) throws -> H5ADDenseColumnReader? {
    let file = try HDF5File.open(path)
    let root = try file.root()
    guard root.kind(of: "X") == .dataset else { return nil }
    let x = try root.dataset("X")
    guard let shape = x.shape, shape.count == 2, case .number(let s) = x.typeInfo, s != .bool else { return nil }
    try x.checkFiltersAvailable()
    return H5ADDenseColumnReader(path: path, file: file, dataset: x, rows: shape[0], cols: shape[1], scalar: s)
  }

  private init(path: String, file: HDF5File, dataset: HDF5Dataset, rows: Int, cols: Int, scalar: ScalarType) {
    self.path = path
    self.file = file
    self.dataset = dataset
    self.rows = rows
    self.cols = cols
    self.scalar = scalar
  }

  /// Columns `range`, all rows, as Doubles row-major (rows × range.count) into `buffer`.
  public func readColumns(_ range: Range<Int>, into buffer: UnsafeMutablePointer<Double>) throws {
    try dataset.readColumns(range, into: buffer)
  }
}
