import Dispatch
import Foundation

/// Work splitting for the hot loops: `concurrentPerform` over contiguous chunks, each worker writing
/// only its own slice of the output (no locks in the loops).
enum Parallel {
  /// Number of workers to use (active processors).
  static var workers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

  /// Calls `body(range)` for `chunks` contiguous ranges covering `0..<count`, concurrently.
  /// Runs inline when the work is small (`count < minimumPerChunk * 2`).
  static func forEachChunk(_ count: Int, minimumPerChunk: Int = 1, _ body: (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let chunks = min(workers * 4, max(1, count / max(1, minimumPerChunk)))
    if chunks <= 1 {
      body(0..<count)
      return
    }
    let size = (count + chunks - 1) / chunks
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
      let start = c * size
      let end = min(count, start + size)
      if start < end { body(start..<end) }
    }
  }
}
