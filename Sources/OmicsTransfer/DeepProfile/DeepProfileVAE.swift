import OmicsCore
import OmicsNN

/// DeepProfile's VAE (deepprofile-study `VAE_3Layers_Model.py`; background transfer-models.md §1.3).
///
///     encoder  x → Dense(h1) → BN → ReLU → Dense(h2) → BN → ReLU → μ = Dense(d), logσ² = Dense(d)
///     sample   z = μ + exp(logσ²/2)·ε,  ε ~ N(0, I)
///     decoder  z → Dense(h2) → ReLU → Dense(h1) → ReLU → Dense(D)   (no BatchNorm)
///
/// BatchNorm follows Keras 2.2 (`BatchNormConvention.keras2`: eps 1e-3, momentum 0.99); every Dense
/// is Glorot-uniform with zero bias (Keras defaults). The embedding is μ in inference mode (moving
/// statistics). Parameter names: `encoder.dense1`, `encoder.bn1`, `encoder.dense2`, `encoder.bn2`,
/// `z_mean`, `z_log_var`, `decoder.dense1`, `decoder.dense2`, `decoder.output` (`.weight` stored
/// `(out, in)` as PyTorch, `.bias`, BN running statistics).
public final class DeepProfileVAE<Scalar: NNScalar> {
  /// Hidden sizes `(h1, h2)` for a latent size (`Run_VAE_Models.py`): (100, 25) for 5, (250, 50) for
  /// 10, (250, 100) for anything larger; below 5 the d = 5 sizes.
  public static func hiddenSizes(latent: Int) -> (Int, Int) {
    latent <= 5 ? (100, 25) : latent <= 10 ? (250, 50) : (250, 100)
  }

  /// The values of one training forward pass.
  public struct Forward {
    public var mu: Tensor<Scalar>
    public var logVar: Tensor<Scalar>
    public var z: Tensor<Scalar>
    public var reconstruction: Tensor<Scalar>
  }

  public let inputs: Int, hidden1: Int, hidden2: Int, latent: Int
  public let store: ParameterStore<Scalar>
  let dense1: Linear<Scalar>, bn1: BatchNorm1d<Scalar>, relu1: Activation<Scalar>
  let dense2: Linear<Scalar>, bn2: BatchNorm1d<Scalar>, relu2: Activation<Scalar>
  let zMean: Linear<Scalar>, zLogVar: Linear<Scalar>
  // Concrete layer types, not `Sequential`'s existentials: calls through `any Layer` reach the
  // unspecialised generic bodies (perf showed 17 % of a run in generic witness calls).
  let decoder1: Linear<Scalar>, decoderReLU1: Activation<Scalar>
  let decoder2: Linear<Scalar>, decoderReLU2: Activation<Scalar>
  let decoderOutput: Linear<Scalar>
  private var epsilon: Tensor<Scalar>?
  private var halfStd: Tensor<Scalar>?

  /// A model with Glorot-uniform weights from `rng` (layer by layer, kernel only) and zero biases.
  public init(inputs: Int, latent: Int, hidden: (Int, Int)? = nil, rng: inout SeededGenerator) {
    let (h1, h2) = hidden ?? Self.hiddenSizes(latent: latent)
    self.inputs = inputs
    self.hidden1 = h1
    self.hidden2 = h2
    self.latent = latent
    let s = ParameterStore<Scalar>()
    store = s
    var unused = SeededGenerator(seed: 0)
    func dense(_ i: Int, _ o: Int, _ name: String) -> Linear<Scalar> {
      let layer = Linear<Scalar>(i, o, name: name, store: s, rng: &unused)
      let limit = (6 / Double(i + o)).squareRoot()
      s.values.withUnsafeMutableBufferPointer { v in
        for k in layer.weight.range { v[k] = Scalar(rng.uniform(-limit, limit)) }
        if let b = layer.bias { for k in b.range { v[k] = 0 } }
      }
      return layer
    }
    dense1 = dense(inputs, h1, "encoder.dense1")
    bn1 = BatchNorm1d(h1, convention: .keras2, name: "encoder.bn1", store: s)
    relu1 = Activation(.relu)
    dense2 = dense(h1, h2, "encoder.dense2")
    bn2 = BatchNorm1d(h2, convention: .keras2, name: "encoder.bn2", store: s)
    relu2 = Activation(.relu)
    zMean = dense(h2, latent, "z_mean")
    zLogVar = dense(h2, latent, "z_log_var")
    decoder1 = dense(latent, h2, "decoder.dense1")
    decoderReLU1 = Activation(.relu)
    decoder2 = dense(h2, h1, "decoder.dense2")
    decoderReLU2 = Activation(.relu)
    decoderOutput = dense(h1, inputs, "decoder.output")
  }

