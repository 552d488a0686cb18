import OmicsNN
import Testing

/// Same seed + same thread count → bit-identical model; dropout statistics.
@Suite(.serialized) struct DeterminismTests {
  /// A few epochs of a small MLP with dropout, BatchNorm, Adam and shuffled batches.
  func train(seed: UInt64, width: Int = 64) throws -> [Float] {
    var rng = SeededGenerator(seed: seed)
    let store = ParameterStore<Float>()
    let net = Sequential<Float>([
      Linear(20, width, name: "0", store: store, rng: &rng), BatchNorm1d(width, name: "1", store: store),
      Activation(.relu), Dropout(p: 0.3, seed: rng.next()), Linear(width, 2, name: "4", store: store, rng: &rng),
    ])
    var data = Tensor<Float>(shape: [200, 20])
    for i in 0..<data.count { data.scalars[i] = Float(rng.normal()) }
    let labels = (0..<200).map { data.scalars[$0 * 20] > 0 ? 1 : 0 }
    let adam = Adam(store, learningRate: 1e-2)
    for _ in 0..<5 {
      let order = rng.permutation(200)
      for start in stride(from: 0, to: 200, by: 50) {
        let idx = Array(order[start..<(start + 50)])
        store.zeroGradients()
        let out = try net.forward(data.gatherRows(idx), training: true)
        let loss = try crossEntropyLoss(out, labels: idx.map { labels[$0] })
        _ = try net.backward(loss.gradient)
        adam.step()
      }
    }
    return store.values
  }

  @Test func sameSeedSameThreadsBitIdentical() throws {
    for threads in [1, 2] {
      BLASThreads.set(threads)
      let a = try train(seed: 42), b = try train(seed: 42)
      #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "threads \(threads)")
      #expect(a != (try train(seed: 43)))
    }
  }

  /// The partitioned BLAS mode (`omics adapt`): products split into blocks by the engine (width 600:
  /// the first layer's products, 50 × 600 × 20, are above the split threshold).
  @Test func partitionedModeSameSeedSameThreadsBitIdentical() throws {
    for threads in [1, 2] {
      BLASThreads.setPartitioned(threads)
      let a = try train(seed: 42, width: 600), b = try train(seed: 42, width: 600)
      #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "threads \(threads)")
    }
    BLASThreads.set(1)
  }

  @Test func dropoutKeepsTheMeanAndDropsAboutP() throws {
    let d = Dropout<Double>(p: 0.3, seed: 7)
    let y = try d.forward(Tensor(shape: [100_000], repeating: 1), training: true)
    let zeros = Double(y.scalars.filter { $0 == 0 }.count) / 100_000
    let mean = y.scalars.reduce(0, +) / 100_000
    #expect(abs(zeros - 0.3) < 0.01)
    #expect(abs(mean - 1) < 0.02)
    #expect(try d.forward(Tensor(shape: [4], repeating: 1), training: false).scalars == [1, 1, 1, 1])
  }
}
