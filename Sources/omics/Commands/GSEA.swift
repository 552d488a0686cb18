import ArgumentParser
import Foundation
import OmicsCore
import OmicsEnrichment
import OmicsIO

/// `omics gsea`: gene set enrichment analysis.
struct GSEA: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gsea",
    abstract: "Gene set enrichment analysis (preranked, as fgsea computes it).",
    subcommands: [Prerank.self])

  /// `omics gsea prerank`.
  struct Prerank: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Preranked GSEA with gene permutations, multilevel p-values and leading edges.",
      discussion: """
        Enrichment scores, leading edges, NES and p-values are computed as fgsea's fgseaMultilevel
        computes them: ES by the O(k) walk over the hits (ties in the ranked list keep file order),
        NES against the mean null ES of the same sign, p = (1+k)/(1+n) from --permutations gene
        permutations, multilevel splitting for p-values too small for the permutations, BH padj.
        --stats broad adds Broad GSEA's nominal p, FDR q and FWER from the same null.

        Writes OUT/gsea_prerank.tsv (fgsea columns, or GSEApy's with --format gseapy) and one SVG
        enrichment plot per set for the --plots most significant sets under OUT/plots/. Files are
        written under temporary names and renamed when complete. A seed gives the same results for
        any --threads.

        Examples:
          omics gsea prerank --ranks naive.vs.th1.rnk --gene-sets mouse.reactome.gmt --out gsea/
          omics gsea prerank --ranks de.rnk --gene-sets h.all.gmt --out gsea/ --permutations 10000 --seed 1
          omics gsea prerank --ranks de.rnk --gene-sets c2.gmt --out gsea/ --stats broad --format gseapy
        """)

    @Option(help: "Ranked list (.rnk: gene<TAB>score; header optional).")
    var ranks: String

    @Option(name: .customLong("gene-sets"), help: "Gene sets (.gmt, .gmx, .grp or MSigDB .json).")
    var geneSets: String

    @Option(help: "Output folder (created if needed).")
    var out: String

    @Option(help: "Gene permutations for the null.")
    var permutations = 1000

    @Option(name: .customLong("min-size"), help: "Smallest set size tested (genes present in the ranking).")
    var minSize = 15

    @Option(name: .customLong("max-size"), help: "Largest set size tested.")
    var maxSize = 500

    @Option(help: "Weight p of the scores in the running sum (|score|^p; 0 = classic KS).")
    var weight = 1.0

    @Option(help: "Random seed.")
    var seed: UInt64 = 42

    @Option(help: "Worker threads (default: all cores).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "P-value statistics: fgsea or broad (adds nominal p, FDR q, FWER).")
    var stats: PrerankGSEA.Statistics = .fgsea

    @Option(help: "Result columns: fgsea or gseapy.")
    var format: PrerankReportWriter.Format = .fgsea

    @Option(help: "Write SVG enrichment plots for this many of the most significant sets.")
    var plots = 20

    @Option(help: "Smallest p-value estimated by multilevel splitting (fgsea eps; 0 turns multilevel off).")
    var eps = 1e-50

    @Option(name: .customLong("duplicate-genes"), help: "Genes repeated in the ranked list: error, keepFirst or keepHighest.")
    var duplicateGenes: RNKReader.DuplicateGenePolicy = .error

    @Option(name: .customLong("non-finite"), help: "NA, NaN or infinite scores: error or skip.")
    var nonFinite: RNKReader.NonFiniteScorePolicy = .error

    @OptionGroup var global: GlobalOptions

    func validate() throws {
      guard permutations >= 1 else { throw ValidationError("--permutations must be at least 1, got \(permutations)") }
      guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
      guard minSize >= 1, maxSize >= minSize else {
        throw ValidationError("--min-size and --max-size must satisfy 1 ≤ min ≤ max, got \(minSize) and \(maxSize)")
      }
      guard weight >= 0, weight.isFinite else { throw ValidationError("--weight must be a finite number ≥ 0, got \(weight)") }
      guard plots >= 0 else { throw ValidationError("--plots must be ≥ 0, got \(plots)") }
      guard eps >= 0, eps <= 1 else { throw ValidationError("--eps must lie in 0...1, got \(eps)") }
    }

    func run() throws {
      global.apply()
      try runReportingErrors {
        let ranking = try RNKReader.read(path: ranks, options: .init(duplicateGenes: duplicateGenes, nonFiniteScores: nonFinite))
        let sets = try GeneSetReader.read(path: geneSets)
        var options = PrerankGSEA.Options()
        options.minSize = minSize
        options.maxSize = maxSize
        options.weight = weight
        options.permutations = permutations
        options.seed = seed
        options.threads = threads
        options.statistics = stats
        options.eps = eps
        let started = Date()
        let report = try PrerankGSEA.run(ranking: ranking, sets: sets, options: options)
        let table = try PrerankReportWriter.table(report, format: format)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let tablePath = (out as NSString).appendingPathComponent("gsea_prerank.tsv")
        try table.write(to: tablePath)
        let top = report.results.filter { !$0.pval.isNaN }
          .sorted { ($0.pval, -Swift.abs($0.nes)) < ($1.pval, -Swift.abs($1.nes)) }.prefix(plots)
        if !top.isEmpty {
          let plotDir = (out as NSString).appendingPathComponent("plots")
          try FileManager.default.createDirectory(atPath: plotDir, withIntermediateDirectories: true)
          for result in top {
            let svg = EnrichmentPlot.svg(for: result, report: report)
            try AtomicFileWriter.write(Data(svg.utf8), to: (plotDir as NSString).appendingPathComponent(EnrichmentPlot.fileName(for: result.pathway)))
          }
        }
        if !global.quiet {
          let input = report.input
          let notes = ranking.notes.count + sets.notes.count
          let significant = report.results.filter { $0.padj < 0.05 }.count
          StandardError.write(
            "gsea prerank: \(input.geneCount) ranked genes, \(sets.count) sets: \(input.pathways.count) tested, "
              + "\(input.sizeFilteredSets) outside \(minSize)–\(maxSize) genes, \(input.unmatchedSets) with no ranked gene; "
              + "\(permutations) permutations, \(report.multilevelSets) sets by multilevel splitting"
              + (report.unbalancedSets > 0 ? ", \(report.unbalancedSets) unbalanced (p = NA)" : "")
              + "; \(significant) with padj < 0.05; \(notes) reader notes; "
              + String(format: "%.2f s", Date().timeIntervalSince(started)) + "\n"
              + "wrote \(tablePath)" + (top.isEmpty ? "" : " and \(top.count) plots in \((out as NSString).appendingPathComponent("plots"))") + "\n")
        }
      }
    }
  }
}

extension PrerankGSEA.Statistics: ExpressibleByArgument {}
extension PrerankReportWriter.Format: ExpressibleByArgument {}
extension RNKReader.DuplicateGenePolicy: ExpressibleByArgument {}
extension RNKReader.NonFiniteScorePolicy: ExpressibleByArgument {}
