import Foundation
import OmicsCore
import OmicsIO

/// A BERT encoder (Geneformer's architecture: post-LayerNorm, absolute positions) loaded from a
/// Hugging Face checkpoint, with the forward pass as transformers computes it in eval mode
/// (`Docs/neural-engine.md`, "BERT"). Weights live in one `ParameterStore<Float>` under the
/// `BertForMaskedLM` state-dict names (`bert.embeddings.word_embeddings.weight`, …); files saved
/// from `BertModel` (no `bert.` prefix) or `BertForSequenceClassification` load too.
///
///     let model = try BertEncoder.load(directory: "Geneformer-V2-104M")
///     let out = try model.forward(Batch(sequences: cells), keepHiddenStates: true)
///
/// Float32 throughout with GEMMs on OpenBLAS; attention is computed one head at a time (one T × T
/// score matrix in memory).
public final class BertEncoder {
  public let config: BertConfig
  public let store: ParameterStore<Float>
  /// Whether the MLM head (`cls.predictions.*`) was loaded.
  public let hasMaskedLMHead: Bool
  /// Number of labels of a `BertForSequenceClassification` head (`bert.pooler.*`, `classifier.*`), if loaded.
  public let classifierLabels: Int?

  /// A right-padded batch of token sequences.
  public struct Batch: Sendable {
    public var ids: [Int32]  // B × T
    public var lengths: [Int]
    public var count: Int { lengths.count }
    public var width: Int
    /// Pads `sequences` with `pad` to the longest.
    public init(sequences: [[Int32]], pad: Int32 = 0) {
      width = sequences.map(\.count).max() ?? 0
      lengths = sequences.map(\.count)
      ids = []
      ids.reserveCapacity(sequences.count * width)
      for s in sequences { ids += s + [Int32](repeating: pad, count: width - s.count) }
    }
  }

  /// Hidden states (index 0: embeddings, k: output of layer k − 1), each B × T × H.
  public struct Output {
    public var hiddenStates: [Tensor<Float>]
    public var last: Tensor<Float> { hiddenStates[hiddenStates.count - 1] }
  }

  init(config: BertConfig, store: ParameterStore<Float>, hasMaskedLMHead: Bool, classifierLabels: Int?) {
    self.config = config
    self.store = store
    self.hasMaskedLMHead = hasMaskedLMHead
    self.classifierLabels = classifierLabels
  }

  /// The names and shapes of every tensor, in `BertForMaskedLM` naming.
  static func tensorShapes(_ c: BertConfig, maskedLMHead: Bool, classifierLabels: Int? = nil) -> [(String, [Int])] {
    let (h, i) = (c.hiddenSize, c.intermediateSize)
    var out: [(String, [Int])] = [
      ("bert.embeddings.word_embeddings.weight", [c.vocabSize, h]),
      ("bert.embeddings.position_embeddings.weight", [c.maxPositions, h]),
      ("bert.embeddings.token_type_embeddings.weight", [c.typeVocabSize, h]),
      ("bert.embeddings.LayerNorm.weight", [h]), ("bert.embeddings.LayerNorm.bias", [h]),
    ]
    for l in 0..<c.layers {
      let p = "bert.encoder.layer.\(l)."
      for part in ["query", "key", "value"] {
        out.append((p + "attention.self.\(part).weight", [h, h]))
        out.append((p + "attention.self.\(part).bias", [h]))
      }
      out += [
        (p + "attention.output.dense.weight", [h, h]), (p + "attention.output.dense.bias", [h]),
        (p + "attention.output.LayerNorm.weight", [h]), (p + "attention.output.LayerNorm.bias", [h]),
        (p + "intermediate.dense.weight", [i, h]), (p + "intermediate.dense.bias", [i]),
        (p + "output.dense.weight", [h, i]), (p + "output.dense.bias", [h]),
        (p + "output.LayerNorm.weight", [h]), (p + "output.LayerNorm.bias", [h]),
      ]
    }
    if maskedLMHead {
      out += [
        ("cls.predictions.bias", [c.vocabSize]),
        ("cls.predictions.transform.dense.weight", [h, h]), ("cls.predictions.transform.dense.bias", [h]),
        ("cls.predictions.transform.LayerNorm.weight", [h]), ("cls.predictions.transform.LayerNorm.bias", [h]),
      ]
    }
    if let labels = classifierLabels {
      out += [
        ("bert.pooler.dense.weight", [h, h]), ("bert.pooler.dense.bias", [h]),
        ("classifier.weight", [labels, h]), ("classifier.bias", [labels]),
      ]
    }
    return out
  }

