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
      abstract: "Map gene sets (GMT/GMX/GRP/JSON), ranked lists (RNK) or h5ad matrices to another species.",
      discussion: """
        TABLE layouts, recognised from the header: HGNC HCOP 15-column (human_<species>_hcop_fifteen_column)
        and 16-column (human_all_hcop_sixteen_column, pick the species with --to/--from), MGI
        HOM_MouseHumanSequence.rpt, Ensembl BioMart exports (homology type, %id, confidence), NCBI
        gene_orthologs (GeneIDs), and the HCOP pair tables of ../shared/data/orthologs. HCOP, MGI and
        NCBI tables are read in either direction; species are names (human, mouse, rat, …) or taxon ids.

        A gene matches by any id the table gives its gene (Ensembl, NCBI GeneID, HGNC:/MGI: id), else
        by symbol (--case-insensitive also ignores case). Policies: one-to-one (default),
        one-to-one-high (BioMart high confidence, or ≥ 2 HCOP predictors), min-support K (every pair
        with ≥ K predictors; a gene may then map to several).

        By the INPUT extension:
          .gmt .gmx .grp .json  each set becomes the union of its genes' orthologs; OUTPUT is GMT, and
                                OUTPUT.counts.tsv holds per set: genes, mapped, dropped, ambiguous,
                                case-insensitive matches, spreadsheet-damaged symbols, output genes.
          .rnk                  each score goes to every target of its gene; a target reached from several
                                genes keeps the score of largest |value| (--rank-collapse max-abs, ties: the
                                higher-ranked input) or their mean (--rank-collapse mean); OUTPUT is .rnk.
          .h5ad                 var is re-indexed to the targets; the columns of genes that map to one target
                                are combined by --aggregate sum|mean|max (X and layers; varm, varp and raw
                                are dropped); var gets source_genes and n_sources; OUTPUT is .h5ad.
        Every run prints mapped, dropped, ambiguous and collapsed counts, and lists input symbols that
        look like spreadsheet-converted dates (1-MAR, 2-Sep, 2023-09-01, …): they match nothing until
        repaired (MARCHF1, SEPTIN2, …). Outputs are written under a temporary name and renamed.

        Examples:
          omics orthologs map --table ensembl_biomart_human_to_mouse.csv \\
            --from human --to mouse h.all.gmt h.mouse.gmt
          omics orthologs map --table human_mouse_hcop_fifteen_column.txt \\
            --from human --to mouse --policy min-support --min-support 3 \\
            c2.gmt c2.mouse.gmt
          omics orthologs map --table HOM_MouseHumanSequence.rpt \\
            --from mouse --to human de_mouse.rnk de_human.rnk
          omics orthologs map --table human_all_hcop_sixteen_column.txt \\
            --from mouse --to human --aggregate sum counts_mouse.h5ad counts_human.h5ad
        """)

    @Option(help: "Ortholog table (HCOP 15/16-column, MGI HOM_MouseHumanSequence.rpt, BioMart export, NCBI gene_orthologs, HCOP pairs).")
    var table: String
    @Option(help: "Species of the input genes (human, mouse, rat, … or a taxon id).")
    var from: String
    @Option(help: "Species to map to.")
    var to: String
    @Option(help: "one-to-one, one-to-one-high or min-support.")
    var policy: PolicyChoice = .oneToOne
    @Option(name: .customLong("min-support"), help: "Predictors required with --policy min-support.")
    var minSupport = 1
    @Flag(name: .customLong("case-insensitive"), help: "Match symbols ignoring case when the exact symbol is absent.")
    var caseInsensitive = false
    @Flag(name: .customLong("target-ids"), help: "Write target ids (Ensembl, else NCBI GeneID) instead of symbols.")
    var targetIDs = false
    @Option(name: .customLong("rank-collapse"), help: "RNK: several scores on one target: max-abs (largest |score|) or mean.")
    var rankCollapse: OrthologMapper.RankCollapse = .maxAbs
    @Option(help: "h5ad: combine the genes that map to one target by sum, mean or max.")
    var aggregate: OrthologMatrixMapping.Aggregation = .sum
    @Option(name: .customLong("gene-column"), help: "h5ad: var column holding the gene ids or symbols (default: the var index).")
    var geneColumn: String?
    @Argument(help: "Input: gene sets (.gmt/.gmx/.grp/.json), ranked list (.rnk) or matrix (.h5ad).")
    var input: String
    @Argument(help: "Output, of the same kind (.gmt for gene sets).")
    var output: String
    @OptionGroup var global: GlobalOptions

    enum PolicyChoice: String, ExpressibleByArgument, CaseIterable {
      case oneToOne = "one-to-one", oneToOneHigh = "one-to-one-high", minSupport = "min-support"
    }

    enum InputKind { case geneSets, rankedList, matrix }

    func validate() throws {
      guard minSupport >= 1 else { throw ValidationError("--min-support must be at least 1, got \(minSupport)") }
    }

    static func kind(of path: String) -> InputKind? {
      var name = path.lowercased()
      if name.hasSuffix(".gz") { name = String(name.dropLast(3)) }
      if name.hasSuffix(".h5ad") { return .matrix }
      if name.hasSuffix(".rnk") { return .rankedList }
      for ext in [".gmt", ".gmx", ".grp", ".json"] where name.hasSuffix(ext) { return .geneSets }
      return nil
    }

    func run() throws {
      global.apply()
      try runReportingErrors {
        guard let kind = Self.kind(of: input) else {
          throw OmicsError(file: input, "cannot tell the input kind from the name; expected .gmt, .gmx, .grp, .json, .rnk or .h5ad")
        }
        let wanted = kind == .matrix ? ".h5ad" : kind == .rankedList ? ".rnk" : ".gmt"
        guard output.lowercased().hasSuffix(wanted) else {
          throw OmicsError(file: output, "the output of a \(kind == .matrix ? "matrix" : kind == .rankedList ? "ranked list" : "gene-set file") is written as \(wanted)")
        }
        let orthologs = try OrthologTable.read(path: table, from: from, to: to)
        let chosen: OrthologMapper.Policy
        switch policy {
        case .oneToOne: chosen = .oneToOne
        case .oneToOneHigh: chosen = .oneToOneHighConfidence
        case .minSupport: chosen = .minimumSupport(minSupport)
        }
        let mapper = OrthologMapper(table: orthologs, policy: chosen, caseInsensitive: caseInsensitive, targetIDs: targetIDs)
        switch kind {
        case .geneSets: try mapGeneSets(mapper)
        case .rankedList: try mapRankedList(mapper)
        case .matrix: try mapMatrix(mapper)
        }
      }
    }

    func mapGeneSets(_ mapper: OrthologMapper) throws {
      let sets = try GeneSetReader.read(path: input)
      let (mapped, counts, damaged) = try mapper.mapWithDamage(sets)
      var report = try TSVWriter(header: [
        "set", "genes", "mapped", "dropped", "ambiguous", "case_insensitive", "spreadsheet_damaged", "output_genes",
      ])
      for (i, set) in sets.sets.enumerated() {
        let c = counts[i]
        try report.append([.string(set.name), .int(set.genes.count), .int(c.mapped), .int(c.dropped), .int(c.ambiguous),
          .int(c.caseInsensitiveMatches), .int(damaged[i].count), .int(mapped.sets[i].genes.count)])
      }
      try GMTWriter.write(mapped.sets, to: output)
      try report.write(to: output + ".counts.tsv")
      if !global.quiet {
        let total = counts.reduce(into: OrthologMapper.Counts()) {
          $0.mapped += $1.mapped; $0.dropped += $1.dropped; $0.ambiguous += $1.ambiguous
          $0.caseInsensitiveMatches += $1.caseInsensitiveMatches
        }
        let empty = mapped.sets.filter(\.isEmpty).count
        var text = "orthologs map: \(sets.count) sets, gene entries mapped \(total.mapped), dropped \(total.dropped), "
          + "ambiguous \(total.ambiguous), case-insensitive \(total.caseInsensitiveMatches); \(empty) sets left empty\n"
        let allDamaged = SpreadsheetDamage.damaged(in: damaged.joined())
        if !allDamaged.isEmpty {
          let shown = allDamaged.prefix(5).joined(separator: ", ") + (allDamaged.count > 5 ? ", …" : "")
          text += "warning: \(allDamaged.count) symbol\(allDamaged.count == 1 ? " looks" : "s look") like spreadsheet-converted dates (\(shown)) "
            + "in \(damaged.filter { !$0.isEmpty }.count) sets; they match no ortholog\n"
        }
        StandardError.write(text + "wrote \(output) and \(output).counts.tsv\n")
      }
    }

    func mapRankedList(_ mapper: OrthologMapper) throws {
      let list = try RNKReader.read(path: input)
      let (mapped, summary) = try mapper.map(list, collapse: rankCollapse)
      guard !mapped.genes.isEmpty else {
        throw OmicsError(file: input, "no gene of the ranked list has an ortholog under the policy (\(summary.dropped) dropped)")
      }
      var text = ""
      for (gene, score) in zip(mapped.genes, mapped.scores) { text += "\(gene)\t\(score)\n" }
      try AtomicFileWriter.write(Data(text.utf8), to: output)
      if !global.quiet {
        StandardError.write("orthologs map: ranked list of \(list.count) genes: \(summary.description)\nwrote \(output)\n")
      }
    }

    func mapMatrix(_ mapper: OrthologMapper) throws {
      let matrix = try H5ADReader.read(input, showProgress: !global.quiet)
      let genes: [String]
      if let geneColumn {
        guard let values = matrix.var.strings(geneColumn) else {
          let available = matrix.var.columns.keys.joined(separator: ", ")
          throw OmicsError(file: input, "var has no string column '\(geneColumn)' (columns: \(available.isEmpty ? "none" : available))")
        }
        genes = try values.enumerated().map { i, v in
          guard let v, !v.isEmpty else {
            throw OmicsError(file: input, location: "var row \(i + 1) ('\(matrix.var.index[i])')", "empty or missing value in var column '\(geneColumn)'")
          }
          return v
        }
      } else {
        genes = matrix.var.index
      }
      let (mapped, summary, dropped) = try OrthologMatrixMapping.map(matrix, genes: genes, mapper: mapper, aggregate: aggregate)
      guard mapped.nVars > 0 else {
        throw OmicsError(file: input, "no gene of the matrix has an ortholog under the policy (\(summary.dropped) dropped)")
      }
      try H5ADWriter.write(mapped, to: output)
      if !global.quiet {
        var text = "orthologs map: matrix \(matrix.nObs) × \(matrix.nVars) → \(mapped.nObs) × \(mapped.nVars) (\(aggregate.rawValue)): \(summary.description)\n"
        if !dropped.isEmpty { text += "dropped slots indexed by the old genes: \(dropped.joined(separator: ", "))\n" }
        StandardError.write(text + "wrote \(output)\n")
      }
    }
  }
}

extension OrthologMapper.RankCollapse: ExpressibleByArgument {}
extension OrthologMatrixMapping.Aggregation: ExpressibleByArgument {}
