/// OmicsTransfer: bulk → single-cell domain adaptation (scDEAL's recipe, `omics adapt`).
/// Design and decisions: `Docs/adapt.md`.
public enum OmicsTransfer {
  /// Version written into `report.json` and the model's `config.json`.
  public static let version = "0.1.0"
}
