internal import CHDF5
import Dispatch
import Foundation
import OmicsCore

/// An HDF5 dataset: shape, datatype, storage filters, and reads of all or part of it.
public final class HDF5Dataset: HDF5Object, @unchecked Sendable {
  /// Dataspace shape; nil for a NULL dataspace (h5py `Empty`).
  public let shape: [Int]?
  /// What the elements are.
  public let typeInfo: HDF5TypeInfo
  let typeID: HID

  init(datasetID id: HID, file: HDF5File, path: String) throws {
    let type = H5Dget_type(id)
    let space = H5Dget_space(id)
    defer { if space >= 0 { H5Sclose(space) } }
    if type < 0 || space < 0 {
      if type >= 0 { H5Tclose(type) }
      H5Dclose(id)
      throw HDF5Library.error("H5Dget_type/space", file: file.path, path: path)
    }
    self.typeID = type
    self.shape = HDF5Reading.shape(of: space)
    self.typeInfo = HDF5TypeInfo.of(type)
    super.init(id: id, file: file, path: path)
  }

  deinit { H5Tclose(typeID) }

  /// Number of elements (0 for a NULL dataspace).
  /// Number of elements (0 for a NULL dataspace; saturates instead of overflowing on corrupted shapes).
  public var count: Int {
    guard let shape else { return 0 }
    var product = 1
    for d in shape {
      let (p, overflow) = product.multipliedReportingOverflow(by: d)
      product = overflow ? Int.max : p
    }
    return product
  }

  /// The storage filters, by HDF5 filter id and name (e.g. `1 deflate`, `2 shuffle`).
  public func filters() throws -> [(id: Int, name: String)] {
    let dcpl = H5Dget_create_plist(id)
    try check(dcpl, "H5Dget_create_plist")
    defer { H5Pclose(dcpl) }
    let n = H5Pget_nfilters(dcpl)
    var out: [(Int, String)] = []
    for i in 0..<max(0, n) {
      var flags: UInt32 = 0
      var nValues = 0
      var config: UInt32 = 0
      var name = [CChar](repeating: 0, count: 256)
      let filter = H5Pget_filter2(dcpl, UInt32(i), &flags, &nValues, nil, name.count, &name, &config)
      let text = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      out.append((Int(filter), text))
    }
    return out
  }

  /// Throws a precise error when the dataset uses a filter this libhdf5 cannot decode (lzf, blosc, zstd…).
  public func checkFiltersAvailable() throws {
    for filter in try filters() where H5Zfilter_avail(H5Z_filter_t(filter.id)) <= 0 {
      _ = HDF5Library.lastMessage()
      let known: [Int: String] = [
        32000: "lzf", 32001: "blosc", 32004: "lz4", 32008: "bitshuffle", 32015: "zstd", 307: "bzip2",
      ]
      let name = known[filter.id] ?? (filter.name.isEmpty ? "unknown" : filter.name)
      throw error(
        "compressed with the HDF5 filter \(name) (id \(filter.id)), which libhdf5 cannot decode without a plugin; "
          + "rewrite the file with gzip or no compression (e.g. anndata's write_h5ad(compression=\"gzip\"))")
    }
  }

  /// Chunk shape when the layout is chunked.
  public func chunkShape() throws -> [Int]? {
    let dcpl = H5Dget_create_plist(id)
    try check(dcpl, "H5Dget_create_plist")
    defer { H5Pclose(dcpl) }
    guard H5Pget_layout(dcpl) == H5D_CHUNKED else { return nil }
    let rank = Int(H5Pget_chunk(dcpl, 0, nil))
    guard rank > 0 else { return nil }
    var dims = [hsize_t](repeating: 0, count: rank)
    H5Pget_chunk(dcpl, Int32(rank), &dims)
    return dims.map { Int($0) }
  }

  /// Reads the whole dataset into an `HDF5Value`.
  public func read() throws -> HDF5Value {
    try checkFiltersAvailable()
    try GlobalHeapGuard.check(self)
    let space = H5Dget_space(id)
    try check(space, "H5Dget_space")
    defer { H5Sclose(space) }
    return try HDF5Reading.readValue(
      source: .dataset(id, memorySpace: chdf5_s_all(), fileSpace: chdf5_s_all()), type: typeID, space: space,
      owner: self, what: "dataset")
  }

  /// Reads elements `start..<start+count` of a 1-D dataset.
  public func read(range: Range<Int>) throws -> HDF5Value {
    try checkFiltersAvailable()
    guard let shape, shape.count == 1 else { throw error("expected a 1-D dataset") }
    guard range.lowerBound >= 0, range.upperBound <= shape[0] else {
      throw error("range \(range) is outside the dataset's \(shape[0]) elements")
    }
    let fileSpace = H5Dget_space(id)
    try check(fileSpace, "H5Dget_space")
    defer { H5Sclose(fileSpace) }
    var start = [hsize_t(range.lowerBound)]
    var count = [hsize_t(range.count)]
    H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil)
    let memorySpace = H5Screate_simple(1, &count, nil)
    defer { H5Sclose(memorySpace) }
    return try HDF5Reading.readValue(
      source: .dataset(id, memorySpace: memorySpace, fileSpace: fileSpace), type: typeID, space: memorySpace,
      owner: self, what: "dataset", count: range.count, shapeOverride: [range.count])
  }

  /// Reads a numeric dataset in its stored type. Gzip-compressed 1-D datasets are decompressed
  /// chunk by chunk on all cores (HDF5's own pipeline is single-threaded).
  public func readNumbers(progress: ProgressBar? = nil) throws -> NumericArray {
    try checkFiltersAvailable()
    guard case .number(let scalar) = typeInfo else {
      if typeInfo == .bool, case .numbers(let n, _) = try read() { return n }
      throw error("expected numbers, found \(typeInfo.name)")
    }
    try file.checkPlausible(elements: count, width: scalar.byteWidth, at: path)
    if let fast = try ParallelChunkReader.readIfEligible(self, scalar: scalar, progress: progress) {
      return fast
    }
    if let direct = try ContiguousDirectReader.readIfEligible(self, scalar: scalar, progress: progress) {
      return direct
    }
    let value = try read()
    progress?.advance(count)
    guard case .numbers(let numbers, _) = value else { throw error("expected numbers") }
    return numbers
  }

  /// Reads a dataset of strings; a non-string dataset is an error.
  public func readStrings() throws -> [String] {
    switch try read() {
    case .strings(let s, _): return s
    case .empty: return []
    default: throw error("expected strings, found \(typeInfo.name)")
    }
  }
}