  /// Loads `dir/config.json` and `dir/model.safetensors` (or, without it, `dir/pytorch_model.bin`
  /// in torch.save's zip format, read without Python). Missing tensors, shapes that disagree with
  /// the config and non-finite values are errors naming the tensor; `position_ids` and the tied
  /// decoder tensors are ignored.
  public static func load(directory dir: String) throws -> BertEncoder {
    let config = try BertConfig.read(dir + "/config.json")
    var path = dir + "/model.safetensors"
    let file: SafeTensorsFile
    if FileManager.default.fileExists(atPath: path) {
      file = try SafeTensorsFile(path: path)
    } else if FileManager.default.fileExists(atPath: dir + "/pytorch_model.bin") {
      path = dir + "/pytorch_model.bin"
      file = try TorchCheckpointReader.read(path: path)
    } else {
      throw OmicsError(file: dir, "has neither model.safetensors nor pytorch_model.bin")
    }
    let prefixed = file.info("bert.embeddings.word_embeddings.weight") != nil
    guard prefixed || file.info("embeddings.word_embeddings.weight") != nil else {
      throw OmicsError(file: path, location: "bert.embeddings.word_embeddings.weight", "tensor missing: not a BERT checkpoint?")
    }
    let mlm = file.info("cls.predictions.transform.dense.weight") != nil
    let labels = file.info("classifier.weight")?.shape.first
    if let labels, let expected = config.numLabels, labels != expected {
      throw OmicsError(file: path, location: "classifier.weight", "has \(labels) labels but config.json says \(expected)")
    }
    let store = ParameterStore<Float>()
    for (name, shape) in tensorShapes(config, maskedLMHead: mlm, classifierLabels: labels) {
      store.register(name, shape: shape, initial: [Float](repeating: 0, count: shape.reduce(1, *)))
    }
    try Checkpoint.load(store, from: file, strict: true) { name in
      prefixed || !name.hasPrefix("bert.") ? name : String(name.dropFirst(5))
    }
    return BertEncoder(config: config, store: store, hasMaskedLMHead: mlm, classifierLabels: labels)
  }

  /// Writes `dir/config.json` and `dir/model.safetensors` as `save_pretrained` does (tied decoder
  /// tensors omitted, tensors ordered by dtype then name, `{"format":"pt"}` metadata), so that
  /// transformers loads the folder unchanged; the folder appears only when complete.
  public func save(to dir: String) throws {
    try Checkpoint.save(store, config: config.json, to: dir)
  }

  private func offset(_ name: String) -> Int {
    guard let e = store.entry(name) else { preconditionFailure("BERT tensor \(name) not registered") }
    return e.offset
  }

  /// The forward pass in eval mode (dropout off). With `keepHiddenStates` every layer's output is
  /// returned, otherwise only the last. `throughHiddenState` stops after hidden state k (layers
  /// beyond it are not computed: embeddings of layer −1 never need the last layer).
  public func forward(_ batch: Batch, keepHiddenStates: Bool = true, throughHiddenState: Int? = nil) throws -> Output {
    let c = config
    let (b, t, h) = (batch.count, batch.width, c.hiddenSize)
    guard t <= c.maxPositions else {
      throw OmicsError("a sequence of \(t) tokens exceeds max_position_embeddings \(c.maxPositions)")
    }
    if let bad = batch.ids.first(where: { $0 < 0 || Int($0) >= c.vocabSize }) {
      throw OmicsError("token id \(bad) is outside the vocabulary of \(c.vocabSize)")
    }
    let rows = b * t
    var x = [Float](repeating: 0, count: rows * h)
    store.values.withUnsafeBufferPointer { w in
      let word = offset("bert.embeddings.word_embeddings.weight")
      let pos = offset("bert.embeddings.position_embeddings.weight")
      let type = offset("bert.embeddings.token_type_embeddings.weight")
      for s in 0..<b {
        for p in 0..<t {
          let id = Int(batch.ids[s * t + p])
          let row = (s * t + p) * h
          for j in 0..<h { x[row + j] = (w[word + id * h + j] + w[type + j]) + w[pos + p * h + j] }
        }
      }
    }
    layerNorm(&x, rows: rows, "bert.embeddings.LayerNorm")
    var states: [Tensor<Float>] = []
    if keepHiddenStates || (throughHiddenState ?? 1) <= 0 { states.append(Tensor(shape: [b, t, h], scalars: x)) }
    let stop = min(c.layers, max(0, throughHiddenState ?? c.layers))
    for l in 0..<stop {
      x = try encoderLayer(x, batch: batch, layer: l)
      if keepHiddenStates || l == stop - 1 { states.append(Tensor(shape: [b, t, h], scalars: x)) }
    }
    return Output(hiddenStates: states)
  }

