import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO
import OmicsPreprocessing

/// `omics normalize`: scanpy's normalize_total and log1p.
struct Normalize: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Normalize each cell to a total (scanpy normalize_total) and/or log1p-transform X.",
    discussion: """
      --total T scales every cell so its values sum to T (--total median: the median of the cells'
      totals, zeros excluded); --exclude-highly-expressed leaves genes that exceed --max-fraction of a cell's total
      out of the totals, as scanpy. --log1p applies log(1 + x) afterwards (and records uns['log1p']).
      Results equal scanpy's within 1e-6 relative. Integer X becomes float32, as in scanpy.

      Examples:
        omics normalize counts.h5ad norm.h5ad --total 1e4 --log1p --keep-counts counts
        omics normalize counts.h5ad norm.h5ad --total median --exclude-highly-expressed
        omics normalize norm.h5ad logged.h5ad --log1p
      """)

  @Argument(help: "Input matrix file.")
  var input: String

  @Argument(help: "Output .h5ad file.")
  var output: String

  @Option(help: "Target total per cell; or 'median' for the median of the cells' totals.")
  var total: String?

  @Flag(help: "Normalize to the median total per cell (same as --total median).")
  var medianTotal = false

  @Flag(help: "Leave highly expressed genes out of the totals (scanpy exclude_highly_expressed).")
  var excludeHighlyExpressed = false

  @Option(help: "With --exclude-highly-expressed: a gene above this fraction of a cell's total is left out.")
  var maxFraction: Double = 0.05

  @Flag(help: "Apply log(1 + x).")
  var log1p = false

  @Option(help: "Keep the input X in this layer.")
  var keepCounts: String?

  @Option(help: "Compression of the output datasets: none or gzip.")
  var compression: Convert.CompressionChoice = .none

  @Flag(help: .hidden) var timings = false

  @OptionGroup var global: GlobalOptions

  var target: Double? {
    guard let total, total != "median" else { return nil }
    return Double(total)
  }

  func validate() throws {
    guard output.lowercased().hasSuffix(".h5ad") else {
      throw ValidationError("the output must be an .h5ad file, got '\(output)'")
    }
    if let total, total != "median" {
      guard let v = Double(total), v.isFinite, v > 0 else {
        throw ValidationError("--total must be a positive number or 'median', got '\(total)'")
      }
    }
    if total == nil && !medianTotal && !log1p {
      throw ValidationError("nothing to do: give --total (or --median-total) and/or --log1p")
    }
    guard maxFraction > 0, maxFraction <= 1 else { throw ValidationError("--max-fraction must be in (0, 1]") }
  }

  func run() throws {
    global.apply()
    try runReportingErrors {
      var matrix = try MatrixFileReader.read(input, options: .init(showProgress: !global.quiet))
      let options = Normalization.Options(
        targetSum: target, normalizeTotal: total != nil || medianTotal,
        excludeHighlyExpressed: excludeHighlyExpressed, maxFraction: maxFraction, log1p: log1p,
        keepCounts: keepCounts)
      let report: Normalization.Report
      let started = DispatchTime.now()
      do { report = try Normalization.apply(&matrix, options) } catch let error as OmicsError { throw error.inFile(input) }
      if timings { StandardError.write("timing compute_s=\(Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)\n") }
      try H5ADWriter.write(matrix, to: output, compression: compression == .gzip ? .gzip(level: 4) : .none)
      if !global.quiet {
        var parts: [String] = []
        if let t = report.targetSum { parts.append("total \(t)") }
        if excludeHighlyExpressed { parts.append("\(report.excludedGenes) highly expressed genes left out of the totals") }
        if log1p { parts.append("log1p") }
        StandardError.write("wrote \(output): \(matrix.nObs) obs × \(matrix.nVars) vars; \(parts.joined(separator: ", "))\n")
      }
    }
  }
}
