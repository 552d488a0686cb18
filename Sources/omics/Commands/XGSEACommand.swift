import ArgumentParser
import Foundation
import OmicsCore
import OmicsEnrichment
import OmicsIO

/// `omics xgsea`: cross-species gene set enrichment (XGSEA, Cai et al. 2021).
struct XGSEACommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "xgsea",
    abstract: "Cross-species gene set enrichment: target-species set p-values from source-species expression (XGSEA).",
    discussion: """
      Predicts how significant gene sets of a TARGET species (--gene-sets, e.g.
      human pathways) are under a phenotype measured in a SOURCE species (--expr,
      e.g. mouse samples), through an ortholog table, by the three steps of XGSEA
      (Cai, Nguyen, Mamitsuka & Li 2021, Brief Bioinform 22:bbaa406):

        1. Source GSEA: each target set becomes the set of the source orthologs
           of its genes (the pairs --policy keeps; default all, the original
           rule), tested on the source expression with phenotype permutation
           exactly as `omics gsea phenotype` does.
        2. Domain adaptation: sets of both species are described by their gene
           membership and linked by a set-similarity graph (shared genes within
           a species, shared orthologs across). A --dim-dimensional projection
           with orthonormal columns (Stiefel manifold) minimises the MMD between
           the two species' embedded sets plus --lambda times the graph term.
        3. Regression on the embedding, fitted on the tested source sets and
           applied to every target set: D = OLS of logit p (p = sigmoid of the
           prediction); E = OLS of the observed and every permutation ES, p from
           the predicted null; Epm = E with separate fits for positive and
           negative source ES, each target using the nearer group centroid.
           Read D for calls: E and Epm rank well but are anti-conservative.

      Target sets need --target-min-size genes; they are predicted even when few
      of their genes have orthologs in the matrix (sourceSize says how many).
      The phenotype options are those of `omics gsea phenotype` (--labels or
      --cls [--cls-phenotype], --classes, --metric).

      Writes OUT/xgsea.tsv (pathway size sourceSize sourceES sourcePval pval_D
      padj_D ES_E pval_E padj_E ES_Epm pval_Epm padj_Epm; BH per variant; in
      gene-set file order), OUT/source_gsea.tsv (the source GSEA: fgsea columns
      plus nominalP FDR FWER) and OUT/embedding.tsv (set, species, z1..zd).
      Nothing is written when the input is bad. A seed gives the same results
      for any --threads.

      Examples:
        omics xgsea --expr mouse_stages.h5ad --labels stage \\
          --gene-sets human_go.gmt --orthologs HOM_MouseHumanSequence.rpt \\
          --source-species mouse --target-species human --out xgsea/
        omics xgsea --expr mouse.h5ad --cls condition.cls \\
          --gene-sets h.all.gmt --orthologs human_mouse_hcop_fifteen_column.txt \\
          --source-species mouse --target-species human --policy one-to-one \\
          --permutations 2000 --out xgsea/
      """)

  @OptionGroup var phenotypeInput: PhenotypeInput






  @Option(name: .customLong("gene-sets"), help: "Target-species gene sets (.gmt, .gmx, .grp or MSigDB .json).")
  var geneSets: String

  @Option(help: "Ortholog table (HCOP 15/16-column, MGI HOM_MouseHumanSequence.rpt, BioMart export, NCBI gene_orthologs, HCOP pairs).")
  var orthologs: String

  @Option(name: .customLong("source-species"), help: "Species of the expression matrix (human, mouse, rat, … or a taxon id).")
  var sourceSpecies: String

  @Option(name: .customLong("target-species"), help: "Species of the gene sets.")
  var targetSpecies: String

  @Option(help: "Ortholog pairs used: all (default, XGSEA's rule), one-to-one, one-to-one-high or min-support.")
  var policy: PolicyChoice = .all

  @Option(name: .customLong("min-support"), help: "Predictors required with --policy min-support.")
  var minSupport = 2

  @Flag(name: .customLong("case-insensitive"), help: "Match gene-set symbols to the table ignoring case when the exact symbol is absent.")
  var caseInsensitive = false

  @Flag(name: .customLong("source-ids"), help: "The matrix's genes are stable ids (Ensembl, else NCBI GeneID), not symbols.")
  var sourceIDs = false

  @Option(help: "Output folder (created if needed).")
  var out: String

  @Option(help: "Phenotype permutations of the source GSEA.")
  var permutations = 1000

  @Option(name: .customLong("min-size"), help: "Smallest source set tested (orthologs present in the matrix).")
  var minSize = 15

  @Option(name: .customLong("max-size"), help: "Largest source set tested.")
  var maxSize = 500

  @Option(name: .customLong("target-min-size"), help: "Smallest target set predicted (its own genes).")
  var targetMinSize = 2

  @Option(help: "Weight p of the metric in the running sum (|metric|^p; 0 = classic KS).")
  var weight = 1.0

  @Option(help: "Embedding dimension.")
  var dim = 5

  @Option(help: "Weight λ of the graph term against the MMD.")
  var lambda = 0.01

  @Option(help: "Most descent iterations on the Stiefel manifold (0: keep the start).")
  var iterations = 200

  @Option(help: "Stop when the objective decreases by less than this fraction in one iteration.")
  var tolerance = 1e-6

  @Option(help: "Random seed.")
  var seed: UInt64 = 42

  @Option(help: "Worker threads (default: all cores).")
  var threads = ProcessInfo.processInfo.activeProcessorCount

  @OptionGroup var global: GlobalOptions

  enum PolicyChoice: String, ExpressibleByArgument, CaseIterable {
    case all, oneToOne = "one-to-one", oneToOneHigh = "one-to-one-high", minSupport = "min-support"
  }

  func validate() throws {
    guard permutations >= 1 else { throw ValidationError("--permutations must be at least 1, got \(permutations)") }
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    guard minSize >= 1, maxSize >= minSize else {
      throw ValidationError("--min-size and --max-size must satisfy 1 ≤ min ≤ max, got \(minSize) and \(maxSize)")
    }
    guard targetMinSize >= 1 else { throw ValidationError("--target-min-size must be at least 1, got \(targetMinSize)") }
    guard weight >= 0, weight.isFinite else { throw ValidationError("--weight must be a finite number ≥ 0, got \(weight)") }
    guard dim >= 1 else { throw ValidationError("--dim must be at least 1, got \(dim)") }
    guard lambda >= 0, lambda.isFinite else { throw ValidationError("--lambda must be a finite number ≥ 0, got \(lambda)") }
    guard iterations >= 0 else { throw ValidationError("--iterations must be ≥ 0, got \(iterations)") }
    guard tolerance >= 0, tolerance.isFinite else { throw ValidationError("--tolerance must be a finite number ≥ 0, got \(tolerance)") }
    guard minSupport >= 1 else { throw ValidationError("--min-support must be at least 1, got \(minSupport)") }
  }

  func run() throws {
    global.apply()
    try runReportingErrors {
      let started = Date()
      for (option, species) in [("--source-species", sourceSpecies), ("--target-species", targetSpecies)]
      where OrthologSpecies.taxon(species) == nil {
        throw OmicsError("\(option): unknown species '\(species)' (use a taxon id or one of: \(OrthologSpecies.knownNames.joined(separator: ", ")))")
      }
      guard !OrthologSpecies.same(sourceSpecies, targetSpecies) else {
        throw OmicsError("--source-species and --target-species name the same species (\(sourceSpecies)); use omics gsea phenotype")
      }
      // Gene-set genes are looked up as the table's "source" side: read it from target to source.
      let table = try OrthologTable.read(path: orthologs, from: targetSpecies, to: sourceSpecies)
      let chosen: OrthologMapper.Policy
      switch policy {
      case .all: chosen = .minimumSupport(1)
      case .oneToOne: chosen = .oneToOne
      case .oneToOneHigh: chosen = .oneToOneHighConfidence
      case .minSupport: chosen = .minimumSupport(minSupport)
      }
      let mapper = OrthologMapper(table: table, policy: chosen, caseInsensitive: caseInsensitive, targetIDs: sourceIDs)
      let sets = try GeneSetReader.read(path: geneSets)
      let matrix = try MatrixFileReader.read(phenotypeInput.expr, options: .init(showProgress: !global.quiet))
      let phenotype = try phenotypeInput.resolve(matrix: matrix)
      let expression: PhenotypeGSEA.Expression
      do { expression = try PhenotypeGSEA.Expression(matrix: matrix, samples: phenotype.samples) } catch let error as OmicsError {
        throw error.inFile(phenotypeInput.expr)
      }
      var options = XGSEA.Options()
      options.gsea.minSize = minSize
      options.gsea.maxSize = maxSize
      options.gsea.weight = weight
      options.gsea.permutations = permutations
      options.gsea.seed = seed
      options.gsea.threads = threads
      options.dimension = dim
      options.lambda = lambda
      options.maxIterations = iterations
      options.tolerance = tolerance
      options.targetMinSize = targetMinSize
      let report = try XGSEA.run(expression: expression, phenotype: phenotype, targetSets: sets, orthologs: mapper, options: options)

      // Everything is rendered before the output folder is touched.
      let files = [
        (name: "xgsea.tsv", contents: try XGSEAReportWriter.results(report).encoded()),
        (name: "source_gsea.tsv", contents: try PrerankReportWriter.table(report.source.prerank, format: .fgsea).encoded()),
        (name: "embedding.tsv", contents: try XGSEAReportWriter.embedding(report).encoded()),
      ]
      try OutputFolder.write(files, to: out)
      if !global.quiet {
        let input = report.source.prerank.input
        let significant = report.results.filter { $0.padjD < 0.05 }.count
        StandardError.write(
          "xgsea: \(sets.count) \(targetSpecies) sets: \(report.results.count) predicted"
            + (report.skippedTargetSets > 0 ? ", \(report.skippedTargetSets) with fewer than \(targetMinSize) genes skipped" : "")
            + "; gene entries with an ortholog \(report.mappedEntries), without \(report.unmappedEntries); "
            + "source GSEA (\(sourceSpecies), metric \(phenotype.metric.rawValue)): \(input.geneCount) genes ranked, "
            + "\(input.pathways.count) sets tested, \(permutations) permutations; embedding: dim \(dim), "
            + String(format: "σ %.4g, objective %.4g → %.4g in %d iterations (%@)", report.sigma,
              report.initialMMD + report.initialGraph, report.finalMMD + report.finalGraph, report.iterations, report.stopReason)
            + (report.epmFellBack ? "; Epm = E (a sign group had too few source sets)" : "")
            + "; \(significant) sets with padj_D < 0.05; " + String(format: "%.2f s", Date().timeIntervalSince(started)) + "\n"
            + phenotype.notes.map { "note: \($0)\n" }.joined()
            + "wrote \((out as NSString).appendingPathComponent("xgsea.tsv")), source_gsea.tsv, embedding.tsv\n")
      }
    }
  }
}
