import ArgumentParser
import Foundation
import OmicsCore
import OmicsPreprocessing

/// `omics vocab`: a Geneformer token dictionary for a corpus or another species.
struct Vocab: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Build a Geneformer token dictionary: special tokens first, then genes in id order.",
    discussion: """
      Genes come from median sketches (genes with at least --min-count non-zero values), from
      median or token dictionaries (.pkl or TSV keys), or from h5ad/loom files (var['ensembl_id']).
      V2 specials: <pad>=0 <mask>=1 <cls>=2 <eos>=3; V1: <pad>=0 <mask>=1. The output is a .pkl
      Geneformer loads (token_dictionary_file=...) or a key<TAB>token_id TSV.

      Examples:
        omics vocab corpus.sketch --out token_dictionary.pkl --min-count 100
        omics vocab mouse_medians.tsv --out mouse_tokens.tsv --model-version V1
      """)

  @Argument(help: "Sketches, dictionaries or matrix files.")
  var inputs: [String]

  @Option(help: "Output .pkl or .tsv file.")
  var out: String

  @Option(name: .customLong("model-version"), help: "Special tokens of V1 or V2.")
  var modelVersion: String = "V2"

  @Option(name: .customLong("min-count"), help: "For sketches: only genes with at least this many non-zero values.")
  var minCount: Int = 1

  @Option(name: .customLong("gene-id-column"), help: "For matrix files: var column with the gene ids.")
  var geneIDColumn: String = "ensembl_id"

  @Flag(name: .customLong("use-var-index"), help: "For matrix files: take the gene ids from the var index.")
  var useVarIndex = false

  @OptionGroup var global: GlobalOptions

  func validate() throws {
    guard GeneformerVersion(rawValue: modelVersion.uppercased()) != nil else {
      throw ValidationError("--model-version must be V1 or V2, got '\(modelVersion)'")
    }
  }

  func run() throws {
    global.apply()
    try runReportingErrors {
      let version = GeneformerVersion(rawValue: modelVersion.uppercased()) ?? .v2
      var genes: [String] = []
      for input in inputs {
        genes += try TokenVocabulary.genes(from: input, minimumCount: minCount, geneIDColumn: useVarIndex ? nil : geneIDColumn)
      }
      let entries = TokenVocabulary.build(genes: genes, version: version)
      try TokenVocabulary.write(entries, to: out)
      if !global.quiet {
        StandardError.write("wrote \(out): \(entries.count) tokens (\(TokenVocabulary.specials(version).count) special, \(entries.count - TokenVocabulary.specials(version).count) genes)\n")
      }
    }
  }
}
