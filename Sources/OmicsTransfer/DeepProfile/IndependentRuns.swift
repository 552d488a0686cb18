import Foundation
import OmicsNN

/// Runs independent jobs (one VAE each) on `workers` threads, each job single-threaded in BLAS:
/// small-batch MLPs are bound by per-GEMM overhead, so parallelising across runs beats threading
/// inside each GEMM. A job's result depends only on its own seed, so the thread count does not
/// change any model. The first error stops the remaining jobs and is rethrown.
enum IndependentRuns {
  static func forEach(_ count: Int, workers: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
    let previous = BLASThreads.current
    BLASThreads.set(1)
    defer { BLASThreads.set(previous) }
    let state = SharedState()
    DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { _ in
      while let job = state.next(limit: count) {
        do { try body(job) } catch { state.fail(error) }
      }
    }
    if let error = state.error { throw error }
  }

  private final class SharedState: @unchecked Sendable {
    private let lock = NSLock()
    private var nextJob = 0
    private(set) var error: Error?

    func next(limit: Int) -> Int? {
      lock.lock()
      defer { lock.unlock() }
      guard error == nil, nextJob < limit else { return nil }
      nextJob += 1
      return nextJob - 1
    }

    func fail(_ e: Error) {
      lock.lock()
      if error == nil { error = e }
      lock.unlock()
    }
  }
}

/// A lock-protected value written from parallel jobs.
final class Locked<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value
  init(_ value: Value) { self.value = value }
  func update<R>(_ body: (inout Value) throws -> R) rethrows -> R {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
  var current: Value { update { $0 } }
}
