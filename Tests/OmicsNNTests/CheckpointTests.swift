import Foundation
import OmicsCore
import OmicsIO
import OmicsNN
import OmicsTestSupport
import Testing

/// Checkpoints: config.json + model.safetensors with PyTorch names and dtypes; round trip; bad input.
@Suite struct CheckpointTests {
  func model<T: NNScalar>(_: T.Type, seed: UInt64) -> ParameterStore<T> {
    let store = ParameterStore<T>()
    var rng = SeededGenerator(seed: seed)
    _ = Linear<T>(3, 2, name: "encoder.0.0", store: store, rng: &rng)
    _ = BatchNorm1d<T>(2, name: "encoder.0.1", store: store)
    return store
  }

  @Test func roundTripFloat32AndFloat64() throws {
    let dir = FixturePaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let a = model(Float.self, seed: 1)
    try a.set("encoder.0.1.num_batches_tracked", [7])
    try Checkpoint.save(a, config: ["model_type": "test", "hidden": [3, 2]], to: dir + "/m")
    let file = try SafeTensorsFile(path: dir + "/m/model.safetensors")
    #expect(file.metadata == ["format": "pt"])
    #expect(file.info("encoder.0.0.weight")?.dtype == .F32)
    #expect(file.info("encoder.0.0.weight")?.shape == [2, 3])
    #expect(file.info("encoder.0.1.num_batches_tracked")?.dtype == .I64)
    #expect(file.info("encoder.0.1.num_batches_tracked")?.shape == [])
    #expect(try file.int64s("encoder.0.1.num_batches_tracked") == [7])
    let b = model(Float.self, seed: 2)
    #expect(b.values != a.values)
    let config = try Checkpoint.load(b, fromDirectory: dir + "/m")
    #expect(b.values == a.values)
    #expect(config["model_type"] as? String == "test")
    // Double model from the Float checkpoint: converted exactly.
    let c = model(Double.self, seed: 3)
    try Checkpoint.load(c, from: file)
    #expect(c.values == a.values.map(Double.init))
  }

  @Test func shapeMismatchAndMissingTensorAreErrorsNamingTheFile() throws {
    let dir = FixturePaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try SafeTensorsWriter.write([.float32("encoder.0.0.weight", shape: [3, 2], [1, 2, 3, 4, 5, 6])], to: dir + "/x.safetensors")
    let file = try SafeTensorsFile(path: dir + "/x.safetensors")
    let m = model(Float.self, seed: 1)
    do {
      try Checkpoint.load(m, from: file)
      Issue.record("accepted a transposed weight")
    } catch let e as OmicsError {
      #expect(e.file.hasSuffix("x.safetensors"))
      #expect(e.description.contains("does not match"))
    }
    try SafeTensorsWriter.write([.float32("other", shape: [1], [1])], to: dir + "/y.safetensors")
    #expect(throws: OmicsError.self) { try Checkpoint.load(m, from: SafeTensorsFile(path: dir + "/y.safetensors")) }
    try SafeTensorsWriter.write([.float32("encoder.0.0.weight", shape: [2, 3], [1, 2, .nan, 4, 5, 6])], to: dir + "/z.safetensors")
    #expect(throws: OmicsError.self) {
      try Checkpoint.load(m, from: SafeTensorsFile(path: dir + "/z.safetensors"), strict: false)
    }
  }
}
