import Foundation
import OmicsIO
import OmicsNN
import OmicsTestSupport
import Testing

/// One training step of each scDEAL loss against PyTorch's numbers in `../shared/data/scdeal`
/// (scdeal.md §6), in Float32 and Float64, with the tolerances of §6.2:
/// per tensor `|a − b| ≤ atol + rtol·|b|`, `atol = 1e-6·max|b|`, `rtol = 1e-4` (f32) / `1e-9` (f64);
/// structurally zero or tiny gradients absolutely (`1e-6·max|grad of the step|` in f32, `1e-12` in f64);
/// parameters after Adam only where `|g| > 1e-6`.
@Suite(.enabled(if: FixturePaths.shared("scdeal") != nil, "needs ../shared/data/scdeal (PyTorch reference numbers)"))
struct ScdealReferenceTests {
  struct Reference {
    let tag: String
    let initial: SafeTensorsFile
    let inputs: SafeTensorsFile
    let expected: SafeTensorsFile
    let scalars: [String: Any]
    let tiny: Set<String>
    let rtol: Double
    let tinyAbsoluteFactor: Double

    init(_ tag: String) throws {
      let dir = try #require(FixturePaths.shared("scdeal"))
      self.tag = tag
      initial = try SafeTensorsFile(path: dir + "/init_\(tag).safetensors")
      inputs = try SafeTensorsFile(path: dir + "/inputs_\(tag).safetensors")
      expected = try SafeTensorsFile(path: dir + "/expected_\(tag).safetensors")
      let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/expected.json")))
      let all = try #require(json as? [String: Any])
      scalars = try #require(all[tag == "f32" ? "float32" : "float64"] as? [String: Any])
      // Structurally zero gradients do not depend on the precision: use the keys either precision lists
      // (f32 rounding leaves them at ~1e-9, above the 1e-12 cut the script uses to list them).
      var tiny = Set<String>()
      for p in ["float32", "float64"] {
        tiny.formUnion(((all[p] as? [String: Any])?["structurally_zero_or_tiny"] as? [String]) ?? [])
      }
      self.tiny = tiny
      rtol = tag == "f32" ? 1e-4 : 1e-9
      tinyAbsoluteFactor = tag == "f32" ? 1e-6 : 0
    }

    func tensor<T: NNScalar>(_ file: SafeTensorsFile, _ name: String, as: T.Type) throws -> Tensor<T> {
      let info = try #require(file.info(name), "\(name) missing")
      return Tensor(shape: info.shape, scalars: try file.doubles(name).map { T($0) })
    }

    func scalar(_ key: String) throws -> Double { try #require(scalars[key] as? Double, "\(key) missing") }
  }

  /// Compares per tensor with the §6.2 rule; returns the largest |a − b| / (atol + rtol·|b|).
  @discardableResult
  static func expectClose<T: NNScalar>(_ actual: [T], _ expected: [Double], rtol: Double, _ label: String) -> Double {
    #expect(actual.count == expected.count, "\(label): \(actual.count) vs \(expected.count) values")
    guard actual.count == expected.count, !expected.isEmpty else { return .infinity }
    let atol = 1e-6 * (expected.map(abs).max() ?? 0)
    var worst = 0.0
    for i in expected.indices {
      let bound = atol + rtol * abs(expected[i])
      let err = abs(Double(actual[i]) - expected[i])
      worst = max(worst, bound > 0 ? err / bound : (err == 0 ? 0 : .infinity))
      if err > bound {
        Issue.record("\(label)[\(i)]: \(actual[i]) vs PyTorch \(expected[i]) (|Δ| \(err) > \(bound))")
        break
      }
    }
    return worst
  }

  /// Gradients of one step: the relative rule, or the absolute bound for keys listed as tiny.
  static func expectGradients<T: NNScalar>(_ store: ParameterStore<T>, ref: Reference, prefix: String) throws -> (Int, Double) {
    var worst = 0.0
    var stepMax = 0.0
    for name in ref.expected.names where name.hasPrefix(prefix) {
      stepMax = max(stepMax, try ref.expected.doubles(name).map(abs).max() ?? 0)
    }
    var compared = 0
    for name in ref.expected.names where name.hasPrefix(prefix) {
      let key = String(name.dropFirst(prefix.count))
      let g = try #require(store.gradient(key), "no parameter \(key)")
      let expected = try ref.expected.doubles(name)
      if ref.tiny.contains(name) {
        let bound = ref.tag == "f32" ? ref.tinyAbsoluteFactor * stepMax : 1e-12
        // f64: |g| itself; f32: |g − g_PyTorch| (PyTorch's own f32 values of the tiny MMD gradients exceed the bound).
        var worst = 0.0
        for (i, v) in g.scalars.enumerated() {
          worst = max(worst, abs(Double(v) - (ref.tag == "f32" ? expected[i] : 0)))
        }
        #expect(worst <= bound, "\(ref.tag) \(name): structurally zero or tiny gradient off by \(worst) > \(bound)")
      } else {
        worst = max(worst, expectClose(g.scalars, expected, rtol: ref.rtol, "\(ref.tag) \(name)"))
      }
      compared += 1
    }
    print("scDEAL \(ref.tag) \(prefix): \(compared) gradients, worst relative-rule ratio \(worst)")
    return (compared, worst)
  }

