/// Lowers an optimiser's learning rate when a monitored value stops improving
/// (PyTorch `ReduceLROnPlateau`, same defaults and the same order of checks).
///
/// `step(metric)`: if the metric is better than the best so far (mode min, relative threshold:
/// `metric < best·(1 − threshold)`), it becomes the best and the bad-epoch count resets; otherwise
/// the count grows. During cooldown the count is held at 0. When the count exceeds `patience`
/// the rate becomes `max(lr·factor, minLR)` (only if that changes it by more than `eps`), cooldown
/// starts and the count resets — with patience 10 the rate drops on the 11th non-improving step.
public final class ReduceLROnPlateau {
  public enum Mode: Sendable { case min, max }
  public enum ThresholdMode: Sendable { case relative, absolute }

  public let mode: Mode, thresholdMode: ThresholdMode
  public let factor: Double, threshold: Double, minLR: Double, eps: Double
  public let patience: Int, cooldown: Int
  public private(set) var best: Double
  public private(set) var badEpochs = 0
  private var cooldownCounter = 0

  public init(mode: Mode = .min, factor: Double = 0.1, patience: Int = 10, threshold: Double = 1e-4,
              thresholdMode: ThresholdMode = .relative, cooldown: Int = 0, minLR: Double = 0, eps: Double = 1e-8) {
    precondition(factor < 1, "factor must be < 1")
    self.mode = mode
    self.factor = factor
    self.patience = patience
    self.threshold = threshold
    self.thresholdMode = thresholdMode
    self.cooldown = cooldown
    self.minLR = minLR
    self.eps = eps
    best = mode == .min ? .infinity : -.infinity
  }

  func isBetter(_ a: Double) -> Bool {
    switch (mode, thresholdMode) {
    case (.min, .relative): return a < best * (1 - threshold)
    case (.min, .absolute): return a < best - threshold
    case (.max, .relative): return a > best * (1 + threshold)
    case (.max, .absolute): return a > best + threshold
    }
  }

  /// Records one epoch's metric and returns the learning rate to use next.
  @discardableResult
  public func step(_ metric: Double, learningRate: Double) -> Double {
    var lr = learningRate
    if isBetter(metric) {
      best = metric
      badEpochs = 0
    } else {
      badEpochs += 1
    }
    if cooldownCounter > 0 {
      cooldownCounter -= 1
      badEpochs = 0
    }
    if badEpochs > patience {
      let newLR = max(lr * factor, minLR)
      if lr - newLR > eps { lr = newLR }
      cooldownCounter = cooldown
      badEpochs = 0
    }
    return lr
  }

  /// Steps and writes the new rate into `optimizer`.
  public func step<O: Optimizer>(_ metric: Double, optimizer: O) {
    optimizer.learningRate = step(metric, learningRate: optimizer.learningRate)
  }
}
