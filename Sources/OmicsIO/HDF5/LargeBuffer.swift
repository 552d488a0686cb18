import Foundation

/// Advice for large result buffers: ask the kernel for transparent huge pages before the buffer is
/// first touched, which cuts page-fault time for arrays of hundreds of megabytes (numpy does the same).
enum LargeBuffer {
  static let threshold = 4 << 20

  static func adviseHugePages(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
    guard byteCount >= threshold else { return }
    let page = 4096
    let start = (UInt(bitPattern: pointer) + UInt(page - 1)) & ~UInt(page - 1)
    let end = (UInt(bitPattern: pointer) + UInt(byteCount)) & ~UInt(page - 1)
    guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(aligned, Int(end - start), 14)  // MADV_HUGEPAGE
  }
}
