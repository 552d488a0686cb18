import ArgumentParser

/// The `omics` command: reads, converts and inspects omics data files.
struct Omics: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "omics",
    abstract: "Read, convert and analyse single-cell and bulk omics data.",
    subcommands: [Inspect.self, Convert.self, Filter.self, Normalize.self, ClusterGenes.self, ClusterCells.self, PCACommand.self, HVG.self, Tokenize.self, Medians.self, Vocab.self, GSEA.self, XGSEACommand.self, Orthologs.self, ORA.self, Adapt.self, Encoder.self, DeepProfileCommand.self]
  )
}