  /// The decoder: z → x̂.
  public func decode(_ z: Tensor<Scalar>, training: Bool) throws -> Tensor<Scalar> {
    let h = try decoderReLU1.forward(try decoder1.forward(z, training: training), training: training)
    return try decoderOutput.forward(try decoderReLU2.forward(try decoder2.forward(h, training: training), training: training),
                                     training: training)
  }

  func decoderBackward(_ dy: Tensor<Scalar>) throws -> Tensor<Scalar> {
    let dh = try decoderReLU2.backward(try decoderOutput.backward(dy))
    return try decoder1.backward(try decoderReLU1.backward(try decoder2.backward(dh)))
  }

  /// Encoder up to the heads: `(μ, logσ²)`; `training` selects batch statistics.
  public func encode(_ x: Tensor<Scalar>, training: Bool) throws -> (mu: Tensor<Scalar>, logVar: Tensor<Scalar>) {
    guard x.rank == 2, x.columns == inputs else {
      throw OmicsError(location: "deepprofile-vae", "expected input (samples, \(inputs)), found \(x.shape)")
    }
    var h = try relu1.forward(try bn1.forward(try dense1.forward(x, training: training), training: training), training: training)
    h = try relu2.forward(try bn2.forward(try dense2.forward(h, training: training), training: training), training: training)
    return (try zMean.forward(h, training: training), try zLogVar.forward(h, training: training))
  }

  /// The embedding: μ in inference mode (BatchNorm moving statistics), as `Model(x, z_mean).predict`.
  public func embed(_ x: Tensor<Scalar>) throws -> Tensor<Scalar> { try encode(x, training: false).mu }

  /// Backward through the encoder from `dL/dμ` and `dL/dlogσ²`; returns `dL/dx`.
  public func encoderBackward(dMu: Tensor<Scalar>, dLogVar: Tensor<Scalar>?) throws -> Tensor<Scalar> {
    var dh = try zMean.backward(dMu)
    if let dLogVar { dh = dh + (try zLogVar.backward(dLogVar)) }
    dh = try dense2.backward(try bn2.backward(try relu2.backward(dh)))
    return try dense1.backward(try bn1.backward(try relu1.backward(dh)))
  }

  /// A training forward pass (batch statistics; moving statistics updated) with noise `epsilon`
  /// `(B, d)`.
  public func forward(_ x: Tensor<Scalar>, epsilon: Tensor<Scalar>) throws -> Forward {
    let (mu, logVar) = try encode(x, training: true)
    guard epsilon.shape == mu.shape else {
      throw OmicsError(location: "deepprofile-vae", "noise \(epsilon.shape) does not match μ \(mu.shape)")
    }
    var z = mu, half = logVar
    half.scalars.withUnsafeMutableBufferPointer { h in
      z.scalars.withUnsafeMutableBufferPointer { zp in
        epsilon.scalars.withUnsafeBufferPointer { e in
          for i in 0..<h.count {
            let s = Scalar.nnExp(h[i] / 2)
            h[i] = s
            zp[i] += s * e[i]
          }
        }
      }
    }
    self.epsilon = epsilon
    self.halfStd = half
    let reconstruction = try decode(z, training: true)
    return Forward(mu: mu, logVar: logVar, z: z, reconstruction: reconstruction)
  }

  /// Backward of `forward` from the loss gradients; accumulates parameter gradients, returns `dL/dx`.
  /// `dz = decoderᵀ(dx̂)`; `dμ += dz`; `dlogσ² += dz·ε·exp(logσ²/2)/2`.
  public func backward(dReconstruction: Tensor<Scalar>, dMu: Tensor<Scalar>, dLogVar: Tensor<Scalar>) throws -> Tensor<Scalar> {
    guard let epsilon, let halfStd else { throw OmicsError(location: "deepprofile-vae", "backward called before forward") }
    let dz = try decoderBackward(dReconstruction)
    var dm = dMu, dl = dLogVar
    dm.scalars.withUnsafeMutableBufferPointer { m in
      dl.scalars.withUnsafeMutableBufferPointer { l in
        dz.scalars.withUnsafeBufferPointer { g in
          epsilon.scalars.withUnsafeBufferPointer { e in
            halfStd.scalars.withUnsafeBufferPointer { s in
              for i in 0..<m.count {
                m[i] += g[i]
                l[i] += g[i] * e[i] * s[i] / 2
              }
            }
          }
        }
      }
    }
    return try encoderBackward(dMu: dm, dLogVar: dl)
  }

  /// Names of the encoder's entries (what `embed` needs).
  public var encoderEntryNames: [String] {
    store.entries.map(\.name).filter { !$0.hasPrefix("decoder.") }
  }
}
