import ArgumentParser

/// `omics deepprofile`: VAE ensembles, node embeddings and gene attributions (DeepProfile).
struct DeepProfileCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "deepprofile",
    abstract: "Learn a DeepProfile representation (VAE ensemble → nodes) and transfer it to new samples.",
    discussion: """
      train: many small VAEs on a reduced expression compendium, their latent variables pooled by
      k-means into nodes, gene attributions by integrated gradients. embed: new samples encoded into
      the same nodes. Design and defaults: Docs/deepprofile.md.

      Examples:
        omics deepprofile train compendium.h5ad --out dp_model
        omics deepprofile embed dp_model tcga.h5ad --out tcga_nodes.h5ad
      """,
    subcommands: [DeepProfileTrain.self, DeepProfileEmbed.self])
}
