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

/// Reads element ranges of an uncompressed 1-D dataset stored in a native (little-endian) numeric
/// type straight from the file with `pread` into caller-provided memory: contiguous layout (one
/// file range, from `H5Dget_offset`) or chunked without filters (the chunks' file ranges, from
/// `H5Dget_chunk_info_by_coord`, looked up once). No libhdf5 call is made per read, so several
/// threads may read at once; a read is one `pread` per file range it touches and no allocation.
/// `make` returns nil when the dataset is not stored that way (filters, missing chunks…).
public final class HDF5DirectRangeReader: @unchecked Sendable {
  public let scalar: ScalarType
  public let count: Int
  private let descriptor: Int32
  /// File ranges by element byte offset, ascending and covering `0..<count × width` without gaps.
  private let runs: [FileRun]
  private let file: String
  private let path: String

  public static func make(_ dataset: HDF5Dataset) throws -> HDF5DirectRangeReader? {
    guard let scalar = dataset.numericScalar, dataset.count > 0, try dataset.filters().isEmpty,
      H5Tequal(dataset.typeID, HDF5TypeInfo.nativeType(scalar)) > 0
    else { return nil }
    let (bytes, overflow) = dataset.count.multipliedReportingOverflow(by: scalar.byteWidth)
    guard !overflow else { return nil }
    var runs: [FileRun]
    if let chunk = try dataset.chunkShape() {
      guard chunk.count == 1, chunk[0] > 0,
        let r = try ParallelChunkReader.uncompressedRuns(
          dataset, total: dataset.count, chunkLength: chunk[0], width: scalar.byteWidth)
      else { return nil }
      runs = r
    } else {
      let offset = H5Dget_offset(dataset.id)
      guard offset != haddr_t.max else {
        _ = HDF5Library.lastMessage()
        return nil
      }
      runs = [FileRun(fileOffset: Int(offset), destination: 0, length: bytes)]
    }
    var end = 0
    for run in runs {
      guard run.destination == end, run.length > 0 else { return nil }
      end += run.length
    }
    guard end == bytes else { return nil }
    let fd = open(dataset.file.path, O_RDONLY)
    guard fd >= 0 else { throw dataset.error("cannot open the file for reading") }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
      close(fd)
      throw dataset.error("cannot stat the file")
    }
    for run in runs where run.fileOffset < 0 || run.fileOffset + run.length > Int(info.st_size) {
      close(fd)
      throw dataset.error("data extends past the end of the file (truncated file?)")
    }
    return HDF5DirectRangeReader(
      scalar: scalar, count: dataset.count, descriptor: fd, runs: runs, file: dataset.file.path, path: dataset.path)
  }

  private init(scalar: ScalarType, count: Int, descriptor: Int32, runs: [FileRun], file: String, path: String) {
    self.scalar = scalar
    self.count = count
    self.descriptor = descriptor
    self.runs = runs
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
    let a = range.lowerBound * width, b = range.upperBound * width
    guard b > a else { return }
    // first run ending after a
    var lo = 0, hi = runs.count - 1
    while lo < hi {
      let mid = (lo + hi) / 2
      if runs[mid].destination + runs[mid].length <= a { lo = mid + 1 } else { hi = mid }
    }
    var r = lo
    while r < runs.count && runs[r].destination < b {
      let run = runs[r]
      let s = max(a, run.destination), e = min(b, run.destination + run.length)
      let start = run.fileOffset + (s - run.destination)
      var got = 0
      while got < e - s {
        let n = pread(descriptor, buffer + (s - a + got), e - s - got, off_t(start + got))
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else {
          throw OmicsError(file: file, location: path, "short read at byte \(start + got) (truncated file?)")
        }
        got += n
      }
      r += 1
    }
  }
}
