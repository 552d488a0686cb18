import ArgumentParser
import Foundation
import OmicsCore
import OmicsEnrichment
import OmicsIO

/// `omics orthologs`: carry genes across species.
struct Orthologs: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Map genes to another species through an ortholog table.",
    subcommands: [Map.self])

  /// `omics orthologs map`.
  struct Map: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Map gene sets (GMT/GMX/GRP/JSON) to another species; writes GMT.",
      discussion: """
        The table is an Ensembl BioMart export or an HCOP pair table (see ../shared/data/orthologs).
        A gene matches by stable id when it is one, else by symbol (--case-insensitive also
        ignores case). Policies: one-to-one (default), one-to-one-high (BioMart high confidence, or
        ≥ 2 HCOP predictors), min-support K (every pair with ≥ K predictors; a gene may map to
        several). Each set becomes the union of its genes' orthologs. Prints mapped, dropped and
        ambiguous counts, and writes them per set to OUTPUT.counts.tsv.

        Examples:
          omics orthologs map --table ensembl_biomart_human_to_mouse.csv --from human --to mouse h.all.gmt h.mouse.gmt
          omics orthologs map --table hcop_human_to_mouse.csv --from human --to mouse --policy min-support --min-support 3 c2.gmt c2.mouse.gmt
        """)

    @Option(help: "Ortholog table (BioMart export or HCOP pairs, CSV or TSV).")
    var table: String
    @Option(help: "Species of the input genes (as in the table, e.g. human).")
    var from: String
    @Option(help: "Species to map to (e.g. mouse).")
    var to: String
    @Option(help: "one-to-one, one-to-one-high or min-support.")
    var policy: PolicyChoice = .oneToOne
    @Option(name: .customLong("min-support"), help: "Predictors required with --policy min-support.")
    var minSupport = 1
    @Flag(name: .customLong("case-insensitive"), help: "Match symbols ignoring case when the exact symbol is absent.")
    var caseInsensitive = false
    @Flag(name: .customLong("target-ids"), help: "Write target stable ids instead of symbols.")
    var targetIDs = false
    @Argument(help: "Input gene sets.")
    var input: String
    @Argument(help: "Output .gmt.")
    var output: String
    @OptionGroup var global: GlobalOptions

    enum PolicyChoice: String, ExpressibleByArgument, CaseIterable {
      case oneToOne = "one-to-one", oneToOneHigh = "one-to-one-high", minSupport = "min-support"
    }

    func validate() throws {
      guard minSupport >= 1 else { throw ValidationError("--min-support must be at least 1, got \(minSupport)") }
    }

    func run() throws {
      global.apply()
      try runReportingErrors {
        let orthologs = try OrthologTable.read(path: table, from: from, to: to)
        let sets = try GeneSetReader.read(path: input)
        let chosen: OrthologMapper.Policy
        switch policy {
        case .oneToOne: chosen = .oneToOne
        case .oneToOneHigh: chosen = .oneToOneHighConfidence
        case .minSupport: chosen = .minimumSupport(minSupport)
        }
        let mapper = OrthologMapper(table: orthologs, policy: chosen, caseInsensitive: caseInsensitive, targetIDs: targetIDs)
        let (mapped, counts) = try mapper.map(sets)
        var report = try TSVWriter(header: ["set", "genes", "mapped", "dropped", "ambiguous", "case_insensitive", "output_genes"])
        for (set, (c, out)) in zip(sets.sets, zip(counts, mapped.sets)) {
          try report.append([.string(set.name), .int(set.genes.count), .int(c.mapped), .int(c.dropped), .int(c.ambiguous),
            .int(c.caseInsensitiveMatches), .int(out.genes.count)])
        }
        try GMTWriter.write(mapped.sets, to: output)
        try report.write(to: output + ".counts.tsv")
        if !global.quiet {
          let total = counts.reduce(into: OrthologMapper.Counts()) {
            $0.mapped += $1.mapped; $0.dropped += $1.dropped; $0.ambiguous += $1.ambiguous
            $0.caseInsensitiveMatches += $1.caseInsensitiveMatches
          }
          let empty = mapped.sets.filter(\.isEmpty).count
          StandardError.write(
            "orthologs map: \(sets.count) sets, gene entries mapped \(total.mapped), dropped \(total.dropped), "
              + "ambiguous \(total.ambiguous), case-insensitive \(total.caseInsensitiveMatches); \(empty) sets left empty\n"
              + "wrote \(output) and \(output).counts.tsv\n")
        }
      }
    }
  }
}
