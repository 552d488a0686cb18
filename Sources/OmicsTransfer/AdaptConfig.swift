/// Which scDEAL recipe `omics adapt` runs (background §1.10).
public enum AdaptMode: String, Sendable, CaseIterable {
  /// Shared genes, target encoder warm-started from the bulk encoder, bulk model frozen (eval),
  /// multi-bandwidth MMD (median heuristic × ¼, ½, 1, 2, 4), selection on validation MMD.
  case aligned
  /// scDEAL as its code runs: separate target autoencoder on the target's own genes (random init,
  /// DAE pre-trained), CE + 0.25·MMD(σ = 1000), Adam 1e-2 on the target encoder only, plateau
  /// scheduler on the train loss, bulk branch in train mode, batches of fewer than 10 skipped.
  case upstream
}

/// Every setting of an adaptation run. Defaults are the calibration settings of background §5.3.
public struct AdaptConfig: Sendable, Equatable {
  public var mode: AdaptMode = .aligned
  public var seed: UInt64 = 0
  /// Epochs of the bulk DAE and of the bulk predictor (each), and of the upstream target DAE.
  public var bulkEpochs = 40
  /// Epochs of the adaptation stage.
  public var adaptEpochs = 60
  public var latent = 32
  public var hidden = [512, 256]
  public var predictorHidden = [16, 8]
  public var dropout = 0.3
  public var batchSize = 200
  /// Adam learning rate of the adaptation stage (`aligned`; `upstream` uses 1e-2 as scDEAL does).
  public var adaptLearningRate = 1e-3
  /// Weight of the MMD term (`aligned`: 1; `upstream`: 0.25 regardless).
  public var mmdWeight = 1.0
  /// Bandwidth factors of the median heuristic (`aligned`).
  public var bandwidthFactors: [Double] = [0.25, 0.5, 1, 2, 4]
  /// Top genes per class by integrated gradients (0 = none).
  public var attributions = 0
  /// Gauss–Legendre steps of integrated gradients (captum's default 50).
  public var attributionSteps = 50
  /// BLAS threads; the same seed and thread count give the same model bit for bit.
  public var threads = 1

  public init() {}

  /// The smallest number of rows each split needs (BatchNorm needs 2 per training batch).
  public static let minimumSplitRows = 2
}
