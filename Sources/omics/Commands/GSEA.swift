import ArgumentParser
import Foundation
import OmicsCore
import OmicsEnrichment
import OmicsIO

/// `omics gsea`: gene set enrichment analysis.
struct GSEA: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gsea",
    abstract: "Gene set enrichment analysis (preranked as fgsea computes it; phenotype permutation as Broad/GSEApy).",
    subcommands: [Prerank.self, Phenotype.self])

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

extension GSEA {
  /// `omics gsea phenotype`.
  struct Phenotype: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "GSEA with phenotype (label) permutation on an expression matrix.",
      discussion: """
        Ranks the genes of an expression matrix (samples × genes: h5ad, or any matrix format omics
        reads whose obs holds the phenotype, e.g. a GEO series matrix) by a metric of the phenotype in
        obs column --labels (or in a Broad .cls file, --cls: categorical, the first class named in the
        file positive, or #numeric with --cls-phenotype), and computes ES and leading edges as preranked GSEA does. The null comes
        from --permutations shuffles of the labels; each recomputes the metric and re-ranks the genes,
        so gene-gene correlation is kept. NES, nominal p, FDR q and FWER are Broad GSEA's (GSEApy's
        gsea(permutation_type="phenotype")); fgsea's (1+k)/(1+n) p and BH padj from the same null too.

        Metrics: signal_to_noise (default for labels): (μA − μB)/(σA + σB) with σ the sample sd floored
        at 0.2·|μ| (0.2 when both are 0); abs_signal_to_noise: its absolute value; t_test:
        (μA − μB)/√(σA²/nA + σB²/nB); diff_of_classes: μA − μB; ratio_of_classes: μA/μB and
        log2_ratio_of_classes: log2(μA/μB), both for non-negative values only (class means below 1e-8
        count as 1e-8); pearson (default for a numeric column): correlation with the phenotype. Class A, the positive one, is the first of
        --classes A,B (other samples are left out), else the label of the first sample. Genes constant
        within both classes (or constant, for pearson) are dropped before ranking.

        Writes OUT/gsea_phenotype.tsv (fgsea columns plus nominalP FDR FWER, or GSEApy's with --format
        gseapy), OUT/ranking.rnk (the observed metric) and SVG enrichment plots of the --plots most
        significant sets under OUT/plots/. Nothing is written when the input is bad. A seed gives the
        same results for any --threads.

        Examples:
          omics gsea phenotype --expr tumors.h5ad --labels subtype --classes basal,luminal --gene-sets h.all.gmt --out gsea/
          omics gsea phenotype --expr GSE1000_series_matrix.txt.gz --labels "disease state" --gene-sets c2.gmt --out gsea/ --metric t_test
          omics gsea phenotype --expr mouse.h5ad --labels stage --metric pearson --gene-sets sets.gmt --out gsea/
          omics gsea phenotype --expr leukemia.h5ad --cls leukemia.cls --gene-sets h.all.gmt --out gsea/
        """)

    @OptionGroup var phenotypeInput: PhenotypeInput





    @Option(name: .customLong("gene-sets"), help: "Gene sets (.gmt, .gmx, .grp or MSigDB .json).")
    var geneSets: String

    @Option(help: "Output folder (created if needed).")
    var out: String

    @Option(help: "Phenotype permutations for the null.")
    var permutations = 1000


    @Option(name: .customLong("min-size"), help: "Smallest set size tested (genes present in the matrix).")
    var minSize = 15

    @Option(name: .customLong("max-size"), help: "Largest set size tested.")
    var maxSize = 500

    @Option(help: "Weight p of the metric in the running sum (|metric|^p; 0 = classic KS).")
    var weight = 1.0

    @Option(help: "Random seed.")
    var seed: UInt64 = 42

    @Option(help: "Worker threads (default: all cores).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Result columns: fgsea (plus nominalP FDR FWER) or gseapy.")
    var format: PrerankReportWriter.Format = .fgsea

    @Option(help: "Write SVG enrichment plots for this many of the most significant sets.")
    var plots = 20

    @OptionGroup var global: GlobalOptions

    func validate() throws {
      guard permutations >= 1 else { throw ValidationError("--permutations must be at least 1, got \(permutations)") }
      guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
      guard minSize >= 1, maxSize >= minSize else {
        throw ValidationError("--min-size and --max-size must satisfy 1 ≤ min ≤ max, got \(minSize) and \(maxSize)")
      }
      guard weight >= 0, weight.isFinite else { throw ValidationError("--weight must be a finite number ≥ 0, got \(weight)") }
      guard plots >= 0 else { throw ValidationError("--plots must be ≥ 0, got \(plots)") }
    }

    func run() throws {
      global.apply()
      try runReportingErrors {
        let started = Date()
        let matrix = try MatrixFileReader.read(phenotypeInput.expr, options: .init(showProgress: !global.quiet))
        let phenotype = try phenotypeInput.resolve(matrix: matrix)
        let expression: PhenotypeGSEA.Expression
        do { expression = try PhenotypeGSEA.Expression(matrix: matrix, samples: phenotype.samples) } catch let error as OmicsError {
          throw error.inFile(phenotypeInput.expr)
        }
        let sets = try GeneSetReader.read(path: geneSets)
        var options = PhenotypeGSEA.Options()
        options.minSize = minSize
        options.maxSize = maxSize
        options.weight = weight
        options.permutations = permutations
        options.seed = seed
        options.threads = threads
        let result = try PhenotypeGSEA.run(expression: expression, phenotype: phenotype, sets: sets, options: options)
        let report = result.prerank
        // Everything is rendered before the output folder is touched.
        let table = try PrerankReportWriter.table(report, format: format)
        var rnk = ""
        for (gene, score) in zip(report.input.genes, report.input.scores) { rnk += "\(gene)\t\(score)\n" }
        let top = report.results.filter { !($0.broad?.nominalP ?? .nan).isNaN }
          .sorted {
            ($0.broad!.fdr, $0.broad!.nominalP, -Swift.abs($0.broad!.nes), $0.pathway)
              < ($1.broad!.fdr, $1.broad!.nominalP, -Swift.abs($1.broad!.nes), $1.pathway)
          }.prefix(plots)
        let svgs = top.map { (EnrichmentPlot.fileName(for: $0.pathway), EnrichmentPlot.svg(for: $0, report: report)) }

        let fm = FileManager.default
        var isDir: ObjCBool = false
        let existed = fm.fileExists(atPath: out, isDirectory: &isDir)
        if existed && !isDir.boolValue { throw OmicsError(file: out, "exists and is not a folder") }
        // A new folder is assembled under a temporary name and renamed, so a failure leaves none.
        let target = existed ? out : AtomicFileWriter.temporaryPath(for: out)
        do {
          try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
          try table.write(to: (target as NSString).appendingPathComponent("gsea_phenotype.tsv"))
          try AtomicFileWriter.write(Data(rnk.utf8), to: (target as NSString).appendingPathComponent("ranking.rnk"))
          if !svgs.isEmpty {
            let plotDir = (target as NSString).appendingPathComponent("plots")
            try fm.createDirectory(atPath: plotDir, withIntermediateDirectories: true)
            for (name, svg) in svgs { try AtomicFileWriter.write(Data(svg.utf8), to: (plotDir as NSString).appendingPathComponent(name)) }
          }
          if !existed { try fm.moveItem(atPath: target, toPath: out) }
        } catch {
          if !existed { try? fm.removeItem(atPath: target) }
          throw error
        }
        if !global.quiet {
          let input = report.input
          var what = ""
          switch phenotype.kind {
          case .classes(let pos, let neg, let isPositive):
            let nPos = isPositive.filter { $0 }.count
            what = "\(pos) (\(nPos), positive) vs \(neg) (\(isPositive.count - nPos))"
          case .numeric(let v): what = "numeric, \(v.count) samples"
          }
          let significant = report.results.filter { ($0.broad?.fdr ?? 1) < 0.25 }.count
          StandardError.write(
            "gsea phenotype: \(phenotypeInput.source): \(what); metric \(phenotype.metric.rawValue); \(input.geneCount) genes ranked"
              + (result.droppedGenes.isEmpty ? "" : " (\(result.droppedGenes.count) constant within the classes dropped)")
              + "; \(sets.count) sets: \(input.pathways.count) tested, \(input.sizeFilteredSets) outside \(minSize)–\(maxSize) genes, "
              + "\(input.unmatchedSets) with no gene in the matrix; \(permutations) permutations; \(significant) with FDR q < 0.25; "
              + String(format: "%.2f s", Date().timeIntervalSince(started)) + "\n"
              + phenotype.notes.map { "note: \($0)\n" }.joined()
              + "wrote \((out as NSString).appendingPathComponent("gsea_phenotype.tsv")), ranking.rnk"
              + (svgs.isEmpty ? "" : " and \(svgs.count) plots in \((out as NSString).appendingPathComponent("plots"))") + "\n")
        }
      }
    }
  }
}

extension PhenotypeLabels.Metric: ExpressibleByArgument {}
extension PrerankGSEA.Statistics: ExpressibleByArgument {}
extension PrerankReportWriter.Format: ExpressibleByArgument {}
extension RNKReader.DuplicateGenePolicy: ExpressibleByArgument {}
extension RNKReader.NonFiniteScorePolicy: ExpressibleByArgument {}
