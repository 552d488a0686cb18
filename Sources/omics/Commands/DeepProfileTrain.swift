import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO
import OmicsTransfer

/// `omics deepprofile train INPUT --out DIR`.
struct DeepProfileTrain: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train a DeepProfile VAE ensemble and its node embedding.",
    discussion: """
      INPUT holds samples × genes (h5ad, GEO series matrix, TSV). Genes are z-scored over the
      samples (ddof 0); a constant gene or a NaN is an error (--missing zero turns NaN into 0 before
      z-scoring, as upstream's nan_to_num).
      Front end pca (default, deepprofile-study): exact PCA with --components N (default by sample
      count: 1000 above 1,000 samples, 500 for 500–1,000, 250 below; at most samples − 1).
      Front end clusters (the 2018 preprint as reviewed): genes with MAD below the mean MAD dropped,
      k-means over the z-scored genes (k = --components, n_init 10), VAE input = cluster centroids.
      For every latent size and run a VAE as deepprofile-study's VAE_3Layers_Model.py (hidden sizes
      (100,25) for 5, (250,50) for 10, (250,100) above; Dense → BatchNorm → ReLU ×2; Keras-Adam with
      ε 1e-7; run r seeded 123456·r + --seed); the runs are independent and spread over --threads.
      The latent variables (latent size outer, run inner) are clustered into --nodes nodes by
      k-means (n_init 10, seed 123); a node's value is the mean of its variables. Integrated
      gradients (zero baseline, 50 left-Riemann steps) of each latent mean, mapped to genes through
      the PCA components (or cluster membership), |·| averaged over samples and per node, give
      node_gene_weights.tsv. With --gene-sets, each node's top genes (default: as many as the mean
      set size) are tested against every set (one-sided Fisher = hypergeometric tail, universe = the
      training genes), BH across nodes per set → node_pathways.tsv.

      Writes DIR/embedding.h5ad (the input's obs; X and obsm X_deepprofile = samples × nodes),
      nodes.tsv, node_gene_weights.tsv, deepprofile.json + frontend.safetensors + runs/L{d}_run{r}/
      (model.safetensors + config.json) + ensemble_labels.txt (the model that embed reads),
      report.json (per-run loss and R², timings), training.svg, node_heatmap.svg. The folder
      appears only when everything is written.

      Examples:
        omics deepprofile train compendium.h5ad --out dp_model
        omics deepprofile train expression.tsv --out dp_small --latent 5,10 --runs 10 --nodes 20 --components 50
        omics deepprofile train series_matrix.txt --out dp_cl --front clusters --components 300
      """)

  @Argument(help: "Samples × genes (h5ad, GEO series matrix, TSV).")
  var input: String

  @Option(help: "Output folder (the model folder for embed).")
  var out: String

  @Option(help: "Front end: pca or clusters.")
  var front: DeepProfileFrontEndKind = .pca

  @Option(help: "PCA components or gene clusters (default by sample count for pca; 300 for clusters).")
  var components: Int?

  @Option(help: "Latent sizes, comma-separated.")
  var latent = "5,10,25,50,75,100"

  @Option(help: "Runs per latent size.")
  var runs = 100

  @Option(help: "Ensemble nodes (k-means over the latent variables).")
  var nodes = 150

  @Option(help: "Epochs per VAE.")
  var epochs = 50

  @Option(help: "Mini-batch size (the last partial batch is kept).")
  var batchSize = 50

  @Option(help: "Adam learning rate (Keras Adam, ε 1e-7).")
  var lr = 5e-4

  @Option(help: "KL weight β.")
  var beta = 1.0

  @Option(help: "KL warm-up: β += κ after each epoch while β ≤ 1 (upstream κ = 0).")
  var warmupKappa = 0.0

  @Option(help: "Seed offset: run r uses 123456·r + seed.")
  var seed: UInt64 = 0

  @Option(help: "Parallel VAE runs (each single-threaded); default: all cores.")
  var threads: Int?

  @Option(help: "NaN values: error (default) or zero (upstream's nan_to_num).")
  var missing: MissingValues = .error

  @Flag(inversion: .prefixedNo, help: "Integrated-gradient gene weights (node_gene_weights.tsv).")
  var attributions = true

  @Option(help: "Gene sets (GMT, GMX, GRP, MSigDB JSON): each node's top genes tested for enrichment → node_pathways.tsv.")
  var geneSets: String?

  @Option(help: "Top genes per node for --gene-sets (default: the mean set size within the training genes).")
  var topGenes: Int?

  @OptionGroup var global: GlobalOptions

  enum MissingValues: String, ExpressibleByArgument, CaseIterable { case error, zero }

  func validate() throws {
    let sizes = try Adapt.parseSizes(latent, "--latent")
    if sizes.isEmpty { throw ValidationError("--latent needs at least one size") }
    if runs < 1 { throw ValidationError("--runs must be at least 1") }
    if nodes < 1 { throw ValidationError("--nodes must be at least 1") }
    if epochs < 1 { throw ValidationError("--epochs must be at least 1") }
    if batchSize < 2 { throw ValidationError("--batch-size must be at least 2 (BatchNorm needs two rows)") }
    if !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number") }
    if !(beta >= 0 && beta.isFinite) || !(warmupKappa >= 0 && warmupKappa.isFinite) {
      throw ValidationError("--beta and --warmup-kappa must be non-negative numbers")
    }
    if let components, components < 1 { throw ValidationError("--components must be at least 1") }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    if geneSets != nil && !attributions { throw ValidationError("--gene-sets needs the attributions (drop --no-attributions)") }
    if let topGenes, topGenes < 1 { throw ValidationError("--top-genes must be at least 1") }
  }

  func run() throws {
    global.apply()
    try runReportingErrors {
      let started = Date()
      let sets = try geneSets.map { try GeneSetReader.read(path: $0) }
      let matrix = try MatrixFileReader.read(input, options: .init(showProgress: !global.quiet))
      var x = try DeepProfileInput.values(matrix, file: input)
      if missing == .zero { for i in x.indices where x[i].isNaN { x[i] = 0 } }
      var settings = DeepProfileSettings()
      settings.frontEnd = front
      settings.components = components ?? (front == .clusters ? min(300, matrix.nVars) : nil)
      settings.latents = try Adapt.parseSizes(latent, "--latent")
      settings.runs = runs
      settings.nodes = nodes
      settings.vae.epochs = epochs
      settings.vae.batchSize = batchSize
      settings.vae.learningRate = lr
      settings.vae.beta = beta
      settings.vae.warmupKappa = warmupKappa
      settings.seed = seed
      settings.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
      settings.attributions = attributions
      let total = settings.latents.count * runs
      let bar = ProgressBar("training \(total) VAEs", total: total)
      let result = try DeepProfile.train(x, samples: matrix.obs.index, genes: matrix.var.index, settings: settings, file: input) { done, _ in
        bar.update(done)
      }
      bar.finish()
      var provenance = DeepProfileOutputWriter.Provenance(input: input, seconds: Date().timeIntervalSince(started))
      if let sets, let weights = result.nodeGeneWeights {
        let (rows, n) = try NodePathways.test(weights: weights, nodes: nodes, genes: matrix.var.index, sets: sets, top: topGenes)
        provenance.extraFiles["node_pathways.tsv"] = try NodePathways.tsv(rows)
        provenance.extraReport["pathways"] = ["gene_sets": geneSets ?? "", "sets": sets.count, "top_genes": n,
                                              "significant_fdr_0.05": rows.filter { $0.fdr < 0.05 }.count] as [String: Any]
      }
      try DeepProfileOutputWriter.write(result, input: matrix, provenance: provenance, to: out)
      if !global.quiet {
        let finals = result.summaries.compactMap(\.losses.last)
        let r2 = result.summaries.map(\.meanR2).reduce(0, +) / Double(max(result.summaries.count, 1))
        StandardError.write(String(format: "wrote %@: %d samples × %d nodes from %d VAEs (mean final loss %.4g, mean R² %.3f); %.1f s\n",
                                   out, matrix.nObs, nodes, result.summaries.count,
                                   finals.reduce(0, +) / Double(max(finals.count, 1)), r2, Date().timeIntervalSince(started)))
      }
    }
  }
}

extension DeepProfileFrontEndKind: ExpressibleByArgument {}
