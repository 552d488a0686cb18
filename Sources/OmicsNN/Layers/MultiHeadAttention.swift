import Foundation
import OmicsCore

/// Scaled dot-product attention over right-padded sequences, split into heads (the core of a BERT
/// self-attention block, between the query/key/value projections and the output dense).
///
/// Inputs `q`, `k`, `v` are `(B, T, H)` with `H = heads · headSize`; head `h` uses columns
/// `h·d ..< (h+1)·d`. Per sequence `s` with `L = lengths[s]` real tokens and per head:
/// `S = Q·Kᵀ/√d` over the `L` real keys only (padded keys get weight 0, as transformers' additive
/// mask gives), `A = softmax(S)`, `A′ = dropout(A)` (training only), `C = A′·V`. Every one of the `T`
/// query rows is computed (padded rows attend to the real keys, as in transformers).
///
/// Memory: no `T × T` matrix is kept between forward and backward. The backward recomputes `S`
/// and `A` one head at a time (one extra GEMM per head) and regenerates the dropout mask from the
/// seed the forward used, so a 2,048-token batch needs one `T × T` scratch matrix, not
/// `B · heads` of them. Backward: `dV = A′ᵀ·dC`, `dA = (dC·Vᵀ) ⊙ mask/(1−p)`,
/// `dS = A ⊙ (dA − rowsum(dA ⊙ A))`, `dQ = dS·K/√d`, `dK = dSᵀ·Q/√d`.
public final class MultiHeadAttention<Scalar: NNScalar> {
  public let heads: Int
  public let headSize: Int
  /// Dropout probability on the attention probabilities (training only).
  public let dropout: Double
  /// Draws one mask seed per training forward.
  public var rng: SeededGenerator
  private var cache: (q: Tensor<Scalar>, k: Tensor<Scalar>, v: Tensor<Scalar>, lengths: [Int], maskSeed: UInt64?)?

  public init(heads: Int, headSize: Int, dropout: Double = 0, seed: UInt64 = 0) {
    precondition(dropout >= 0 && dropout < 1, "dropout probability \(dropout) outside [0, 1)")
    self.heads = heads
    self.headSize = headSize
    self.dropout = dropout
    self.rng = SeededGenerator(seed: seed)
  }

  /// The context `(B, T, H)`; caches its inputs for `backward`.
  public func forward(q: Tensor<Scalar>, k: Tensor<Scalar>, v: Tensor<Scalar>, lengths: [Int],
                      training: Bool) throws -> Tensor<Scalar> {
    let h = heads * headSize
    guard q.rank == 3, q.shape == k.shape, q.shape == v.shape, q.shape[2] == h, q.shape[0] == lengths.count else {
      throw OmicsError(location: "attention", "expected q, k, v of shape (\(lengths.count), T, \(h)), found \(q.shape), \(k.shape), \(v.shape)")
    }
    let t = q.shape[1]
    if let bad = lengths.first(where: { $0 < 1 || $0 > t }) {
      throw OmicsError(location: "attention", "sequence length \(bad) outside 1...\(t)")
    }
    let maskSeed: UInt64? = training && dropout > 0 ? rng.next() : nil
    var context = Tensor<Scalar>(shape: q.shape)
    q.scalars.withUnsafeBufferPointer { qp in
      k.scalars.withUnsafeBufferPointer { kp in
        v.scalars.withUnsafeBufferPointer { vp in
          context.scalars.withUnsafeMutableBufferPointer { cp in
            let (qb, kb, vb, cb) = (qp.baseAddress!, kp.baseAddress!, vp.baseAddress!, cp.baseAddress!)
            forEachHead(sequences: lengths.count, scratch: t * t) { seq, head, s in
              let o = seq * t * h + head * headSize, length = lengths[seq]
              probabilities(q: qb + o, k: kb + o, t: t, length: length, into: s)
              if let maskSeed { applyDropout(s, t: t, length: length, seed: maskSeed, block: seq * heads + head) }
              Scalar.gemm(transA: false, transB: false, m: t, n: headSize, k: length, alpha: 1, a: s, lda: t,
                          b: vb + o, ldb: h, beta: 0, c: cb + o, ldc: h)
            }
          }
        }
      }
    }
    cache = (q, k, v, lengths, maskSeed)
    return context
  }

