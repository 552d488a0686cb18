import Foundation
@testable import OmicsNN
import Testing

/// The partitioned mode's element-wise passes: `BLASThreads.forEachRange` covers its range exactly
/// once in 8-aligned pieces, and Adam, BatchNorm and the activations give the same bits whether they
/// run on one thread or are cut over the `SpinningWorkerPool`.
@Suite(.serialized) struct PartitionedPassesTests {
  @Test func rangesCoverEveryIndexOnceInAlignedPieces() {
    let saved = BLASThreads.current
    defer { BLASThreads.set(saved) }
    BLASThreads.setPartitioned(2)
    for count in [0, 1, 7, 8, 100, 1 << 15, (1 << 15) + 3, 100_003] {
      let lock = NSLock()
      var pieces: [Range<Int>] = []
      BLASThreads.forEachRange(count: count) { range in
        lock.lock()
        pieces.append(range)
        lock.unlock()
      }
      pieces.sort { $0.lowerBound < $1.lowerBound }
      var next = 0
      for piece in pieces {
        #expect(piece.lowerBound == next, "count \(count)")
        #expect(piece.lowerBound % 8 == 0, "count \(count)")
        next = piece.upperBound
      }
      #expect(next == count, "count \(count)")
      if count >= 1 << 15 { #expect(pieces.count == 2, "count \(count): split over the two threads") }
    }
  }

  @Test func poolRunsEveryBlockAndRefusesNestedJobs() {
    let pool = SpinningWorkerPool(workers: 2)
    for _ in 0..<200 {
      var seen = [Int](repeating: 0, count: 3)
      var nestedRefused = false
      let ran = seen.withUnsafeMutableBufferPointer { counts in
        pool.run(blocks: 3) { block in
          counts[block] += 1
          if block == 0 { nestedRefused = !pool.run(blocks: 2) { _ in } }
        }
      }
      #expect(ran && seen == [1, 1, 1] && nestedRefused)
    }
    #expect(!pool.run(blocks: 4) { _ in }, "more blocks than threads")
  }

  /// One BatchNorm1d + ReLU + Adam step on a batch large enough to be split, returned as bits.
  func step() throws -> [UInt32] {
    var rng = SeededGenerator(seed: 7)
    let store = ParameterStore<Float>()
    let features = 1024, rows = 64
    let norm = BatchNorm1d<Float>(features, name: "bn", store: store)
    let relu = Activation<Float>(.relu)
    let gelu = Activation<Float>(.gelu)
    var x = Tensor<Float>(shape: [rows, features])
    for i in 0..<x.count { x.scalars[i] = Float(rng.normal()) * 3 + 1 }
    var dy = Tensor<Float>(shape: [rows, features])
    for i in 0..<dy.count { dy.scalars[i] = Float(rng.normal()) }
    for i in 0..<store.values.count { store.values[i] += Float(rng.normal()) * 0.1 }
    let weights = store.register("w", shape: [40_000], initial: (0..<40_000).map { _ in Float(rng.normal()) })
    let adam = Adam(store, learningRate: 1e-2)
    let h = try norm.forward(x, training: true)
    let y = try gelu.forward(relu.forward(h, training: true), training: true)
    let dx = try norm.backward(relu.backward(gelu.backward(dy)))
    for i in 0..<weights.count { store.gradients[weights.offset + i] = Float(rng.normal()) }
    adam.step()
    adam.step()
    return (y.scalars + dx.scalars + store.values + store.gradients).map(\.bitPattern)
  }

  @Test func splitPassesGiveTheSameBitsAsOneThread() throws {
    let saved = BLASThreads.current
    defer { BLASThreads.set(saved) }
    BLASThreads.setPartitioned(1)
    let serial = try step()
    BLASThreads.setPartitioned(2)
    let split = try step()
    #expect(serial.count > 200_000)
    #expect(serial == split)
  }
}
