import ArgumentParser
import OmicsPreprocessing

/// The k-means run options shared by `cluster-genes` and `cluster-cells`.
struct KMeansRunOptions: ParsableArguments {
  @Option(help: "Random seed.")
  var seed: UInt64 = 0

  @Option(help: "Number of k-means++ runs; the lowest inertia is kept.")
  var nInit: Int = 1

  @Option(help: "Maximum Lloyd iterations per run.")
  var maxIter: Int = 300

  @Option(help: "Relative tolerance on the centre shift (scikit-learn's tol).")
  var tol: Double = 1e-4

  func validate() throws {
    if nInit < 1 { throw ValidationError("--n-init must be at least 1, got \(nInit)") }
    if maxIter < 1 { throw ValidationError("--max-iter must be at least 1, got \(maxIter)") }
    if !(tol >= 0) { throw ValidationError("--tol must be ≥ 0") }
  }

  /// The engine's options for `k` clusters.
  func options(k: Int) -> KMeans.Options {
    KMeans.Options(k: k, nInit: nInit, maxIterations: maxIter, tolerance: tol, seed: seed)
  }
}
