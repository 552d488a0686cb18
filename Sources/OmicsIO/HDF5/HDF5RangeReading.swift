internal import CHDF5
import Foundation
import OmicsCore

extension HDF5Dataset {
  /// The stored numeric type of a 1-D numeric dataset (nil for other types and shapes).
  public var numericScalar: ScalarType? {
    guard case .number(let s) = typeInfo, s != .bool, shape?.count == 1 else { return nil }
    return s
  }

  /// Reads elements `range` of a 1-D numeric dataset, converted to `scalar`, into caller-provided
  /// memory (`range.count` elements of `scalar`): no allocation per read, so repeated block reads
  /// reuse one buffer. Calls libhdf5, so callers must not run it concurrently with other HDF5 calls.
  public func readNumbers(range: Range<Int>, as scalar: ScalarType, into buffer: UnsafeMutableRawPointer) throws {
    try checkFiltersAvailable()
    guard scalar != .bool else { throw error("bool is not a buffer type") }
    guard let shape, shape.count == 1 else { throw error("expected a 1-D dataset") }
    guard case .number = typeInfo else { throw error("expected numbers, found \(typeInfo.name)") }
    guard range.lowerBound >= 0, range.upperBound <= shape[0] else {
      throw error("range \(range) is outside the dataset's \(shape[0]) elements")
    }
    guard !range.isEmpty else { return }
    let fileSpace = H5Dget_space(id)
    try check(fileSpace, "H5Dget_space")
    defer { H5Sclose(fileSpace) }
    var start = [hsize_t(range.lowerBound)]
    var count = [hsize_t(range.count)]
    H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil)
    let memorySpace = H5Screate_simple(1, &count, nil)
    defer { H5Sclose(memorySpace) }
    if H5Dread(id, HDF5TypeInfo.nativeType(scalar), memorySpace, fileSpace, chdf5_p_default(), buffer) < 0 {
      throw HDF5Library.error("reading dataset", file: file.path, path: path)
    }
  }
}

/// Reads element ranges of an uncompressed, contiguous 1-D dataset stored in a native
/// (little-endian) numeric type straight from the file with `pread` into caller-provided memory.
/// No libhdf5 call is made per read, so several threads may read at once; each read is one
/// system call and no allocation. `make` returns nil when the dataset is not stored that way.
public final class HDF5DirectRangeReader: @unchecked Sendable {
  public let scalar: ScalarType
  public let count: Int
  private let descriptor: Int32
  private let fileOffset: Int
  private let file: String
  private let path: String

  public static func make(_ dataset: HDF5Dataset) throws -> HDF5DirectRangeReader? {
    guard let scalar = dataset.numericScalar, dataset.count > 0, try dataset.chunkShape() == nil,
      try dataset.filters().isEmpty, H5Tequal(dataset.typeID, HDF5TypeInfo.nativeType(scalar)) > 0
    else { return nil }
    let offset = H5Dget_offset(dataset.id)
    guard offset != haddr_t.max else {
      _ = HDF5Library.lastMessage()
      return nil
    }
    let fd = open(dataset.file.path, O_RDONLY)
    guard fd >= 0 else { throw dataset.error("cannot open the file for reading") }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      close(fd)
      throw dataset.error("cannot stat the file")
    }
    let (bytes, overflow) = dataset.count.multipliedReportingOverflow(by: scalar.byteWidth)
    guard !overflow, Int(offset) >= 0, Int(offset) + bytes <= Int(info.st_size) else {
      close(fd)
      throw dataset.error("data extends past the end of the file (truncated file?)")
    }
    return HDF5DirectRangeReader(
      scalar: scalar, count: dataset.count, descriptor: fd, fileOffset: Int(offset), file: dataset.file.path,
      path: dataset.path)
  }

  private init(scalar: ScalarType, count: Int, descriptor: Int32, fileOffset: Int, file: String, path: String) {
    self.scalar = scalar
    self.count = count
    self.descriptor = descriptor
    self.fileOffset = fileOffset
    self.file = file
    self.path = path
  }

  deinit { close(descriptor) }

  /// Copies elements `range` (in the stored type) to `buffer`.
  public func read(_ range: Range<Int>, into buffer: UnsafeMutableRawPointer) throws {
    guard range.lowerBound >= 0, range.upperBound <= count else {
      throw OmicsError(file: file, location: path, "range \(range) is outside the dataset's \(count) elements")
    }
    let width = scalar.byteWidth
    let total = range.count * width
    let start = fileOffset + range.lowerBound * width
    var got = 0
    while got < total {
      let n = pread(descriptor, buffer + got, total - got, off_t(start + got))
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else {
        throw OmicsError(file: file, location: path, "short read at byte \(start + got) (truncated file?)")
      }
      got += n
    }
  }
}
