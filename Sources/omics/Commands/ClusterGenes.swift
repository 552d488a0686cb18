import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO
import OmicsPreprocessing

/// `omics cluster-genes`: k-means over genes (DeepProfile's gene clusters).
struct ClusterGenes: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cluster-genes",
    abstract: "Cluster genes with k-means (each gene a point in sample space), as DeepProfile does.",
    discussion: """
      k-means++ initialisation (scikit-learn's greedy variant) and Lloyd iterations with the distances
      computed by BLAS on all cores; deterministic for a seed. The run with the lowest inertia of
      --n-init runs is kept. Writes a TSV with header gene<TAB>cluster (clusters 0..k−1) and, with
      --centroids, the centroid matrix (samples × k, obs carried over) as h5ad: the input of
      DeepProfile's VAE.

      Examples:
        omics cluster-genes filtered.h5ad --k 300 --out clusters.tsv --centroids centroids.h5ad
        omics cluster-genes filtered.h5ad --k 300 --out clusters.tsv --seed 7 --n-init 10
      """)

  @Argument(help: "Input matrix file (samples × genes).")
  var input: String

  @Option(help: "Number of clusters.")
  var k: Int

  @Option(help: "Output TSV: gene, cluster.")
  var out: String

  @Option(help: "Write the centroid matrix (samples × k) to this .h5ad file.")
  var centroids: String?


  @Option(help: "Cluster on this layer instead of X.")
  var layer: String?

  @Flag(help: .hidden) var timings = false

  @OptionGroup var kmeans: KMeansRunOptions

  @OptionGroup var global: GlobalOptions

  func validate() throws {
    if k < 1 { throw ValidationError("--k must be at least 1, got \(k)") }
    if let centroids, !centroids.lowercased().hasSuffix(".h5ad") {
      throw ValidationError("--centroids must be an .h5ad file, got '\(centroids)'")
    }
  }

  func run() throws {
    global.apply()
    try runReportingErrors {
      let matrix = try MatrixFileReader.read(input, options: .init(showProgress: !global.quiet))
      let options = kmeans.options(k: k)
      let (result, centroidMatrix): (KMeans.Result, ExpressionMatrix)
      do {
        let started = DispatchTime.now()
        (result, centroidMatrix) = try Clustering.clusterGenes(matrix, layer: layer, options)
        if timings { StandardError.write("timing compute_s=\(Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)\n") }
      } catch let error as OmicsError { throw error.inFile(input) }
      let rows: [[TSVCell]] = zip(matrix.var.index, result.labels).map { [.string($0), .int($1)] }
      try TSVWriter.write(header: ["gene", "cluster"], rows: rows, to: out)
      if let centroids { try H5ADWriter.write(centroidMatrix, to: centroids, compression: .none) }
      if !global.quiet {
        StandardError.write(
          "wrote \(out): \(matrix.nVars) genes in \(k) clusters; inertia \(result.inertia), \(result.iterations) iterations (run \(result.bestRun + 1) of \(kmeans.nInit))\n")
      }
    }
  }
}
