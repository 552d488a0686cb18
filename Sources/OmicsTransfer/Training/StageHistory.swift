/// Per-epoch losses of one training stage and the epoch whose weights were kept.
public struct StageHistory: Sendable, Equatable {
  public var name: String
  public var train: [Double] = []
  public var validation: [Double] = []
  /// 0-based epoch of the kept weights (lowest validation loss among the eligible epochs); -1 if none.
  public var bestEpoch = -1
  public var seconds = 0.0

  public init(name: String) { self.name = name }
}
