internal import CHDF5
import CZlib
import Dispatch
import Foundation
import OmicsCore

/// Reads gzip(+shuffle)-compressed, chunked 1-D numeric datasets by fetching the raw chunks
/// (`H5Dread_chunk`) and inflating them with zlib on all cores.
enum ParallelChunkReader {
  /// Chunks handled per batch: bounds the memory held by compressed chunks.
  static let batchSize = 256

  /// The decoded values, or nil when the dataset is not eligible (not chunked, other filters, other byte order…).
  static func readIfEligible(_ dataset: HDF5Dataset, scalar: ScalarType, progress: ProgressBar?) throws -> NumericArray? {
    guard let shape = dataset.shape, shape.count == 1, shape[0] > 0,
      let chunk = try dataset.chunkShape(), chunk.count == 1, chunk[0] > 0
    else { return nil }
    let filters = try dataset.filters()
    let ids = filters.map(\.id)
    guard ids == [Int(H5Z_FILTER_DEFLATE)] || ids == [Int(H5Z_FILTER_SHUFFLE), Int(H5Z_FILTER_DEFLATE)] else {
      return nil
    }
    let shuffled = ids.count == 2
    let native = HDF5TypeInfo.nativeType(scalar)
    guard H5Tequal(dataset.typeID, native) > 0 else { return nil }
    let total = shape[0]
    let width = scalar.byteWidth
    func fill<T>(_: T.Type) throws -> [T] {
      try [T](unsafeUninitializedCapacity: total) { buffer, initialized in
        try decode(dataset, into: UnsafeMutableRawPointer(buffer.baseAddress!), total: total, chunkLength: chunk[0],  // safe: total > 0
                   width: width, shuffled: shuffled, progress: progress)
        initialized = total
      }
    }
    switch scalar {
    case .bool: return nil
    case .int8: return .int8(try fill(Int8.self))
    case .int16: return .int16(try fill(Int16.self))
    case .int32: return .int32(try fill(Int32.self))
    case .int64: return .int64(try fill(Int64.self))
    case .uint8: return .uint8(try fill(UInt8.self))
    case .uint16: return .uint16(try fill(UInt16.self))
    case .uint32: return .uint32(try fill(UInt32.self))
    case .uint64: return .uint64(try fill(UInt64.self))
    case .float32: return .float32(try fill(Float.self))
    case .float64: return .float64(try fill(Double.self))
    }
  }

  private static func decode(
    _ dataset: HDF5Dataset, into output: UnsafeMutableRawPointer, total: Int, chunkLength: Int, width: Int,
    shuffled: Bool, progress: ProgressBar?
  ) throws {
    let chunkCount = (total + chunkLength - 1) / chunkLength
    let chunkBytes = chunkLength * width
    var first = 0
    while first < chunkCount {
      let last = min(chunkCount, first + batchSize)
      // 1. Fetch the raw (compressed) chunks; HDF5 calls are serialized by the library.
      var raw: [[UInt8]] = []
      var masks: [UInt32] = []
      raw.reserveCapacity(last - first)
      for c in first..<last {
        var offset = [hsize_t(c * chunkLength)]
        var size: hsize_t = 0
        guard H5Dget_chunk_storage_size(dataset.id, &offset, &size) >= 0 else {
          throw HDF5Library.error("H5Dget_chunk_storage_size", file: dataset.file.path, path: dataset.path)
        }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        var mask: UInt32 = 0
        if size > 0 {
          let status = bytes.withUnsafeMutableBytes {
            H5Dread_chunk(dataset.id, chdf5_p_default(), &offset, &mask, $0.baseAddress)
          }
          guard status >= 0 else {
            throw HDF5Library.error("H5Dread_chunk", file: dataset.file.path, path: dataset.path)
          }
        }
        raw.append(bytes)
        masks.append(mask)
      }
      // 2. Inflate (and unshuffle) in parallel, each chunk into its own slice of the output.
      let failures = FailureSlot()
      let outputAddress = UInt(bitPattern: output)
      raw.withUnsafeBufferPointer { chunks in
        DispatchQueue.concurrentPerform(iterations: chunks.count) { k in
          let c = first + k
          let start = c * chunkLength
          let valid = min(chunkLength, total - start)
          let destination = UnsafeMutableRawPointer(bitPattern: outputAddress)!.advanced(by: start * width)  // safe: output is non-null
          let compressed = chunks[k]
          if compressed.isEmpty {  // never written: the fill value, 0
            destination.initializeMemory(as: UInt8.self, repeating: 0, count: valid * width)
            return
          }
          let deflateSkipped = masks[k] & (shuffled ? 2 : 1) != 0
          let shuffleSkipped = !shuffled || masks[k] & 1 != 0
          var plain = [UInt8](repeating: 0, count: chunkBytes)
          if deflateSkipped {
            plain.withUnsafeMutableBytes { p in
              compressed.withUnsafeBytes { p.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0.prefix(chunkBytes))) }
            }
          } else {
            var length = uLong(chunkBytes)
            let status = plain.withUnsafeMutableBytes { p in
              compressed.withUnsafeBytes { q in
                uncompress(
                  p.baseAddress!.assumingMemoryBound(to: Bytef.self), &length,  // safe: chunkBytes > 0
                  q.baseAddress!.assumingMemoryBound(to: Bytef.self), uLong(q.count))  // safe: non-empty
              }
            }
            if status != Z_OK || Int(length) < valid * width {
              failures.set("chunk \(c) does not inflate (zlib status \(status)); the file is damaged")
              return
            }
          }
          plain.withUnsafeBytes { p in
            if shuffleSkipped {
              destination.copyMemory(from: p.baseAddress!, byteCount: valid * width)  // safe: non-empty
            } else {
              // HDF5 shuffle stores byte j of every element together: chunkLength bytes per plane.
              let d = destination.assumingMemoryBound(to: UInt8.self)
              let s = p.bindMemory(to: UInt8.self)
              for j in 0..<width {
                let plane = j * chunkLength
                for i in 0..<valid { d[i * width + j] = s[plane + i] }
              }
            }
          }
        }
      }
      if let message = failures.message { throw dataset.error(message) }
      progress?.advance(min(total, last * chunkLength) - first * chunkLength)
      first = last
    }
  }
}

/// Collects the first failure reported by concurrent workers.
final class FailureSlot: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var message: String?

  func set(_ text: String) {
    lock.withLock { if message == nil { message = text } }
  }
}

