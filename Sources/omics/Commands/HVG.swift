import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO
import OmicsPreprocessing

/// `omics hvg`: scanpy's highly_variable_genes (seurat and cell_ranger on log data, seurat_v3 on counts).
struct HVG: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hvg",
    abstract: "Flag highly variable genes as scanpy does (seurat, cell_ranger on log data; seurat_v3 on counts).",
    discussion: """
      seurat and cell_ranger (log-normalized input) write var columns
      highly_variable, means, dispersions, dispersions_norm; without --n-top the
      cutoffs min_mean 0.0125, max_mean 3, min_disp 0.5 apply. seurat_v3 and
      seurat_v3_paper (raw counts; Seurat's vst: LOESS of log variance on log
      mean, clipped standardized variance) write highly_variable,
      highly_variable_rank, means, variances, variances_norm; --n-top defaults to
      2000 there. With --batch-key genes are ranked within each batch and merged
      as scanpy does (highly_variable_nbatches is added). Same genes as scanpy's
      pp.highly_variable_genes.

      Examples:
        omics hvg logged.h5ad hvg.h5ad --n-top 2000
        omics hvg logged.h5ad hvg.h5ad --flavor cell_ranger --n-top 2000 --batch-key sample
        omics hvg counts.h5ad hvg.h5ad --flavor seurat_v3 --n-top 2000
      """)

  @Argument(help: "Input matrix file (log-normalized; raw counts for seurat_v3).")
  var input: String

  @Argument(help: "Output .h5ad file.")
  var output: String

  @Option(help: "seurat, cell_ranger, seurat_v3 or seurat_v3_paper.")
  var flavor: String = "seurat"

  @Option(help: "Number of highly variable genes to keep (seurat_v3: default 2000).")
  var nTop: Int?

  @Option(help: "LOESS span of the seurat_v3 mean-variance fit.")
  var span: Double = 0.3

  @Flag(help: .hidden) var timings = false

  @Option(help: "obs column with batch labels: genes are ranked within each batch and merged, as scanpy.")
  var batchKey: String?

  @Option(help: "Use this layer instead of X.")
  var layer: String?

  @OptionGroup var global: GlobalOptions

  func validate() throws {
    guard output.lowercased().hasSuffix(".h5ad") else {
      throw ValidationError("the output must be an .h5ad file, got '\(output)'")
    }
    guard HighlyVariableGenes.Flavor(rawValue: flavor) != nil || isSeuratV3 else {
      throw ValidationError("--flavor must be seurat, cell_ranger, seurat_v3 or seurat_v3_paper, got '\(flavor)'")
    }
    if !(span > 0 && span <= 1) { throw ValidationError("--span must be in (0, 1], got \(span)") }
    if let nTop, nTop < 1 { throw ValidationError("--n-top must be at least 1, got \(nTop)") }
  }

  func run() throws {
    global.apply()
    try runReportingErrors {
      var matrix = try MatrixFileReader.read(input, options: .init(showProgress: !global.quiet))
      var options = HighlyVariableGenes.Options(
        flavor: HighlyVariableGenes.Flavor(rawValue: flavor) ?? .seurat, nTop: nTop, batchKey: batchKey, layer: layer)
      options.nTop = nTop
      do {
        if isSeuratV3 {
          try runSeuratV3(&matrix)
          return
        }
        let result = try HighlyVariableGenes.compute(matrix, options)
        HighlyVariableGenes.store(result, in: &matrix)
        try H5ADWriter.write(matrix, to: output, compression: .none)
        if !global.quiet {
          StandardError.write("wrote \(output): \(result.highlyVariable.filter { $0 }.count) of \(matrix.nVars) genes highly variable (\(flavor))\n")
        }
      } catch let error as OmicsError { throw error.inFile(input) }
    }
  }

  var isSeuratV3: Bool { flavor == "seurat_v3" || flavor == "seurat_v3_paper" }

  private func runSeuratV3(_ matrix: inout ExpressionMatrix) throws {
    let counts: Matrix
    if let layer {
      guard let l = matrix.layers[layer] else { throw OmicsError("no layer named '\(layer)'") }
      counts = l
    } else {
      guard let X = matrix.X else { throw OmicsError("the file has no X matrix") }
      counts = X
    }
    var batches: [String?]?
    if let batchKey {
      guard let labels = matrix.obs.strings(batchKey) else {
        throw OmicsError("no obs column named '\(batchKey)' with batch labels (string or categorical)")
      }
      batches = labels
    }
    let start = Date()
    let result = try SeuratV3HighlyVariableGenes.compute(
      counts, batches: batches, .init(nTop: nTop ?? 2000, span: span, paper: flavor == "seurat_v3_paper"))
    if timings { StandardError.write("timing compute_s=\(Date().timeIntervalSince(start))\n") }
    if let warning = result.warning, !global.quiet { StandardError.write("warning: \(input): \(warning)\n") }
    SeuratV3HighlyVariableGenes.store(result, flavor: flavor, in: &matrix)
    try H5ADWriter.write(matrix, to: output, compression: .none)
    if !global.quiet {
      StandardError.write("wrote \(output): \(result.highlyVariable.filter { $0 }.count) of \(matrix.nVars) genes highly variable (\(flavor))\n")
    }
  }
}
