import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO
import OmicsPreprocessing

/// `omics pca`: scanpy-compatible principal components.
struct PCACommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pca",
    abstract: "Principal components (centred, optionally scaled) through LAPACK, written as scanpy writes them.",
    discussion: """
      Writes obsm['X_pca'] (scores), varm['PCs'] (loadings) and uns['pca'] (variance,
      variance_ratio, params) like scanpy's pp.pca; components equal scanpy's up to sign (signs follow
      scikit-learn ≥ 1.5: the largest loading of each component is positive). When var has a boolean
      'highly_variable' column only those genes are used, as scanpy does (--all-genes to use all).
      --solver exact densifies X (memory cells × genes doubles) and solves the eigenproblem with
      LAPACK; --solver randomized runs randomized SVD (scikit-learn's algorithm: 10 oversamples,
      4 or 7 power iterations) on the implicitly centred matrix, so sparse X stays sparse; equal to
      the exact components within 1e-4 where the spectrum has gaps. auto (default) picks randomized
      when the dense copy would exceed 1 GiB.

      Examples:
        omics pca norm.h5ad pca.h5ad --n-comps 50
        omics pca filtered.h5ad pca.h5ad --n-comps 20 --scale --all-genes
        omics pca atlas.h5ad pca.h5ad --n-comps 50 --solver randomized --seed 1
      """)

  @Argument(help: "Input matrix file.")
  var input: String

  @Argument(help: "Output .h5ad file.")
  var output: String

  @Option(help: "Number of components.")
  var nComps: Int = 50

  @Flag(help: "Scale every gene to unit variance after centring (scanpy pp.scale, without clipping).")
  var scale = false

  @Option(help: "Use this layer instead of X.")
  var layer: String?

  @Option(help: "Boolean var column selecting the genes to use (default: highly_variable when present).")
  var maskVar: String?

  @Option(help: "exact, randomized or auto (randomized above 1 GiB of dense doubles).")
  var solver: String = "auto"

  @Option(help: "Seed of the randomized solver.")
  var seed: UInt64 = 0

  @Flag(help: "Use all genes even when var has 'highly_variable'.")
  var allGenes = false

  @Option(help: "Compression of the output datasets: none or gzip.")
  var compression: Convert.CompressionChoice = .none

  @OptionGroup var global: GlobalOptions

  func validate() throws {
    guard output.lowercased().hasSuffix(".h5ad") else {
      throw ValidationError("the output must be an .h5ad file, got '\(output)'")
    }
    if nComps < 1 { throw ValidationError("--n-comps must be at least 1, got \(nComps)") }
    if PCA.Solver(rawValue: solver) == nil { throw ValidationError("--solver must be exact, randomized or auto, got '\(solver)'") }
    if allGenes && maskVar != nil { throw ValidationError("give at most one of --mask-var and --all-genes") }
  }

  func run() throws {
    global.apply()
    try runReportingErrors {
      var matrix = try MatrixFileReader.read(input, options: .init(showProgress: !global.quiet))
      var mask = maskVar
      if mask == nil && !allGenes, case .array(let a)? = matrix.var.columns["highly_variable"], a.scalarType == .bool {
        mask = "highly_variable"
      }
      let options = PCA.Options(
        nComps: nComps, scale: scale, layer: layer, maskVar: mask, solver: PCA.Solver(rawValue: solver) ?? .auto, seed: seed)
      do {
        let result = try PCA.fit(matrix, options)
        let slot = layer.flatMap { matrix.layers[$0] } ?? matrix.X
        PCA.store(result, in: &matrix, float32: slot?.scalarType == .float32, options: options)
        try H5ADWriter.write(matrix, to: output, compression: compression == .gzip ? .gzip(level: 4) : .none)
        if !global.quiet {
          let explained = result.varianceRatio.reduce(0, +) * 100
          StandardError.write(
            "wrote \(output): \(nComps) components of \(matrix.nObs) obs × \(matrix.nVars) vars\(mask.map { " (genes where \($0))" } ?? ""); \(String(format: "%.2f", explained))% of the variance\n")
        }
      } catch let error as OmicsError { throw error.inFile(input) }
    }
  }
}