  /// `(dq, dk, dv)` for the gradient of the last forward's context.
  public func backward(_ dContext: Tensor<Scalar>) throws -> (dq: Tensor<Scalar>, dk: Tensor<Scalar>, dv: Tensor<Scalar>) {
    guard let (q, k, v, lengths, maskSeed) = cache else {
      throw OmicsError(location: "attention", "backward called before forward")
    }
    try checkBackward("attention", cached: q.shape, dy: dContext)
    let t = q.shape[1], h = heads * headSize
    var dq = Tensor<Scalar>(shape: q.shape), dk = dq, dv = dq
    let scale = 1 / Scalar(headSize).squareRoot()
    let keep = Scalar(1 / (1 - dropout))
    q.scalars.withUnsafeBufferPointer { qp in
      k.scalars.withUnsafeBufferPointer { kp in
        v.scalars.withUnsafeBufferPointer { vp in
          dContext.scalars.withUnsafeBufferPointer { gp in
            dq.scalars.withUnsafeMutableBufferPointer { dqp in
              dk.scalars.withUnsafeMutableBufferPointer { dkp in
                dv.scalars.withUnsafeMutableBufferPointer { dvp in
                  let (qb, kb, vb, gb) = (qp.baseAddress!, kp.baseAddress!, vp.baseAddress!, gp.baseAddress!)
                  let (dqb, dkb, dvb) = (dqp.baseAddress!, dkp.baseAddress!, dvp.baseAddress!)
                  forEachHead(sequences: lengths.count, scratch: 3 * t * t) { seq, head, scratch in
                    let (a, da, am) = (scratch, scratch + t * t, scratch + 2 * t * t)
                    let o = seq * t * h + head * headSize, length = lengths[seq]
                    probabilities(q: qb + o, k: kb + o, t: t, length: length, into: a)
                    // A′ = dropout(A): the same mask as the forward, from the same seed
                    var used = UnsafePointer(a)
                    if let maskSeed {
                      for r in 0..<t { for j in 0..<length { am[r * t + j] = a[r * t + j] } }
                      applyDropout(am, t: t, length: length, seed: maskSeed, block: seq * heads + head)
                      used = UnsafePointer(am)
                    }
                    // dV = A′ᵀ·dC
                    Scalar.gemm(transA: true, transB: false, m: length, n: headSize, k: t, alpha: 1, a: used, lda: t,
                                b: gb + o, ldb: h, beta: 0, c: dvb + o, ldc: h)
                    // dA′ = dC·Vᵀ
                    Scalar.gemm(transA: false, transB: true, m: t, n: length, k: headSize, alpha: 1, a: gb + o, lda: h,
                                b: vb + o, ldb: h, beta: 0, c: da, ldc: t)
                    for r in 0..<t {
                      let arow = a + r * t, drow = da + r * t
                      if maskSeed != nil {
                        // dA = dA′ ⊙ mask/(1−p); A′ is 0 exactly where the mask dropped
                        for j in 0..<length { drow[j] = am[r * t + j] == 0 ? 0 : drow[j] * keep }
                      }
                      var dot = 0.0
                      for j in 0..<length { dot += Double(drow[j]) * Double(arow[j]) }
                      let sdot = Scalar(dot)
                      for j in 0..<length { drow[j] = arow[j] * (drow[j] - sdot) }
                    }
                    // dQ = dS·K·scale ; dK = dSᵀ·Q·scale
                    Scalar.gemm(transA: false, transB: false, m: t, n: headSize, k: length, alpha: scale, a: da, lda: t,
                                b: kb + o, ldb: h, beta: 0, c: dqb + o, ldc: h)
                    Scalar.gemm(transA: true, transB: false, m: length, n: headSize, k: t, alpha: scale, a: da, lda: t,
                                b: qb + o, ldb: h, beta: 0, c: dkb + o, ldc: h)
                  }
                }
              }
            }
          }
        }
      }
    }
    return (dq, dk, dv)
  }

  /// Runs `body(sequence, head, scratch)` for every pair; on several BLAS threads the pairs run in
  /// parallel with one BLAS thread each (each pair writes only its own columns of its sequence).
  private func forEachHead(sequences: Int, scratch: Int,
                           _ body: (Int, Int, UnsafeMutablePointer<Scalar>) -> Void) {
    let tasks = sequences * heads
    let workers = min(tasks, max(1, BLASThreads.current))
    let saved = BLASThreads.current
    if workers > 1 { BLASThreads.set(1) }
    defer { if workers > 1 { BLASThreads.set(saved) } }
    withoutActuallyEscaping(body) { body in
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        let buffer = UnsafeMutablePointer<Scalar>.allocate(capacity: max(scratch, 1))
        defer { buffer.deallocate() }
        var task = worker
        while task < tasks {
          body(task / heads, task % heads, buffer)
          task += workers
        }
      }
    }
  }

  /// `softmax(Q·Kᵀ/√d)` of one head into the first `length` columns of each of the `t` rows of `s`
  /// (row stride `t`).
  private func probabilities(q: UnsafePointer<Scalar>, k: UnsafePointer<Scalar>, t: Int, length: Int,
                             into s: UnsafeMutablePointer<Scalar>) {
    let h = heads * headSize
    Scalar.gemm(transA: false, transB: true, m: t, n: length, k: headSize, alpha: 1 / Scalar(headSize).squareRoot(),
                a: q, lda: h, b: k, ldb: h, beta: 0, c: s, ldc: t)
    for r in 0..<t { fastSoftmaxRow(s + r * t, length) }
  }

  /// Inverted dropout on the `t × length` block with a mask drawn from `(seed, block)`; the same
  /// arguments give the same mask, which is how the backward finds the forward's mask.
  private func applyDropout(_ s: UnsafeMutablePointer<Scalar>, t: Int, length: Int, seed: UInt64, block: Int) {
    var g = SeededGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(block + 1))
    let keep = Scalar(1 / (1 - dropout))
    for r in 0..<t {
      for j in 0..<length { s[r * t + j] = g.nextUnit() < dropout ? 0 : s[r * t + j] * keep }
    }
  }

  /// Row softmax with `nnFastExp` (Float: `FastExp`, within 2 ulp of expf).
  @inline(__always)
  private func fastSoftmaxRow(_ p: UnsafeMutablePointer<Scalar>, _ n: Int) {
    var mx = p[0]
    for j in 1..<n where p[j] > mx { mx = p[j] }
    for j in 0..<n { p[j] = Scalar.nnFastExp(p[j] - mx) }  // no carried sum: this loop vectorizes
    var sum = Scalar(0)
    for j in 0..<n { sum += p[j] }
    let inv = 1 / sum
    for j in 0..<n { p[j] *= inv }
  }
}
