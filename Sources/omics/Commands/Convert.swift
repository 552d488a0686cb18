import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO

/// `omics convert`: any readable matrix file to h5ad.
struct Convert: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Convert any matrix file omics reads to h5ad (anndata's current format).",
    discussion: """
      The output opens unchanged with anndata.read_h5ad and scanpy. h5ad → h5ad is lossless:
      X, layers, obs/var with dtypes and categories, obsm, varm, obsp, varp, nested uns and raw
      are carried over. The output is written under a temporary name and renamed when complete.

      Examples:
        omics convert filtered_feature_bc_matrix.h5 pbmc.h5ad
        omics convert filtered_feature_bc_matrix/ pbmc.h5ad --compression gzip
        omics convert old_anndata_06.h5ad modern.h5ad
      """)

  @Argument(help: "Input file or 10x MEX folder.")
  var input: String

  @Argument(help: "Output .h5ad file.")
  var output: String

  @Option(help: "Compression of the output datasets: none or gzip.")
  var compression: CompressionChoice = .none

  @Option(help: "Genome to read from a Cell Ranger v2 HDF5 file with several genomes.")
  var genome: String?

  @OptionGroup var global: GlobalOptions

  enum CompressionChoice: String, ExpressibleByArgument, CaseIterable {
    case none, gzip
  }

  func validate() throws {
    guard output.lowercased().hasSuffix(".h5ad") else {
      throw ValidationError("the output must be an .h5ad file, got '\(output)'")
    }
  }

  func run() throws {
    global.apply()
    try runReportingErrors {
      let matrix = try MatrixFileReader.read(input, options: .init(genome: genome, showProgress: !global.quiet))
      try H5ADWriter.write(matrix, to: output, compression: compression == .gzip ? .gzip(level: 4) : .none)
      if !global.quiet {
        let x = matrix.X.map { " X \($0.layoutDescription), \($0.storedCount) stored;" } ?? " no X;"
        StandardError.write("wrote \(output): \(matrix.nObs) obs × \(matrix.nVars) vars;\(x) \(matrix.obs.columns.count) obs and \(matrix.var.columns.count) var columns\n")
      }
    }
  }
}
