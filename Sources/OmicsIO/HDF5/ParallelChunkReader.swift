internal import CHDF5
import CZlib
import Dispatch
import Foundation
import OmicsCore

/// Reads gzip(+shuffle)-compressed, chunked 1-D numeric datasets by fetching the raw chunks
/// (`H5Dread_chunk`) and inflating them with zlib on all cores.
enum ParallelChunkReader {
  /// The decoded values, or nil when the dataset is not eligible (not chunked, other filters, other byte order…).
  static func readIfEligible(_ dataset: HDF5Dataset, scalar: ScalarType, progress: ProgressBar?) throws -> NumericArray? {
    guard let shape = dataset.shape, shape.count == 1, shape[0] > 0,
      let chunk = try dataset.chunkShape(), chunk.count == 1, chunk[0] > 0
    else { return nil }
    let filters = try dataset.filters()
    let ids = filters.map(\.id)
    guard ids.isEmpty || ids == [Int(H5Z_FILTER_DEFLATE)] || ids == [Int(H5Z_FILTER_SHUFFLE), Int(H5Z_FILTER_DEFLATE)] else {
      return nil
    }
    let shuffled = ids.count == 2
    let compressed = !ids.isEmpty
    let native = HDF5TypeInfo.nativeType(scalar)
    guard H5Tequal(dataset.typeID, native) > 0 else { return nil }
    let total = shape[0]
    let width = scalar.byteWidth
    let runs = compressed ? nil : try uncompressedRuns(dataset, total: total, chunkLength: chunk[0], width: width)
    guard scalar != .bool else { return nil }  // h5py bools are enums; HDF5 converts them
    return try NumericArray.filling(scalar, count: total) { base in
      guard let base else { return }
      if let runs {
        try FileRunReader.read(dataset, runs: runs, into: base, progress: progress)
      } else {
        try decode(dataset, into: base, total: total, chunkLength: chunk[0], width: width,
                   compressed: compressed, shuffled: shuffled, progress: progress)
      }
    }
  }

  /// For uncompressed chunked data: the file byte ranges holding the values, in order, with
  /// consecutive chunks merged. Nil when a chunk is missing (fill values) or oddly sized.
  static func uncompressedRuns(_ dataset: HDF5Dataset, total: Int, chunkLength: Int, width: Int) throws -> [FileRun]? {
    let chunkCount = (total + chunkLength - 1) / chunkLength
    var runs: [FileRun] = []
    for c in 0..<chunkCount {
      var offset = [hsize_t(c * chunkLength)]
      var mask: UInt32 = 0
      var address: haddr_t = 0
      var size: hsize_t = 0
      guard H5Dget_chunk_info_by_coord(dataset.id, &offset, &mask, &address, &size) >= 0 else {
        _ = HDF5Library.lastMessage()
        return nil
      }
      guard address != haddr_t.max, Int(size) == chunkLength * width else { return nil }
      let valid = min(chunkLength, total - c * chunkLength) * width
      let destination = c * chunkLength * width
      if let last = runs.last, last.fileOffset + last.length == Int(address), last.destination + last.length == destination,
        last.length == runs.last.map({ $0.length }) ?? 0, (last.length % (chunkLength * width)) == 0
      {
        runs[runs.count - 1].length += valid
      } else {
        runs.append(FileRun(fileOffset: Int(address), destination: destination, length: valid))
      }
    }
    return runs
  }

