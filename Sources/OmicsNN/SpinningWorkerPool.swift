import Foundation
import Synchronization

/// Persistent threads for the engine's split work in `BLASThreads`' partitioned mode: the blocks of a
/// matrix product and of element-wise passes (Adam, BatchNorm). The caller runs block 0 and the
/// workers the others; after a job a worker spins for a short while before it sleeps, so the
/// thousands of sub-millisecond jobs of a training run do not each pay a thread wake-up (with GCD's
/// `concurrentPerform` the scheduler and futex calls were ~6 % of an `omics adapt` profile and the
/// second core idled while its worker woke). One job runs at a time; a call that finds the pool busy
/// (nested, or from two threads) gets `false` and runs its blocks some other way.
final class SpinningWorkerPool: @unchecked Sendable {
  /// Threads besides the caller.
  let workerCount: Int
  /// How long a worker keeps polling for the next job before it sleeps.
  private let spinNanoseconds: UInt64 = 2_000_000
  private let epoch = Atomic<Int>(0)
  private let pending = Atomic<Int>(0)
  private let busy = Atomic<Bool>(false)
  private let sleepers = Atomic<Int>(0)
  private let condition = NSCondition()
  // Written by the caller before `epoch` is published (release), read by workers after (acquire).
  private nonisolated(unsafe) var job: ((Int) -> Void)?
  private nonisolated(unsafe) var jobBlocks = 0

  init(workers: Int) {
    workerCount = max(0, workers)
    for index in 0..<workerCount {
      let thread = Thread { [unowned self] in self.workerLoop(index: index) }
      thread.name = "omics-nn-worker-\(index)"
      thread.start()
    }
  }

  /// Runs `body(0)`…`body(blocks - 1)` with block 0 on the calling thread and returns when all are
  /// done; `false` (nothing run) when the pool is busy or has too few workers.
  func run(blocks: Int, _ body: (Int) -> Void) -> Bool {
    guard blocks >= 1, blocks - 1 <= workerCount else { return false }
    guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
    defer { busy.store(false, ordering: .releasing) }
    if blocks == 1 {
      body(0)
      return true
    }
    withoutActuallyEscaping(body) { escaping in
      job = escaping
      jobBlocks = blocks
      pending.store(workerCount, ordering: .relaxed)
      epoch.add(1, ordering: .sequentiallyConsistent)
      if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
        condition.lock()
        condition.broadcast()
        condition.unlock()
      }
      escaping(0)
      var spins = 0
      while pending.load(ordering: .acquiring) > 0 {
        spins += 1
        if spins > 2_000 { sched_yield() }
      }
      job = nil
    }
    return true
  }

  private func workerLoop(index: Int) {
    var seen = 0
    while true {
      var current = epoch.load(ordering: .acquiring)
      if current == seen {
        let start = DispatchTime.now().uptimeNanoseconds
        var spins = 0
        while current == seen {
          spins += 1
          if spins & 255 == 0, DispatchTime.now().uptimeNanoseconds - start > spinNanoseconds {
            condition.lock()
            sleepers.add(1, ordering: .sequentiallyConsistent)
            while epoch.load(ordering: .sequentiallyConsistent) == seen { condition.wait() }
            sleepers.subtract(1, ordering: .sequentiallyConsistent)
            condition.unlock()
          }
          current = epoch.load(ordering: .acquiring)
        }
      }
      seen = current
      let block = index + 1
      if block < jobBlocks, let job { job(block) }
      pending.subtract(1, ordering: .releasing)
    }
  }
}
