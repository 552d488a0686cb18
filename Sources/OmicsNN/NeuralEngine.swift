/// OmicsNN: the neural engine of omics (tensors on OpenBLAS, layers with explicit forward and
/// backward, losses, optimisers, schedules, checkpoints). Design: `Docs/neural-engine.md`.
public enum NeuralEngine {
  /// Engine version, written into checkpoint metadata.
  public static let version = "0.1.0"
}
