import ArgumentParser
import Foundation
import OmicsCore
import OmicsEnrichment
import OmicsIO

/// `omics ora`: hypergeometric over-representation analysis.
struct ORA: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ora",
    abstract: "Over-representation analysis: hypergeometric test of gene sets against a gene list, with BH.",
    discussion: """
      GENES and UNIVERSE are text files with one gene per line (blank lines and '#' comments skipped,
      repeats counted once). The query and every set are first restricted to the universe, as GSEApy's
      enrich does with a background list: N = |universe|, n = |query ∩ universe|, M = |set ∩ universe|,
      k = |query ∩ set ∩ universe|. Sets with M outside [--min-size, --max-size] or with k = 0 are not
      tested. p = P(X ≥ k) for X ~ Hypergeometric(N, M, n), summed exactly in log space (the
      log10_pvalue column keeps p below the double range); padj is Benjamini–Hochberg over the tested sets.

      Writes a TSV sorted by p-value: term, description, overlap (k), set_size (M), query_size (n),
      universe_size (N), expected (nM/N), fold_enrichment (k/expected), pvalue, log10_pvalue, padj,
      genes (overlapping genes in query order, ';'-joined). The file is written under a temporary name
      and renamed.

      Example:
        omics ora --genes up_genes.txt --gene-sets h.all.gmt \\
          --universe expressed.txt --min-size 10 --max-size 500 --out ora.tsv
      """)

  @Option(help: "Query genes, one per line.")
  var genes: String
  @Option(name: .customLong("gene-sets"), help: "Gene sets (.gmt, .gmx, .grp or MSigDB .json).")
  var geneSets: String
  @Option(help: "Universe (background) genes, one per line.")
  var universe: String
  @Option(name: .customLong("min-size"), help: "Smallest set tested (genes in the universe).")
  var minSize = 10
  @Option(name: .customLong("max-size"), help: "Largest set tested (genes in the universe).")
  var maxSize = 500
  @Option(help: "Output TSV.")
  var out: String
  @OptionGroup var global: GlobalOptions

  func validate() throws {
    guard minSize >= 1 else { throw ValidationError("--min-size must be at least 1, got \(minSize)") }
    guard maxSize >= minSize else { throw ValidationError("--max-size (\(maxSize)) is below --min-size (\(minSize))") }
  }

  /// The genes of a one-gene-per-line file (GRP rules: `#` comments, repeats removed).
  static func geneList(_ path: String) throws -> [String] {
    let genes = try GRPReader.read(path: path).sets.first?.genes ?? []
    guard !genes.isEmpty else { throw OmicsError(file: path, "no genes (expected one gene per line)") }
    return genes
  }

  func run() throws {
    global.apply()
    try runReportingErrors {
      let query = try Self.geneList(genes)
      let background = try Self.geneList(universe)
      let sets = try GeneSetReader.read(path: geneSets)
      let (results, summary) = OverRepresentation.run(query: query, universe: background, sets: sets, minSize: minSize, maxSize: maxSize)
      guard summary.queryGenes > summary.queryOutsideUniverse else {
        throw OmicsError(file: genes, "none of the \(summary.queryGenes) genes is in the universe (\(universe)); do the identifiers match?")
      }
      guard summary.outsideSizeRange < summary.sets else {
        throw OmicsError(file: geneSets,
          "no gene set has between \(minSize) and \(maxSize) genes in the universe (\(summary.sets) sets); do the identifiers match the universe?")
      }
      var table = try TSVWriter(header: [
        "term", "description", "overlap", "set_size", "query_size", "universe_size", "expected", "fold_enrichment",
        "pvalue", "log10_pvalue", "padj", "genes",
      ])
      for r in results {
        try table.append([
          .string(r.term), .string(r.description ?? "na"), .int(r.overlap), .int(r.setSize), .int(r.querySize),
          .int(r.universeSize), .double(r.expected), .double(r.foldEnrichment), .double(r.pValue),
          .double(r.logPValue / Foundation.log(10.0)), .double(r.adjustedPValue), .string(r.genes.joined(separator: ";")),
        ])
      }
      try table.write(to: out)
      if !global.quiet {
        let significant = results.filter { $0.adjustedPValue < 0.05 }.count
        StandardError.write(
          "ora: \(summary.queryGenes) query genes (\(summary.queryOutsideUniverse) outside the universe of \(Set(background).count)); "
            + "\(summary.sets) sets: \(summary.tested) tested, \(summary.outsideSizeRange) outside \(minSize)–\(maxSize) genes, "
            + "\(summary.withoutOverlap) without overlap; \(significant) with padj < 0.05\nwrote \(out)\n")
      }
    }
  }
}
