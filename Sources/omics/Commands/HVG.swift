import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO
import OmicsPreprocessing

/// `omics hvg`: scanpy's highly_variable_genes (seurat and cell_ranger flavours).
struct HVG: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hvg",
    abstract: "Flag highly variable genes as scanpy does (flavours seurat and cell_ranger, on log-normalized data).",
    discussion: """
      Writes var columns highly_variable, means, dispersions, dispersions_norm (and
      highly_variable_nbatches with --batch-key), as scanpy's pp.highly_variable_genes. Without
      --n-top the cutoffs min_mean 0.0125, max_mean 3, min_disp 0.5 apply. The seurat_v3 flavour
      (on counts) is not implemented yet.

      Examples:
        omics hvg logged.h5ad hvg.h5ad --n-top 2000
        omics hvg logged.h5ad hvg.h5ad --flavor cell_ranger --n-top 2000 --batch-key sample
      """)

  @Argument(help: "Input matrix file (log-normalized).")
  var input: String

  @Argument(help: "Output .h5ad file.")
  var output: String

  @Option(help: "seurat or cell_ranger.")
  var flavor: String = "seurat"

  @Option(help: "Number of highly variable genes to keep.")
  var nTop: Int?

  @Option(help: "obs column with batch labels: genes are ranked within each batch and merged, as scanpy.")
  var batchKey: String?

  @Option(help: "Use this layer instead of X.")
  var layer: String?

  @OptionGroup var global: GlobalOptions

  func validate() throws {
    guard output.lowercased().hasSuffix(".h5ad") else {
      throw ValidationError("the output must be an .h5ad file, got '\(output)'")
    }
    guard HighlyVariableGenes.Flavor(rawValue: flavor) != nil else {
      if flavor == "seurat_v3" { throw ValidationError("flavor seurat_v3 is not implemented yet; use seurat or cell_ranger") }
      throw ValidationError("--flavor must be seurat or cell_ranger, got '\(flavor)'")
    }
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
        let result = try HighlyVariableGenes.compute(matrix, options)
        HighlyVariableGenes.store(result, in: &matrix)
        try H5ADWriter.write(matrix, to: output, compression: .none)
        if !global.quiet {
          StandardError.write("wrote \(output): \(result.highlyVariable.filter { $0 }.count) of \(matrix.nVars) genes highly variable (\(flavor))\n")
        }
      } catch let error as OmicsError { throw error.inFile(input) }
    }
  }
}
