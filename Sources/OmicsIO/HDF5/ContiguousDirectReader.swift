internal import CHDF5
import Dispatch
import Foundation
import OmicsCore

/// Reads uncompressed, contiguous numeric datasets straight from the file into the result array
/// with `pread` (the dataset's file offset comes from `H5Dget_offset`), in parallel blocks.
/// This skips HDF5's intermediate copy and is used only when no conversion is needed.
enum ContiguousDirectReader {
  static func readIfEligible(_ dataset: HDF5Dataset, scalar: ScalarType, progress: ProgressBar?) throws -> NumericArray? {
    guard scalar != .bool, dataset.count > 0, try dataset.chunkShape() == nil, try dataset.filters().isEmpty,
      H5Tequal(dataset.typeID, HDF5TypeInfo.nativeType(scalar)) > 0
    else { return nil }
    let offset = H5Dget_offset(dataset.id)
    guard offset != haddr_t.max else {
      _ = HDF5Library.lastMessage()
      return nil
    }
    let total = dataset.count
    let runs = [FileRun(fileOffset: Int(offset), destination: 0, length: total * scalar.byteWidth)]
    return try NumericArray.filling(scalar, count: total) { base in
      guard let base else { return }
      try FileRunReader.read(dataset, runs: runs, into: base, progress: progress)
    }
  }
}

/// A byte range of the file to copy into the result: `length` bytes from `fileOffset` to `destination`.
struct FileRun {
  var fileOffset: Int
  var destination: Int
  var length: Int
}

/// Copies file ranges into memory with `pread`, in parallel blocks, checking the file is long enough.
enum FileRunReader {
  static let blockSize = 8 << 20

  static func read(_ dataset: HDF5Dataset, runs: [FileRun], into output: UnsafeMutableRawPointer, progress: ProgressBar?) throws {
    let descriptor = open(dataset.file.path, O_RDONLY)
    guard descriptor >= 0 else { throw dataset.error("cannot open the file for reading") }
    defer { close(descriptor) }
    var fileInfo = stat()
    guard fstat(descriptor, &fileInfo) == 0 else { throw dataset.error("cannot stat the file") }
    var blocks: [FileRun] = []
    for run in runs {
      guard run.fileOffset >= 0, run.fileOffset + run.length <= Int(fileInfo.st_size) else {
        throw dataset.error("data extends past the end of the file (truncated file?)")
      }
      var done = 0
      while done < run.length {
        let n = min(blockSize, run.length - done)
        blocks.append(FileRun(fileOffset: run.fileOffset + done, destination: run.destination + done, length: n))
        done += n
      }
    }
    let base = UInt(bitPattern: output)
    let failures = FailureSlot()
    let lock = NSLock()
    var copied = 0
    let totalBytes = max(1, runs.reduce(0) { $0 + $1.length })
    DispatchQueue.concurrentPerform(iterations: blocks.count) { b in
      let block = blocks[b]
      var got = 0
      while got < block.length {
        let n = pread(descriptor, UnsafeMutableRawPointer(bitPattern: base + UInt(block.destination + got)), block.length - got, off_t(block.fileOffset + got))
        if n <= 0 {
          failures.set("short read at byte \(block.fileOffset + got) (truncated file?)")
          return
        }
        got += n
      }
      if let progress {
        lock.lock()
        copied += block.length
        progress.update(Int(Double(copied) / Double(totalBytes) * 1_000_000))
        lock.unlock()
      }
    }
    if let message = failures.message { throw dataset.error(message) }
  }
}
