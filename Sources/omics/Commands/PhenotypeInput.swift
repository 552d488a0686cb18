import ArgumentParser
import OmicsCore
import OmicsEnrichment
import OmicsIO

/// The phenotype options shared by `gsea phenotype` and `xgsea`: the expression matrix and where
/// its phenotype comes from, an obs column (`--labels`) or a Broad GSEA `.cls` file (`--cls`, one
/// label or value per matrix sample, in order), plus `--classes` and `--metric`.
struct PhenotypeInput: ParsableArguments {
  @Option(help: "Expression matrix (h5ad: obs = samples, var = genes; or another matrix format with obs columns).")
  var expr: String

  @Option(help: "obs column with the phenotype (class labels, or numbers for pearson).")
  var labels: String?

  @Option(help: "Phenotype from a Broad GSEA .cls file instead of --labels (categorical, or #numeric), one entry per matrix sample in order.")
  var cls: String?

  @Option(name: .customLong("cls-phenotype"), help: "With a #numeric .cls holding several phenotypes: the one to use (default: the first).")
  var clsPhenotype: String?

  @Option(help: "The two classes to compare, positive first: A,B (default: both labels of the column, first seen positive).")
  var classes: String?

  @Option(help: "Ranking metric: signal_to_noise, abs_signal_to_noise, t_test, diff_of_classes, ratio_of_classes, log2_ratio_of_classes or pearson (default: pearson for a numeric column, else signal_to_noise).")
  var metric: PhenotypeLabels.Metric?

  /// Exactly one of `--labels` and `--cls`; `--cls-phenotype` only with `--cls`; `--classes` is A,B.
  func validate() throws {
    guard (labels == nil) != (cls == nil) else {
      throw ValidationError(labels == nil ? "give the phenotype: --labels OBS_COLUMN or --cls FILE.cls" : "give either --labels or --cls, not both")
    }
    if clsPhenotype != nil && cls == nil { throw ValidationError("--cls-phenotype needs --cls") }
    if let classes, classes.split(separator: ",", omittingEmptySubsequences: false).count != 2 {
      throw ValidationError("--classes takes two labels separated by a comma (A,B), got '\(classes)'")
    }
  }

  /// Where the phenotype came from, for messages.
  var source: String { labels ?? cls ?? "" }

  /// The phenotype of `matrix` (read from `expr`). With a CLS file of two classes and no
  /// `--classes`, the first class named in the file is the positive one (GSEA, GSEApy).
  func resolve(matrix: ExpressionMatrix) throws -> PhenotypeLabels {
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
