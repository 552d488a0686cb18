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

/// Writes a checkpoint of the scDEAL bulk model (encoder + bottleneck + predictor, upstream names,
/// Float32, one training step so the BN counters are 1) to `$OMICS_NN_EXPORT_DIR/bulk_model` for
/// `scripts/nn_interop_check.py`, which loads it with `safetensors.torch.load_file` and
/// `load_state_dict(strict=True)` into the PyTorch module. Skipped unless the variable is set.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["OMICS_NN_EXPORT_DIR"] != nil,
                "set OMICS_NN_EXPORT_DIR to export a checkpoint for scripts/nn_interop_check.py"))
struct CheckpointExport {
  @Test func exportBulkModel() throws {
    let dir = try #require(ProcessInfo.processInfo.environment["OMICS_NN_EXPORT_DIR"])
    let store = ParameterStore<Float>()
    let enc = ScdealAE<Float>(store: store, genes: 12, hidden: [8, 6], latent: 4, withDecoder: false)
    let head = scdealPredictor(store: store)
    var rng = SeededGenerator(seed: 3)
    var x = Tensor<Float>(shape: [6, 12])
    for i in 0..<x.count { x.scalars[i] = Float(rng.nextUnit()) }
    let out = try head.forward(enc.encode(x, training: true), training: true)
    let loss = try crossEntropyLoss(out, labels: [0, 1, 1, 0, 1, 0])
    _ = try enc.backwardEncode(head.backward(loss.gradient))
    Adam(store, learningRate: 1e-2).step()
    try Checkpoint.save(store, config: ["genes": 12, "hidden": [8, 6], "latent": 4, "predictor_hidden": [5, 3]],
                        to: dir + "/bulk_model")
    let eval = try head.forward(enc.encode(x, training: false), training: false)
    try SafeTensorsWriter.write([.float32("x", shape: [6, 12], x.scalars), .float32("eval_out", shape: [6, 2], eval.scalars)],
                                to: dir + "/bulk_model_io.safetensors")
    #expect(FileManager.default.fileExists(atPath: dir + "/bulk_model/model.safetensors"))
  }
}
