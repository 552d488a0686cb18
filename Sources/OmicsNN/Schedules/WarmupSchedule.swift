import Foundation

/// Learning-rate multipliers with linear warm-up (Hugging Face `get_*_schedule_with_warmup`).
///
/// For step `s` (0-based, the step about to run) with `w` warm-up steps out of `total`:
/// warm-up `s/w` for `s < w`; then `.constant` 1, `.linear` `max(0, (total − s)/(total − w))`,
/// `.cosine` `max(0, ½(1 + cos(π·2·cycles·p)))` with `p = (s − w)/(total − w)`, cycles ½.
public struct WarmupSchedule: Sendable {
  public enum Decay: Sendable { case constant, linear, cosine(cycles: Double = 0.5) }
  public var baseLR: Double
  public var warmupSteps: Int
  public var totalSteps: Int
  public var decay: Decay

  public init(baseLR: Double, warmupSteps: Int, totalSteps: Int, decay: Decay) {
    self.baseLR = baseLR
    self.warmupSteps = warmupSteps
    self.totalSteps = totalSteps
    self.decay = decay
  }

  /// The multiplier at step `s`.
  public func factor(at s: Int) -> Double {
    if s < warmupSteps { return Double(s) / Double(max(1, warmupSteps)) }
    let span = Double(max(1, totalSteps - warmupSteps))
    switch decay {
    case .constant: return 1
    case .linear: return max(0, Double(totalSteps - s) / span)
    case .cosine(let cycles):
      let p = Double(s - warmupSteps) / span
      return max(0, 0.5 * (1 + cos(Double.pi * 2 * cycles * p)))
    }
  }

  /// The learning rate at step `s`.
  public func learningRate(at s: Int) -> Double { baseLR * factor(at: s) }
}