  /// MLM logits (B × T × V) from a last hidden state: LN(act(h·Wtᵀ + bt))·W_wordᵀ + b.
  public func maskedLMLogits(_ hidden: Tensor<Float>) throws -> Tensor<Float> {
    guard hasMaskedLMHead else { throw OmicsError("the checkpoint has no masked-LM head (cls.predictions.*)") }
    let (rows, h, v) = (hidden.rows, config.hiddenSize, config.vocabSize)
    var y = linear(hidden.scalars, rows: rows, inFeatures: h, outFeatures: h, "cls.predictions.transform.dense")
    activate(&y)
    layerNorm(&y, rows: rows, "cls.predictions.transform.LayerNorm")
    var logits = [Float](repeating: 0, count: rows * v)
    let word = offset("bert.embeddings.word_embeddings.weight"), bias = offset("cls.predictions.bias")
    store.values.withUnsafeBufferPointer { w in
      y.withUnsafeBufferPointer { yp in
        logits.withUnsafeMutableBufferPointer { lp in
          for r in 0..<rows { for j in 0..<v { lp[r * v + j] = w[bias + j] } }
          Float.gemm(transA: false, transB: true, m: rows, n: v, k: h, alpha: 1, a: yp.baseAddress!, lda: h,
                     b: w.baseAddress! + word, ldb: h, beta: 1, c: lp.baseAddress!, ldc: v)
        }
      }
    }
    return Tensor(shape: hidden.shape.dropLast() + [v], scalars: logits)
  }

  /// `BertForSequenceClassification` in eval mode: pooled = tanh(h[:, 0]·Wpᵀ + bp) (position 0 of
  /// each sequence of the last hidden state B × T × H), logits = pooled·Wcᵀ + bc.
  public func classify(_ last: Tensor<Float>) throws -> (pooled: Tensor<Float>, logits: Tensor<Float>) {
    guard let labels = classifierLabels else { throw OmicsError("the checkpoint has no classification head (classifier.*)") }
    let first = EmbeddingPooling.cls(last)
    let b = first.shape[0], h = config.hiddenSize
    var pooled = linear(first.scalars, rows: b, inFeatures: h, outFeatures: h, "bert.pooler.dense")
    for i in pooled.indices { pooled[i] = tanhf(pooled[i]) }
    let logits = linear(pooled, rows: b, inFeatures: h, outFeatures: labels, "classifier")
    return (Tensor(shape: [b, h], scalars: pooled), Tensor(shape: [b, labels], scalars: logits))
  }

  // MARK: - building blocks

  private func encoderLayer(_ x: [Float], batch: Batch, layer l: Int) throws -> [Float] {
    let c = config
    let (b, t, h, heads, d) = (batch.count, batch.width, c.hiddenSize, c.heads, c.headSize)
    let rows = b * t
    let p = "bert.encoder.layer.\(l)."
    let q = linear(x, rows: rows, inFeatures: h, outFeatures: h, p + "attention.self.query")
    let k = linear(x, rows: rows, inFeatures: h, outFeatures: h, p + "attention.self.key")
    let v = linear(x, rows: rows, inFeatures: h, outFeatures: h, p + "attention.self.value")
    var context = [Float](repeating: 0, count: rows * h)
    let scale = 1 / Float(d).squareRoot()
    // One (sequence, head) pair per task: on several cores the pairs run in parallel with one
    // BLAS thread each (the T × T products and the softmax are then all parallel), else in order.
    let tasks = b * heads
    let workers = min(tasks, max(1, BLASThreads.current))
    let savedThreads = BLASThreads.current
    if workers > 1 { BLASThreads.set(1) }
    defer { if workers > 1 { BLASThreads.set(savedThreads) } }
    q.withUnsafeBufferPointer { qp in
      k.withUnsafeBufferPointer { kp in
        v.withUnsafeBufferPointer { vp in
          context.withUnsafeMutableBufferPointer { cp in
            let (qb, kb, vb, cb) = (qp.baseAddress!, kp.baseAddress!, vp.baseAddress!, cp.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
              let scores = UnsafeMutablePointer<Float>.allocate(capacity: t * t)
              defer { scores.deallocate() }
              var task = worker
              while task < tasks {
                let s = task / heads, head = task % heads
                let length = max(1, batch.lengths[s])
                let o = s * t * h + head * d
                // S = Q_h · K_hᵀ over the real keys only (masked keys would get weight 0)
                Float.gemm(transA: false, transB: true, m: t, n: length, k: d, alpha: scale, a: qb + o, lda: h,
                           b: kb + o, ldb: h, beta: 0, c: scores, ldc: t)
                for r in 0..<t { softmaxInPlace(scores + r * t, length) }
                Float.gemm(transA: false, transB: false, m: t, n: d, k: length, alpha: 1, a: scores, lda: t,
                           b: vb + o, ldb: h, beta: 0, c: cb + o, ldc: h)
                task += workers
              }
            }
          }
        }
      }
    }
    var a = linear(context, rows: rows, inFeatures: h, outFeatures: h, p + "attention.output.dense")
    for i in 0..<(rows * h) { a[i] += x[i] }
    layerNorm(&a, rows: rows, p + "attention.output.LayerNorm")
    var f = linear(a, rows: rows, inFeatures: h, outFeatures: c.intermediateSize, p + "intermediate.dense")
    activate(&f)
    var y = linear(f, rows: rows, inFeatures: c.intermediateSize, outFeatures: h, p + "output.dense")
    for i in 0..<(rows * h) { y[i] += a[i] }
    layerNorm(&y, rows: rows, p + "output.LayerNorm")
    return y
  }

