import ArgumentParser
import Foundation
import OmicsCore
import OmicsPreprocessing

/// `omics medians`: mergeable per-gene median sketches (t-digest) for Geneformer normalisation.
struct Medians: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Per-gene non-zero medians of count / n_counts × 10,000 as mergeable t-digest sketches.",
    discussion: """
      'omics medians INPUT... --out SKETCH' summarises, per gene (var['ensembl_id']), the non-zero
      values of count / n_counts × 10,000 over the cells with filter_pass == 1 (all cells without
      that column), as Geneformer computed its median dictionary. Sketches of shards merge with
      'omics medians merge'; 'omics medians export' writes the median dictionary as TSV or as a
      .pkl that Geneformer's TranscriptomeTokenizer loads (gene_median_file=...).

      Examples:
        omics medians shard1.h5ad --out shard1.sketch
        omics medians merge shard*.sketch --out corpus.sketch
        omics medians export corpus.sketch --out gene_median_dictionary.pkl --min-count 100
      """,
    subcommands: [Build.self, Merge.self, Export.self],
    defaultSubcommand: Build.self)

  struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "build", abstract: "Sketch the inputs (h5ad/loom files) into one sketch file.")

    @Argument(help: "Input h5ad/loom files.")
    var inputs: [String]

    @Option(help: "Output sketch file.")
    var out: String

    @Option(help: "t-digest compression δ (larger: more accurate, more memory).")
    var compression: Double = 300

    @Option(name: .customLong("gene-id-column"), help: "var column with the gene ids.")
    var geneIDColumn: String = "ensembl_id"

    @Flag(name: .customLong("use-var-index"), help: "Take the gene ids from the var index.")
    var useVarIndex = false

    @Flag(name: .customLong("strip-version"), help: "Strip version suffixes from ids (ENSG….17 → ENSG…).")
    var stripVersion = false

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = 0

    @OptionGroup var global: GlobalOptions

    func validate() throws {
      guard compression >= 10, compression <= 100_000 else { throw ValidationError("--compression must be in 10…100000") }
      guard threads >= 0 else { throw ValidationError("--threads must be ≥ 0") }
    }

    func run() throws {
      global.apply()
      try runReportingErrors {
        var sketch = GeneMedianSketch(compression: compression)
        let options = GeneMedianSketch.InputOptions(
          geneIDColumn: useVarIndex ? nil : geneIDColumn, stripVersion: stripVersion, threads: threads)
        for input in inputs { try sketch.add(file: input, options: options) }
        try sketch.write(to: out)
        if !global.quiet {
          StandardError.write("wrote \(out): \(sketch.genes.count) genes over \(sketch.cells) cells from \(sketch.files) file(s)\n")
        }
      }
    }
  }

  struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Merge sketches of shards into one.")

    @Argument(help: "Sketch files.")
    var sketches: [String]

    @Option(help: "Output sketch file.")
    var out: String

    @OptionGroup var global: GlobalOptions

    func run() throws {
      global.apply()
      try runReportingErrors {
        var merged: GeneMedianSketch?
        for path in sketches {
          let s = try GeneMedianSketch.read(path)
          if merged == nil { merged = GeneMedianSketch(compression: s.compression) }
          merged?.merge(s)
        }
        guard var merged else { throw OmicsError("no sketches given") }
        try merged.write(to: out)
        if !global.quiet {
          StandardError.write("wrote \(out): \(merged.genes.count) genes over \(merged.cells) cells from \(merged.files) file(s)\n")
        }
      }
    }
  }

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write the median dictionary: TSV (ensembl_id, nonzero_median) or .pkl for Geneformer.")

    @Argument(help: "Sketch file.")
    var sketch: String

    @Option(help: "Output .tsv or .pkl file.")
    var out: String

    @Option(name: .customLong("min-count"), help: "Only genes with at least this many non-zero values.")
    var minCount: Int = 1

    @OptionGroup var global: GlobalOptions

    func run() throws {
      global.apply()
      try runReportingErrors {
        var s = try GeneMedianSketch.read(sketch)
        let n = try s.export(to: out, minimumCount: minCount)
        if !global.quiet { StandardError.write("wrote \(out): medians of \(n) genes\n") }
      }
    }
  }
}
