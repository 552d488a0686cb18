internal import CHDF5
import CZlib
import Foundation
import OmicsCore

/// Checks the variable-length strings of a dataset against the file's global heap before libhdf5
/// decodes them. libhdf5 1.10.8 trusts the object sizes stored in a global-heap collection and
/// crashes (memcpy past the buffer in `H5HG_read`) on corrupted files; newer releases check them.
///
/// Each stored string is a 16-byte descriptor (length, collection address, object index). Every
/// collection referenced is parsed once (`GCOL` signature, size inside the file, objects that fit),
/// and every descriptor must name an object at least as long as the string. Datasets stored
/// contiguously or in chunks (plain or deflate) are checked; other layouts are left to libhdf5.
enum GlobalHeapGuard {
  struct Collection {
    var objectSizes: [Int: Int]
  }

  static func check(_ dataset: HDF5Dataset) throws {
    guard case .string(true, _) = dataset.typeInfo, dataset.count > 0, let shape = dataset.shape else { return }
    let fcpl = H5Fget_create_plist(dataset.file.id)
    guard fcpl >= 0 else { _ = HDF5Library.lastMessage(); return }
    var sizeofAddr = 0
    var sizeofSize = 0
    var userBlock: hsize_t = 0
    H5Pget_sizes(fcpl, &sizeofAddr, &sizeofSize)
    H5Pget_userblock(fcpl, &userBlock)
    H5Pclose(fcpl)
    guard sizeofAddr == 8, sizeofSize == 8 else { return }
    let count = dataset.count
    guard let raw = try rawDescriptors(dataset, count: count, width: 16, shape: shape) else { return }
    guard let handle = FileHandle(forReadingAtPath: dataset.file.path) else { return }
    defer { try? handle.close() }
    let fileSize = dataset.file.byteSize
    var collections: [UInt64: Collection] = [:]
    try raw.withUnsafeBytes { bytes in
      for i in 0..<count {
        let base = i * 16
        let length = Int(bytes.loadUnaligned(fromByteOffset: base, as: UInt32.self).littleEndian)
        let address = bytes.loadUnaligned(fromByteOffset: base + 4, as: UInt64.self).littleEndian
        let index = Int(bytes.loadUnaligned(fromByteOffset: base + 12, as: UInt32.self).littleEndian)
        if address == 0 || address == UInt64.max { continue }  // no heap object (empty or unset)
        let collection: Collection
        if let known = collections[address] {
          collection = known
        } else {
          collection = try parseCollection(at: address &+ UInt64(userBlock), handle: handle, fileSize: fileSize, dataset: dataset)
          collections[address] = collection
        }
        guard let size = collection.objectSizes[index], size >= length else {
          throw dataset.error("string \(i) points at a missing or too short global-heap object (corrupted file)")
        }
      }
    }
  }

  /// The stored bytes of the dataset (file layout), or nil when the layout is not one this guard reads.
  static func rawDescriptors(_ d: HDF5Dataset, count: Int, width: Int, shape: [Int]) throws -> Data? {
    let total = count * width
    if try d.chunkShape() == nil {
      let offset = H5Dget_offset(d.id)
      guard offset != haddr_t.max else { _ = HDF5Library.lastMessage(); return nil }
      guard Int(offset) + total <= d.file.byteSize else {
        throw d.error("string descriptors extend past the end of the file (truncated file?)")
      }
      guard let handle = FileHandle(forReadingAtPath: d.file.path) else { return nil }
      defer { try? handle.close() }
      try handle.seek(toOffset: UInt64(offset))
      let data = handle.readData(ofLength: total)
      return data.count == total ? data : nil
    }
    guard shape.count == 1, let chunk = try d.chunkShape(), chunk.count == 1, chunk[0] > 0 else { return nil }
    let filters = try d.filters().map(\.id)
    guard filters.isEmpty || filters == [Int(H5Z_FILTER_DEFLATE)] else { return nil }
    var out = Data(count: total)
    let chunkBytes = chunk[0] * width
    var c = 0
    while c * chunk[0] < count {
      var offset = [hsize_t(c * chunk[0])]
      var size: hsize_t = 0
      guard H5Dget_chunk_storage_size(d.id, &offset, &size) >= 0 else { _ = HDF5Library.lastMessage(); return nil }
      let valid = min(chunk[0], count - c * chunk[0]) * width
      if size > 0 {
        guard Int(size) <= d.file.byteSize else { throw d.error("chunk \(c) is larger than the file (corrupted file?)") }
        var stored = [UInt8](repeating: 0, count: Int(size))
        var mask: UInt32 = 0
        let status = stored.withUnsafeMutableBytes { H5Dread_chunk(d.id, chdf5_p_default(), &offset, &mask, $0.baseAddress) }
        guard status >= 0 else { _ = HDF5Library.lastMessage(); return nil }
        var plain = stored
        if !filters.isEmpty && mask & 1 == 0 {
          plain = [UInt8](repeating: 0, count: chunkBytes)
          var length = uLong(chunkBytes)
          let z = plain.withUnsafeMutableBytes { p in
            stored.withUnsafeBytes { q in
              uncompress(p.baseAddress!.assumingMemoryBound(to: Bytef.self), &length,  // safe: chunkBytes > 0
                         q.baseAddress!.assumingMemoryBound(to: Bytef.self), uLong(q.count))  // safe: size > 0
            }
          }
          guard z == Z_OK else { throw d.error("chunk \(c) does not inflate; the file is damaged") }
        }
        guard plain.count >= valid else { throw d.error("chunk \(c) is shorter than its strings (corrupted file?)") }
        out.replaceSubrange((c * chunkBytes)..<(c * chunkBytes + valid), with: plain[0..<valid])
      }
      c += 1
    }
    return out
  }

  static func parseCollection(at address: UInt64, handle: FileHandle, fileSize: Int, dataset: HDF5Dataset) throws -> Collection {
    let corrupted = { (what: String) in dataset.error("global heap collection at byte \(address): \(what) (corrupted file)") }
    guard address < UInt64(fileSize), Int(address) + 16 <= fileSize else { throw corrupted("outside the file") }
    try handle.seek(toOffset: address)
    let header = handle.readData(ofLength: 16)
    guard header.count == 16, header.prefix(4) == Data("GCOL".utf8) else { throw corrupted("no GCOL signature") }
    let size = Int(header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian } & 0x7FFF_FFFF_FFFF_FFFF)
    guard size >= 16, Int(address) + size <= fileSize else { throw corrupted("size \(size) runs past the end of the file") }
    try handle.seek(toOffset: address)
    let body = handle.readData(ofLength: size)
    guard body.count == size else { throw corrupted("short read") }
    var objects: [Int: Int] = [:]
    body.withUnsafeBytes { b in
      var offset = 16
      while offset + 16 <= size {
        let index = Int(b.loadUnaligned(fromByteOffset: offset, as: UInt16.self).littleEndian)
        let objectSize = b.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self).littleEndian
        if index == 0 { break }  // free space: the rest of the collection
        guard objectSize <= UInt64(size) else { break }
        let padded = (Int(objectSize) + 7) & ~7
        guard offset + 16 + padded <= size else { break }  // object runs past the collection: not recorded
        objects[index] = Int(objectSize)
        offset += 16 + padded
      }
    }
    return Collection(objectSizes: objects)
  }
}
