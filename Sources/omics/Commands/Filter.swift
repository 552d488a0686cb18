import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO
import OmicsPreprocessing

/// `omics filter`: scanpy's cell/gene count filters and DeepProfile's MAD gene filter.
struct Filter: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Filter cells and genes: scanpy's count thresholds and the MAD gene filter (DeepProfile).",
    discussion: """
      Cells are filtered first (--min-genes, --min-cell-counts, as scanpy's filter_cells), then genes
      by their counts over the remaining cells (--min-cells, --min-counts, as filter_genes), then genes
      by their median absolute deviation, MAD = median(|x − median(x)|) over all samples (zeros of
      sparse data included). With --mad and no other rule, genes whose MAD is below the mean MAD are
      dropped. Everything else in the file is carried over; var gets 'mad' (and 'n_cells'/'n_counts',
      obs 'n_genes'/'n_counts', as scanpy). A filter that keeps nothing writes nothing.

      --low-memory streams a dense h5ad X in column blocks (one pass computes the MADs, a second
      copies the kept genes), so a file larger than RAM filters with memory for two blocks plus the
      annotations; it applies to the MAD rules alone, on X, for files without layers, and is chosen
      automatically for a dense h5ad X larger than half of the physical memory.

      Examples:
        omics filter --mad expression.h5ad filtered.h5ad --report genes.tsv --plot mad.svg
        omics filter --mad --low-memory compendium.h5ad filtered.h5ad
        omics filter --mad --top 5000 expression.h5ad top5000.h5ad
        omics filter --min-genes 200 --min-cells 3 pbmc.h5ad pbmc_qc.h5ad
      """)

  @Argument(help: "Input matrix file (h5ad or any format omics reads).")
  var input: String

  @Argument(help: "Output .h5ad file.")
  var output: String

  @Flag(help: "Filter genes by MAD (default rule: keep MAD ≥ mean MAD).")
  var mad = false

  @Option(help: "Keep the N genes with the largest MAD (ties by gene order). Implies --mad.")
  var top: Int?

  @Option(name: .customLong("min-mad"), help: "Keep genes with MAD ≥ V (after --scale). Implies --mad.")
  var minMAD: Double?

  @Option(help: "MAD scale: raw, or normal (× 1.4826, consistent with the standard deviation).")
  var scale: ScaleChoice = .raw

  @Option(help: "Filter on this layer instead of X.")
  var layer: String?

  @Option(help: "Keep genes > 0 in at least N cells (scanpy filter_genes min_cells).")
  var minCells: Int?

  @Option(help: "Keep genes with total ≥ N (scanpy filter_genes min_counts).")
  var minCounts: Double?

  @Option(help: "Keep cells with at least N genes > 0 (scanpy filter_cells min_genes).")
  var minGenes: Int?

  @Option(help: "Keep cells with total ≥ N (scanpy filter_cells min_counts).")
  var minCellCounts: Double?

  @Option(help: "Write a per-gene TSV: gene, mad, kept.")
  var report: String?

  @Option(help: "Write an SVG histogram of the MADs with the threshold marked.")
  var plot: String?

  @Option(help: "Compression of the output datasets: none or gzip.")
  var compression: Convert.CompressionChoice = .none

  @Flag(help: "Stream a dense h5ad X in column blocks instead of reading it (MAD rules on X only).")
  var lowMemory = false

  @Flag(help: .hidden) var timings = false

  @OptionGroup var global: GlobalOptions

  enum ScaleChoice: String, ExpressibleByArgument, CaseIterable { case raw, normal }

  var usesMAD: Bool { mad || top != nil || minMAD != nil }

  func validate() throws {
    guard output.lowercased().hasSuffix(".h5ad") else {
      throw ValidationError("the output must be an .h5ad file, got '\(output)'")
    }
    if top != nil && minMAD != nil { throw ValidationError("give at most one of --top and --min-mad") }
    if let top, top < 1 { throw ValidationError("--top must be at least 1, got \(top)") }
    if let minMAD, !minMAD.isFinite { throw ValidationError("--min-mad must be a finite number") }
    if !usesMAD && minCells == nil && minCounts == nil && minGenes == nil && minCellCounts == nil {
      throw ValidationError("nothing to filter: give --mad (or --top/--min-mad) or a --min-* threshold")
    }
    if (report != nil || plot != nil) && !usesMAD { throw ValidationError("--report and --plot need --mad") }
    if lowMemory && (!usesMAD || minCells != nil || minCounts != nil || minGenes != nil || minCellCounts != nil || layer != nil) {
      throw ValidationError("--low-memory applies to the MAD rules on X alone (no --min-* thresholds, no --layer)")
    }
    if lowMemory && compression != .none { throw ValidationError("--low-memory writes uncompressed output; drop --compression") }
  }

  /// Whether to stream: asked for, or a dense h5ad X larger than half of the physical memory.
  func shouldStream() throws -> Bool {
    if lowMemory { return true }
    guard usesMAD, minCells == nil, minCounts == nil, minGenes == nil, minCellCounts == nil, layer == nil,
      compression == .none, input.lowercased().hasSuffix(".h5ad"),
      let reader = try? H5ADDenseColumnReader.open(input)
    else { return false }
    let bytes = Double(reader.rows) * Double(reader.cols) * Double(reader.scalar.byteWidth)
    return bytes > Double(ProcessInfo.processInfo.physicalMemory) / 2
  }

  func runStreaming() throws {
    let rule: MADFilter.Rule = top.map { .top($0) } ?? minMAD.map { .minimum($0) } ?? .aboveMean
    let meta = try H5ADDenseColumnReader.open(input)
    let bar = global.quiet ? nil : ProgressBar("Filtering genes (2 passes)", total: 2 * (meta?.cols ?? 0))
    let started = DispatchTime.now()
    let result = try StreamingMADFilter.run(
      input: input, output: output, rule: rule, scale: scale == .normal ? MADFilter.normalScale : 1, progress: bar)
    bar?.finish()
    if timings { StandardError.write("timing compute_s=\(Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)\n") }
    try writeSideOutputs(genes: result.genes, mads: result.mads, kept: result.kept, threshold: result.threshold)
    if !global.quiet {
      StandardError.write("wrote \(output): cells \(result.cells) → \(result.cells), genes \(result.genesIn) → \(result.genesKept); MAD threshold \(result.threshold) (streamed)\n")
    }
  }

  func writeSideOutputs(genes: [String], mads: [Double], kept: [Bool], threshold: Double?) throws {
    if let report {
      let rows: [[TSVCell]] = genes.indices.map { [.string(genes[$0]), .double(mads[$0]), .bool(kept[$0])] }
      try TSVWriter.write(header: ["gene", "mad", "kept"], rows: rows, to: report)
    }
    if let plot {
      let svg = MADPlot.svg(mads: mads, threshold: threshold)
      try AtomicFileWriter.write(Data(svg.utf8), to: plot)
    }
  }

  func run() throws {
    global.apply()
    try runReportingErrors {
      if try shouldStream() {
        try runStreaming()
        return
      }
      let matrix = try MatrixFileReader.read(input, options: .init(showProgress: !global.quiet))
      var options = GeneFilter.Options()
      options.minGenes = minGenes
      options.minCellCounts = minCellCounts
      options.minCells = minCells
      options.minCounts = minCounts
      options.layer = layer
      options.madScale = scale == .normal ? MADFilter.normalScale : 1
      if usesMAD {
        options.mad = top.map { .top($0) } ?? minMAD.map { .minimum($0) } ?? .aboveMean
      }
      let filtered: ExpressionMatrix
      let result: GeneFilter.Report
      do {
        let started = DispatchTime.now()
        (filtered, result) = try GeneFilter(options).apply(matrix)
        if timings { StandardError.write("timing compute_s=\(Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)\n") }
      } catch let error as OmicsError {
        throw error.inFile(input)
      }
      try H5ADWriter.write(filtered, to: output, compression: compression == .gzip ? .gzip(level: 4) : .none)
      try writeSideOutputs(genes: result.madGenes, mads: result.mads, kept: result.madKept, threshold: result.madThreshold)
      if !global.quiet {
        var line = "wrote \(output): cells \(result.cellsIn) → \(result.cellsKept), genes \(result.genesIn) → \(result.genesKept)"
        if let t = result.madThreshold { line += "; MAD threshold \(t)" }
        StandardError.write(line + "\n")
      }
    }
  }
}
