internal import CHDF5
import Foundation
import OmicsCore

extension HDF5Dataset {
  /// Reads columns `range` of a 2-D numeric dataset (all rows) as Doubles into `buffer`, row-major
  /// (rows × range.count); libhdf5 converts the stored type. One hyperslab read: memory is one
  /// block, whatever the size of the dataset.
  public func readColumns(_ range: Range<Int>, into buffer: UnsafeMutablePointer<Double>) throws {
    try checkFiltersAvailable()
    guard case .number(let s) = typeInfo, s != .bool else { throw error("expected numbers, found \(typeInfo.name)") }
    try withColumnSelection(range) { memorySpace, fileSpace in
      if H5Dread(id, HDF5TypeInfo.nativeType(.float64), memorySpace, fileSpace, chdf5_p_default(), buffer) < 0 {
        throw HDF5Library.error("reading columns \(range)", file: file.path, path: path)
      }
    }
  }

  /// Writes columns `range` (all rows) of a 2-D numeric dataset from Doubles, row-major
  /// (rows × range.count); libhdf5 converts to the stored type.
  public func writeColumns(_ range: Range<Int>, from buffer: UnsafePointer<Double>) throws {
    try withColumnSelection(range) { memorySpace, fileSpace in
      if H5Dwrite(id, HDF5TypeInfo.nativeType(.float64), memorySpace, fileSpace, chdf5_p_default(), buffer) < 0 {
        throw HDF5Library.error("writing columns \(range)", file: file.path, path: path)
      }
    }
  }

  /// Selects columns `range` (all rows) of a 2-D dataset and a matching row-major memory space.
  private func withColumnSelection(_ range: Range<Int>, _ body: (HID, HID) throws -> Void) throws {
    guard let shape, shape.count == 2 else { throw error("expected a 2-D dataset") }
    guard range.lowerBound >= 0, range.upperBound <= shape[1] else {
      throw error("columns \(range) are outside the dataset's \(shape[1]) columns")
    }
    guard !range.isEmpty, shape[0] > 0 else { return }
    let fileSpace = H5Dget_space(id)
    try check(fileSpace, "H5Dget_space")
    defer { H5Sclose(fileSpace) }
    var start = [hsize_t(0), hsize_t(range.lowerBound)]
    var count = [hsize_t(shape[0]), hsize_t(range.count)]
    H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil)
    let memorySpace = H5Screate_simple(2, &count, nil)
    defer { H5Sclose(memorySpace) }
    try body(memorySpace, fileSpace)
  }
}

extension HDF5Group {
  /// Creates an empty 2-D numeric dataset of `scalar` to be filled block by block, chunked by
  /// column blocks of `chunkColumns` so that column writes touch whole chunks.
  public func createMatrixDataset(_ name: String, rows: Int, cols: Int, scalar: ScalarType, chunkColumns: Int) throws -> HDF5Dataset {
    let path = hdf5Join(self.path, name)
    var dims = [hsize_t(rows), hsize_t(cols)]
    let space = H5Screate_simple(2, &dims, nil)
    defer { H5Sclose(space) }
    let dcpl = H5Pcreate(chdf5_p_dataset_create())
    defer { H5Pclose(dcpl) }
    if rows > 0 && cols > 0 {
      // about 4 MiB per chunk: all rows of a few columns, or a band of rows of the block
      let width = max(1, min(cols, chunkColumns))
      let bandRows = max(1, min(rows, (1 << 20) / width))
      var chunk = [hsize_t(bandRows), hsize_t(width)]
      H5Pset_chunk(dcpl, 2, &chunk)
    }
    let type = HDF5Writing.numberType(scalar)
    defer { H5Tclose(type) }
    let did = H5Dcreate2(id, name, type, space, chdf5_p_default(), dcpl, chdf5_p_default())
    if did < 0 { throw HDF5Library.error("H5Dcreate2", file: file.path, path: path) }
    return try HDF5Dataset(datasetID: did, file: file, path: path)
  }
}
