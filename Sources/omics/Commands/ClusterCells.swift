import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO
import OmicsPreprocessing

/// `omics cluster-cells`: k-means over cells (the same engine as cluster-genes).
struct ClusterCells: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cluster-cells",
    abstract: "Cluster cells (observations) with k-means, on X, a layer or an obsm embedding.",
    discussion: """
      The same engine as cluster-genes: k-means++ and Lloyd iterations on BLAS, deterministic for a
      seed. Writes a TSV with header cell<TAB>cluster and, with --output, the input with
      obs['kmeans'] (categorical) added.

      Examples:
        omics cluster-cells pca.h5ad --k 10 --obsm X_pca --out cells.tsv
        omics cluster-cells norm.h5ad --k 8 --out cells.tsv --output clustered.h5ad
      """)

  @Argument(help: "Input matrix file.")
  var input: String

  @Option(help: "Number of clusters.")
  var k: Int

  @Option(help: "Output TSV: cell, cluster.")
  var out: String

  @Option(help: "Also write the input with obs['kmeans'] to this .h5ad file.")
  var output: String?

  @Option(help: "Cluster on this obsm entry (e.g. X_pca) instead of X.")
  var obsm: String?

  @Option(help: "Cluster on this layer instead of X.")
  var layer: String?


  @OptionGroup var kmeans: KMeansRunOptions

  @OptionGroup var global: GlobalOptions

  func validate() throws {
    if k < 1 { throw ValidationError("--k must be at least 1, got \(k)") }
    if obsm != nil && layer != nil { throw ValidationError("give at most one of --obsm and --layer") }
    if let output, !output.lowercased().hasSuffix(".h5ad") {
      throw ValidationError("--output must be an .h5ad file, got '\(output)'")
    }
  }

  func run() throws {
    global.apply()
    try runReportingErrors {
      var matrix = try MatrixFileReader.read(input, options: .init(showProgress: !global.quiet))
      let options = kmeans.options(k: k)
      let result: KMeans.Result
      do { result = try Clustering.clusterCells(matrix, layer: layer, obsm: obsm, options) } catch let error as OmicsError {
        throw error.inFile(input)
      }
      let rows: [[TSVCell]] = zip(matrix.obs.index, result.labels).map { [.string($0), .int($1)] }
      try TSVWriter.write(header: ["cell", "cluster"], rows: rows, to: out)
      if let output {
        matrix.obs.columns["kmeans"] = .categorical(
          Categorical(codes: result.labels.map { Int32($0) }, categories: .strings((0..<k).map(String.init))))
        try H5ADWriter.write(matrix, to: output, compression: .none)
      }
      if !global.quiet {
        StandardError.write(
          "wrote \(out): \(matrix.nObs) cells in \(k) clusters; inertia \(result.inertia), \(result.iterations) iterations (run \(result.bestRun + 1) of \(kmeans.nInit))\n")
      }
    }
  }
}
