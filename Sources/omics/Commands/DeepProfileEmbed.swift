import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO
import OmicsTransfer

/// `omics deepprofile embed MODEL_DIR NEW --out F`: the transfer step.
struct DeepProfileEmbed: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "embed",
    abstract: "Encode new samples into a trained DeepProfile ensemble's nodes.",
    discussion: """
      MODEL_DIR is a folder written by `omics deepprofile train`. NEW holds samples × genes (h5ad,
      GEO series matrix, TSV). Only the training genes are used: a training gene NEW lacks, and any
      missing value, is filled with the gene's mean over the new samples, then 0; genes are z-scored
      within NEW (ddof 0; constant → 0), the training PCA (or clusters) applied, every encoder run
      (μ in inference mode) and the latent variables averaged with the training node labels.
      Writes F: .h5ad (NEW's obs; X and obsm X_deepprofile = samples × nodes) or a TSV (sample,
      node_0, …) for any other extension.

      Examples:
        omics deepprofile embed dp_model tcga.h5ad --out tcga_nodes.h5ad
        omics deepprofile embed dp_model patient.tsv --out patient_nodes.tsv
      """)

  @Argument(help: "Model folder written by `omics deepprofile train`.")
  var modelDir: String

  @Argument(help: "New samples × genes (h5ad, GEO series matrix, TSV).")
  var new: String

  @Option(help: "Output file (.h5ad, or TSV).")
  var out: String

  @OptionGroup var global: GlobalOptions

  func run() throws {
    global.apply()
    try runReportingErrors {
      let started = Date()
      let model = try DeepProfileModelStore.read(modelDir)
      let matrix = try MatrixFileReader.read(new, options: .init(showProgress: !global.quiet))
      let x = try DeepProfileInput.values(matrix, file: new)
      let (nodes, found) = try DeepProfile.embed(x, samples: matrix.obs.index, genes: matrix.var.index, model: model, file: new)
      if out.lowercased().hasSuffix(".h5ad") {
        try DeepProfileOutputWriter.writeEmbedding(nodes, nodes: model.nodes, input: matrix, to: out)
      } else {
        let k = model.nodes
        let rows: [[TSVCell]] = matrix.obs.index.enumerated().map { (i, s) in
          [.string(s)] + (0..<k).map { .double(nodes[i * k + $0]) }
        }
        try TSVWriter.write(header: ["sample"] + (0..<k).map { "node_\($0)" }, rows: rows, to: out)
      }
      if !global.quiet {
        StandardError.write(String(format: "wrote %@: %d samples × %d nodes; %d of %d training genes found; %.1f s\n",
                                   out, matrix.nObs, model.nodes, found, model.frontEnd.genes.count,
                                   Date().timeIntervalSince(started)))
      }
    }
  }
}
