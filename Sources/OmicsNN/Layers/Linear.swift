/// Fully connected layer `y = x·Wᵀ + b` (PyTorch `nn.Linear`; weight `(OC, C)`, bias `(OC)`).
///
/// Shapes: `(B, C) → (B, OC)`, or `(B, T, C) → (B, T, OC)`. Initialisation as PyTorch:
/// `U(−1/√C, 1/√C)` for weight and bias. Backward: `dW += dyᵀ·x`, `db += Σ_rows dy`, `dx = dy·W`,
/// all through `gemm` (OpenBLAS). With `computesInputGradient == false` backward skips `dx` (a
/// third of the layer's backward products) and returns an empty `(0, …, C)` tensor: for a first
/// layer whose input gradient nobody reads (training); a layer after it would reject the shape.
public final class Linear<Scalar: NNScalar>: Layer {
  public let name: String
  public let inFeatures: Int
  public let outFeatures: Int
  public let weight: ParameterEntry
  public let bias: ParameterEntry?
  let store: ParameterStore<Scalar>
  /// When false, `backward` accumulates the parameter gradients but returns a zero-sized `dx`
  /// (a first layer whose input needs no gradient: saves the largest GEMM of the backward pass).
  public var computesInputGradient = true
  private var input: Tensor<Scalar>?
  private var outShape: [Int]?

  /// Registers `name.weight` and `name.bias` in `store`.
  public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, name: String,
              store: ParameterStore<Scalar>, rng: inout SeededGenerator) {
    self.name = name
    self.inFeatures = inFeatures
    self.outFeatures = outFeatures
    self.store = store
    let bound = 1 / Double(max(inFeatures, 1)).squareRoot()
    var w = [Scalar](repeating: 0, count: inFeatures * outFeatures)
    for i in w.indices { w[i] = Scalar(rng.uniform(-bound, bound)) }
    weight = store.register(name + ".weight", shape: [outFeatures, inFeatures], initial: w)
    if bias {
      var b = [Scalar](repeating: 0, count: outFeatures)
      for i in b.indices { b[i] = Scalar(rng.uniform(-bound, bound)) }
      self.bias = store.register(name + ".bias", shape: [outFeatures], initial: b)
    } else {
      self.bias = nil
    }
  }

  @_specialize(where Scalar == Float)
  public func forward(_ x: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
    guard x.columns == inFeatures, x.rank >= 2 else {
      throw OmicsError(location: name, "expected input (…, \(inFeatures)), found \(x.shape)")
    }
    let rows = x.rows, c = inFeatures, oc = outFeatures
    // Every element is written: the bias rows below, or the product with beta = 0.
    var y = Tensor<Scalar>(uninitializedShape: Array(x.shape.dropLast()) + [oc])
    let w = weight, b = bias
    store.values.withUnsafeBufferPointer { pv in
      guard let base = pv.baseAddress else { return }
      y.scalars.withUnsafeMutableBufferPointer { yp in
        guard let yb = yp.baseAddress else { return }
        if let b {
          for r in 0..<rows { for j in 0..<oc { yb[r * oc + j] = base[b.offset + j] } }
        }
        x.scalars.withUnsafeBufferPointer { xp in
          guard let xb = xp.baseAddress else { return }
          Scalar.gemm(transA: false, transB: true, m: rows, n: oc, k: c, alpha: 1, a: xb, lda: c,
                      b: base + w.offset, ldb: c, beta: b == nil ? 0 : 1, c: yb, ldc: oc)
        }
      }
    }
    input = x
    outShape = y.shape
    return y
  }

  @_specialize(where Scalar == Float)
  public func backward(_ dy: Tensor<Scalar>) throws -> Tensor<Scalar> {
    try checkBackward(name, cached: outShape, dy: dy)
    guard let x = input else { throw OmicsError(location: name, "backward called before forward") }
    let rows = x.rows, c = inFeatures, oc = outFeatures
    let wantsDx = computesInputGradient
    var dx = Tensor<Scalar>(uninitializedShape: wantsDx ? x.shape : [0] + x.shape.dropFirst())  // beta = 0
    let w = weight, b = bias
    dy.scalars.withUnsafeBufferPointer { dyp in
      guard let dyb = dyp.baseAddress else { return }
      x.scalars.withUnsafeBufferPointer { xp in
        guard let xb = xp.baseAddress else { return }
        store.gradients.withUnsafeMutableBufferPointer { gp in
          guard let gb = gp.baseAddress else { return }
          Scalar.gemm(transA: true, transB: false, m: oc, n: c, k: rows, alpha: 1, a: dyb, lda: oc,
                      b: xb, ldb: c, beta: 1, c: gb + w.offset, ldc: c)
          if let b {
            // Column sums of dy, each over the rows in order; row-major so the inner loop is contiguous.
            var s = [Scalar](repeating: 0, count: oc)
            s.withUnsafeMutableBufferPointer { sp in
              for r in 0..<rows {
                let row = r * oc
                for j in 0..<oc { sp[j] += dyb[row + j] }
              }
              for j in 0..<oc { gb[b.offset + j] += sp[j] }
            }
          }
        }
      }
      guard wantsDx else { return }
      store.values.withUnsafeBufferPointer { pv in
        guard wantsDx, let base = pv.baseAddress else { return }
        dx.scalars.withUnsafeMutableBufferPointer { dxp in
          guard let dxb = dxp.baseAddress else { return }
          Scalar.gemm(transA: false, transB: false, m: rows, n: c, k: oc, alpha: 1, a: dyb, lda: oc,
                      b: base + w.offset, ldb: c, beta: 0, c: dxb, ldc: c)
        }
      }
    }
    return dx
  }
}

import OmicsCore