  func daeStep<T: NNScalar>(_: T.Type, _ tag: String) throws {
    var worst = 0.0
    defer { print("scDEAL \(tag) \(#function): worst |a − b| / (atol + rtol·|b|) = \(worst)") }
    let ref = try Reference(tag)
    let store = ParameterStore<T>()
    let ae = ScdealAE<T>(store: store)
    try Checkpoint.load(store, from: ref.initial, prefix: "bulk_ae.")
    let x = try ref.tensor(ref.inputs, "X_src", as: T.self)
    let mask = try ref.tensor(ref.inputs, "dae_mask", as: T.self)
    var z = x
    for i in 0..<z.count { z.scalars[i] *= 1 - mask.scalars[i] }
    let rec = try ae.forward(z, training: true)
    worst = max(worst, Self.expectClose(rec.scalars, try ref.expected.doubles("dae.recon"), rtol: ref.rtol, "\(tag) dae.recon"))
    let loss = try mseLoss(rec, z)
    worst = max(worst, Self.expectClose([loss.value], [try ref.scalar("dae.loss_corrupted_target")], rtol: ref.rtol, "\(tag) DAE loss"))
    store.zeroGradients()
    _ = try ae.backward(loss.gradient)
    let (n, _) = try Self.expectGradients(store, ref: ref, prefix: "dae.grad.")
    #expect(n == store.entries.filter { $0.kind == .parameter }.count)
    let gradients = store.gradients
    let adam = Adam(store, learningRate: 1e-2)
    adam.step()
    // Parameters after Adam where |g| > 1e-6; all BN buffers and counters.
    var checkedAfter = 0
    for e in store.entries {
      let expected = try ref.expected.doubles("dae.after_adam." + e.name)
      let actual = Array(store.values[e.range])
      if e.kind == .parameter {
        let keep = e.range.filter { abs(Double(gradients[$0])) > 1e-6 }.map { $0 - e.offset }
        if keep.isEmpty { continue }
        worst = max(worst, Self.expectClose(keep.map { actual[$0] }, keep.map { expected[$0] }, rtol: ref.rtol, "\(tag) after Adam \(e.name)"))
      } else {
        worst = max(worst, Self.expectClose(actual, expected, rtol: ref.rtol, "\(tag) after step \(e.name)"))
      }
      checkedAfter += 1
    }
    #expect(checkedAfter >= 15)
    // Clean-target loss from the initial weights.
    let fresh = ParameterStore<T>()
    let ae2 = ScdealAE<T>(store: fresh)
    try Checkpoint.load(fresh, from: ref.initial, prefix: "bulk_ae.")
    let clean = try mseLoss(ae2.forward(z, training: true), x)
    worst = max(worst, Self.expectClose([clean.value], [try ref.scalar("dae.loss_clean_target")], rtol: ref.rtol, "\(tag) DAE clean loss"))
    // Eval-mode encoding with PyTorch's post-step parameters and running statistics.
    let after = ParameterStore<T>()
    let ae3 = ScdealAE<T>(store: after)
    try Checkpoint.load(after, from: ref.expected, prefix: "dae.after_adam.")
    let enc = try ae3.encode(x, training: false)
    worst = max(worst, Self.expectClose(enc.scalars, try ref.expected.doubles("dae.eval_encode_after_step"), rtol: ref.rtol,
                     "\(tag) eval encode"))
  }