  /// Each worker takes the next chunk, fetches its raw bytes under a lock (HDF5 calls are serialized),
  /// then inflates it outside the lock straight into its slice of the output.
  private static func decode(
    _ dataset: HDF5Dataset, into output: UnsafeMutableRawPointer, total: Int, chunkLength: Int, width: Int,
    compressed isCompressed: Bool, shuffled: Bool, progress: ProgressBar?
  ) throws {
    let chunkCount = (total + chunkLength - 1) / chunkLength
    let chunkBytes = chunkLength * width
    let failures = FailureSlot()
    let lock = NSLock()
    var nextChunk = 0
    var completed = 0
    let outputAddress = UInt(bitPattern: output)
    let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, chunkCount))
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      var compressed = [UInt8](repeating: 0, count: chunkBytes + chunkBytes / 8 + 1024)
      var scratch = [UInt8](repeating: 0, count: chunkBytes)
      while true {
        lock.lock()
        let c = nextChunk
        nextChunk += 1
        if c >= chunkCount || failures.message != nil {
          lock.unlock()
          return
        }
        var offset = [hsize_t(c * chunkLength)]
        var size: hsize_t = 0
        var mask: UInt32 = 0
        var readStatus = H5Dget_chunk_storage_size(dataset.id, &offset, &size)
        let start = c * chunkLength
        let valid = min(chunkLength, total - start)
        let destination = UnsafeMutableRawPointer(bitPattern: outputAddress)!.advanced(by: start * width)  // safe: output is non-null
        var stored = false
        if readStatus >= 0 && size > 0 {
          if !isCompressed && valid == chunkLength && Int(size) == chunkBytes {
            // Uncompressed full chunk: straight into the result.
            readStatus = H5Dread_chunk(dataset.id, chdf5_p_default(), &offset, &mask, destination)
            stored = true
          } else {
            if Int(size) > compressed.count { compressed = [UInt8](repeating: 0, count: Int(size)) }
            readStatus = compressed.withUnsafeMutableBytes {
              H5Dread_chunk(dataset.id, chdf5_p_default(), &offset, &mask, $0.baseAddress)
            }
          }
        }
        if readStatus < 0 {
          failures.set(HDF5Library.lastMessage().isEmpty ? "chunk \(c) cannot be read" : "chunk \(c) cannot be read: \(HDF5Library.lastMessage())")
        }
        lock.unlock()
        if readStatus < 0 { return }

        if stored {
          // already in place
        } else if size == 0 {  // never written: the fill value, 0
          destination.initializeMemory(as: UInt8.self, repeating: 0, count: valid * width)
        } else {
          let deflateSkipped = !isCompressed || mask & (shuffled ? 2 : 1) != 0
          let unshuffle = shuffled && mask & 1 == 0
          let direct = !unshuffle && valid == chunkLength && !deflateSkipped
          let ok: Bool = compressed.withUnsafeBytes { source in
            scratch.withUnsafeMutableBytes { scratchBytes in
              let target = direct ? destination : scratchBytes.baseAddress!  // safe: chunkBytes > 0
              if deflateSkipped {
                guard Int(size) >= valid * width else { return false }
                target.copyMemory(from: source.baseAddress!, byteCount: min(Int(size), chunkBytes))  // safe: size > 0
              } else {
                var length = uLong(chunkBytes)
                let status = uncompress(
                  target.assumingMemoryBound(to: Bytef.self), &length,
                  source.baseAddress!.assumingMemoryBound(to: Bytef.self), uLong(size))  // safe: size > 0
                guard status == Z_OK, Int(length) >= valid * width else { return false }
              }
              if direct { return true }
              if unshuffle {
                // HDF5 shuffle stores byte j of every element together: one plane of chunkLength bytes per j.
                let d = destination.assumingMemoryBound(to: UInt8.self)
                let s = scratchBytes.bindMemory(to: UInt8.self)
                for j in 0..<width {
                  let plane = j * chunkLength
                  for i in 0..<valid { d[i * width + j] = s[plane + i] }
                }
              } else {
                destination.copyMemory(from: scratchBytes.baseAddress!, byteCount: valid * width)  // safe: non-empty
              }
              return true
            }
          }
          if !ok {
            failures.set("chunk \(c) does not inflate to its expected size; the file is damaged")
            return
          }
        }
        if let progress {
          lock.lock()
          completed += valid
          progress.update(completed)
          lock.unlock()
        }
      }
    }
    if let message = failures.message { throw dataset.error(message) }
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