  /// y = x·Wᵀ + b for the Linear `name` (weight [out, in]).
  private func linear(_ x: [Float], rows: Int, inFeatures: Int, outFeatures: Int, _ name: String) -> [Float] {
    var y = [Float](repeating: 0, count: rows * outFeatures)
    let w = offset(name + ".weight"), bias = offset(name + ".bias")
    store.values.withUnsafeBufferPointer { pv in
      x.withUnsafeBufferPointer { xp in
        y.withUnsafeMutableBufferPointer { yp in
          for r in 0..<rows { for j in 0..<outFeatures { yp[r * outFeatures + j] = pv[bias + j] } }
          Float.gemm(transA: false, transB: true, m: rows, n: outFeatures, k: inFeatures, alpha: 1, a: xp.baseAddress!,
                     lda: inFeatures, b: pv.baseAddress! + w, ldb: inFeatures, beta: 1, c: yp.baseAddress!, ldc: outFeatures)
        }
      }
    }
    return y
  }

  /// LayerNorm over the last axis with the config's eps (statistics in Double).
  private func layerNorm(_ x: inout [Float], rows: Int, _ name: String) {
    let h = config.hiddenSize, eps = config.layerNormEps
    let gamma = offset(name + ".weight"), beta = offset(name + ".bias")
    store.values.withUnsafeBufferPointer { pv in
      x.withUnsafeMutableBufferPointer { xp in
        for r in 0..<rows {
          let row = xp.baseAddress! + r * h
          var s = 0.0
          for j in 0..<h { s += Double(row[j]) }
          let mean = s / Double(h)
          var q = 0.0
          for j in 0..<h { let dv = Double(row[j]) - mean; q += dv * dv }
          let inv = 1 / (q / Double(h) + eps).squareRoot()
          for j in 0..<h { row[j] = Float((Double(row[j]) - mean) * inv) * pv[gamma + j] + pv[beta + j] }
        }
      }
    }
  }

  private func activate(_ x: inout [Float]) {
    switch config.activation {
    case .relu: for i in x.indices where x[i] < 0 { x[i] = 0 }
    case .gelu: for i in x.indices { x[i] = 0.5 * x[i] * (1 + erff(x[i] / Float(2).squareRoot())) }
    case .geluTanh:
      let c = Float((2 / Double.pi).squareRoot())
      for i in x.indices { let v = x[i]; x[i] = 0.5 * v * (1 + tanhf(c * (v + 0.044715 * v * v * v))) }
    }
  }

  /// Row softmax over the first `n` entries (max subtracted first), eight lanes at a time.
  @inline(__always)
  private func softmaxInPlace(_ row: UnsafeMutablePointer<Float>, _ n: Int) {
    let vectors = n / 8
    var m8 = SIMD8<Float>(repeating: -.infinity)
    let raw = UnsafeRawPointer(row)
    for i in 0..<vectors { m8 = pointwiseMax(m8, raw.loadUnaligned(fromByteOffset: i * 32, as: SIMD8<Float>.self)) }
    var m = m8.max()
    for j in (vectors * 8)..<n where row[j] > m { m = row[j] }
    var s8 = SIMD8<Float>(repeating: 0)
    for i in 0..<vectors {
      var e = SIMD8<Float>()
      for lane in 0..<8 { e[lane] = FastExp.exp(row[i * 8 + lane] - m) }
      s8 += e
      for lane in 0..<8 { row[i * 8 + lane] = e[lane] }
    }
    var sum = s8.sum()
    for j in (vectors * 8)..<n {
      let e = FastExp.exp(row[j] - m)
      row[j] = e
      sum += e
    }
    let inv = 1 / sum
    for j in 0..<n { row[j] *= inv }
  }
}
