import ArgumentParser
import OmicsCore
import OmicsEnrichment
import OmicsIO

/// Where `gsea phenotype` and `xgsea` take the phenotype from: an obs column of the matrix
/// (`--labels`) or a Broad GSEA `.cls` file (`--cls`, one label or value per matrix sample, in order).
enum PhenotypeInput {
  /// Exactly one of `--labels` and `--cls`; `--cls-phenotype` only with `--cls`.
  static func validate(labels: String?, cls: String?, clsPhenotype: String?) throws {
    guard (labels == nil) != (cls == nil) else {
      throw ValidationError(labels == nil ? "give the phenotype: --labels OBS_COLUMN or --cls FILE.cls" : "give either --labels or --cls, not both")
    }
    if clsPhenotype != nil && cls == nil { throw ValidationError("--cls-phenotype needs --cls") }
  }

  /// The phenotype of `matrix` (read from `expr`). With a CLS file of two classes and no
  /// `--classes`, the first class named in the file is the positive one (GSEA, GSEApy).
  static func resolve(
    matrix: ExpressionMatrix, expr: String, labels: String?, cls: String?, clsPhenotype: String?, classes: String?,
    metric: PhenotypeLabels.Metric?
  ) throws -> PhenotypeLabels {
    let classList = classes.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    if let cls {
      let file = try CLSFile.read(path: cls)
      do {
        let (column, frame) = try file.column(for: matrix.obs.index, phenotype: clsPhenotype)
        return try PhenotypeLabels(obs: frame, column: column, classes: classList ?? file.twoClasses, metric: metric)
      } catch let error as OmicsError { throw error.inFile(cls) }
    }
    do {
      return try PhenotypeLabels(obs: matrix.obs, column: labels ?? "", classes: classList, metric: metric)
    } catch let error as OmicsError { throw error.inFile(expr) }
  }
}
