import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO

/// `omics inspect`: what a file holds, from metadata only where the format allows.
struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show what a matrix file holds: format, shape, X storage, annotations, slots and uns.",
    discussion: """
      For h5ad only metadata is read (attributes, shapes, category counts), so inspecting a
      10 GB file is instant. Other formats are read in full.

      Examples:
        omics inspect pbmc3k.h5ad
        omics inspect filtered_feature_bc_matrix.h5 --json
        omics inspect GSE12345_series_matrix.txt.gz
      """)

  @Argument(help: "A file (h5ad, 10x .h5, loom, .mtx, GEO series matrix/SOFT, .tsv/.csv) or a 10x MEX folder.")
  var path: String

  @Flag(help: "Print the summary as JSON.")
  var json = false

  func run() throws {
    try runReportingErrors {
      let summary = try MatrixFileReader.summary(path)
      if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(summary)
        print(String(decoding: data, as: UTF8.self))
      } else {
        print(summary.text())
      }
    }
  }
}