  func predictorStep<T: NNScalar>(_: T.Type, _ tag: String) throws {
    var worst = 0.0
    defer { print("scDEAL \(tag) \(#function): worst |a − b| / (atol + rtol·|b|) = \(worst)") }
    let ref = try Reference(tag)
    let store = ParameterStore<T>()
    let enc = ScdealAE<T>(store: store, withDecoder: false)
    let head = scdealPredictor(store: store)
    try Checkpoint.load(store, from: ref.initial) { name in
      name.hasPrefix("predictor.") ? "bulk_pred." + name.dropFirst("predictor.".count) : "bulk_ae." + name
    }
    let x = try ref.tensor(ref.inputs, "X_src", as: T.self)
    let y = try ref.inputs.int64s("y_src").map { Int($0) }
    let out = try head.forward(enc.encode(x, training: true), training: true)
    worst = max(worst, Self.expectClose(out.scalars, try ref.expected.doubles("pred.train_out"), rtol: ref.rtol, "\(tag) pred.train_out"))
    let ce = try crossEntropyLoss(out, labels: y)
    worst = max(worst, Self.expectClose([ce.value], [try ref.scalar("pred.ce_on_sigmoid")], rtol: ref.rtol, "\(tag) CE on sigmoid"))
    store.zeroGradients()
    _ = try enc.backwardEncode(head.backward(ce.gradient))
    let (n, _) = try Self.expectGradients(store, ref: ref, prefix: "pred.grad.")
    #expect(n == store.entries.filter { $0.kind == .parameter }.count)
    let evalOut = try head.forward(enc.encode(x, training: false), training: false)
    worst = max(worst, Self.expectClose(evalOut.scalars, try ref.expected.doubles("pred.eval_out"), rtol: ref.rtol, "\(tag) pred.eval_out"))
  }

  func mmdStep<T: NNScalar>(_: T.Type, _ tag: String) throws {
    var worst = 0.0
    defer { print("scDEAL \(tag) \(#function): worst |a − b| / (atol + rtol·|b|) = \(worst)") }
    let ref = try Reference(tag)
    let bulkStore = ParameterStore<T>()
    let bulk = ScdealAE<T>(store: bulkStore, withDecoder: false)
    try Checkpoint.load(bulkStore, from: ref.initial, prefix: "bulk_ae.", strict: false)
    // PyTorch's bulk model ran one train-mode forward (CE step) and one eval forward before this
    // step; train-mode outputs do not depend on the running statistics, so a fresh load is equivalent.
    let scStore = ParameterStore<T>()
    let sc = ScdealAE<T>(store: scStore, withDecoder: false)
    try Checkpoint.load(scStore, from: ref.initial, prefix: "sc_ae.", strict: false)
    let zs = try bulk.encode(try ref.tensor(ref.inputs, "X_src", as: T.self), training: true)
    let zt = try sc.encode(try ref.tensor(ref.inputs, "X_tgt", as: T.self), training: true)
    worst = max(worst, Self.expectClose(zs.scalars, try ref.expected.doubles("mmd.zs"), rtol: ref.rtol, "\(tag) mmd.zs"))
    worst = max(worst, Self.expectClose(zt.scalars, try ref.expected.doubles("mmd.zt"), rtol: ref.rtol, "\(tag) mmd.zt"))
    let mmd = try mmdLoss(zs, zt, bandwidths: [1000], weight: 0.25)
    worst = max(worst, Self.expectClose([mmd.value / 0.25], [try ref.scalar("mmd.sigma1000.expm1_form")], rtol: ref.rtol,
                     "\(tag) MMD σ=1000 (expm1 form)"))
    let mmd1 = try mmdLoss(zs, zt, bandwidths: [1])
    worst = max(worst, Self.expectClose([mmd1.value], [try ref.scalar("mmd.sigma1.expm1_form")], rtol: ref.rtol, "\(tag) MMD σ=1"))
    scStore.zeroGradients()
    _ = try sc.backwardEncode(mmd.dy)
    let (n, _) = try Self.expectGradients(scStore, ref: ref, prefix: "mmd.grad_0.25.")
    #expect(n == 10)
  }

  @Test func daeStepFloat64() throws { try daeStep(Double.self, "f64") }
  @Test func daeStepFloat32() throws { try daeStep(Float.self, "f32") }
  @Test func predictorStepFloat64() throws { try predictorStep(Double.self, "f64") }
  @Test func predictorStepFloat32() throws { try predictorStep(Float.self, "f32") }
  @Test func mmdStepFloat64() throws { try mmdStep(Double.self, "f64") }
  @Test func mmdStepFloat32() throws { try mmdStep(Float.self, "f32") }

  @Test func reduceLROnPlateauTrace() throws {
    let dir = try #require(FixturePaths.shared("scdeal"))
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/expected.json")))
    let trace = try #require((json as? [String: Any])?["reduce_lr_on_plateau"] as? [String: Any])
    let losses = try #require(trace["losses"] as? [Double])
    let expected = try #require(trace["lr_after_each_step"] as? [Double])
    let sched = ReduceLROnPlateau()
    var lr = 1e-2
    var got: [Double] = []
    for l in losses {
      lr = sched.step(l, learningRate: lr)
      got.append(lr)
    }
    #expect(got.count == 28)
    for (a, b) in zip(got, expected) { #expect(abs(a - b) <= 1e-15 * b, "lr trace \(got) vs \(expected)") }
  }
}
