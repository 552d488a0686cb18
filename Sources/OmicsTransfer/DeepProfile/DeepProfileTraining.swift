import Foundation
import OmicsCore
import OmicsNN

/// Settings of `omics deepprofile train` (defaults: deepprofile-study, background §1).
public struct DeepProfileSettings: Sendable {
  public var frontEnd: DeepProfileFrontEndKind = .pca
  /// VAE inputs D; nil = by sample count (`DeepProfileFrontEnd.defaultComponents`).
  public var components: Int?
  public var latents = [5, 10, 25, 50, 75, 100]
  public var runs = 100
  public var nodes = 150
  public var vae = VAETrainingSettings()
  /// Run r of every latent size uses seed `123456·r + seed` (upstream: 123456·r).
  public var seed: UInt64 = 0
  /// k-means seed of the ensemble (and of the clusters front end); upstream random_state = 123.
  public var kmeansSeed: UInt64 = 123
  public var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
  /// Integrated-gradient gene weights (node_gene_weights.tsv).
  public var attributions = true
  public var attributionSteps = 50
  public init() {}
}

/// The trained ensemble: everything `embed` needs.
public struct DeepProfileModel {
  public var frontEnd: DeepProfileFrontEnd
  /// VAEs in pooling order.
  public var runs: [DeepProfileVAE<Float>]
  public var runOrder: [(latent: Int, run: Int)]
  public var seeds: [UInt64]
  /// Node of each latent variable, in pooling order.
  public var labels: [Int]
  public var nodes: Int

  /// Node embedding (samples × nodes) of VAE inputs (samples × D).
  public func embed(inputs: [Double], samples n: Int) throws -> (nodes: [Double], pooled: [Double]) {
    let x = Tensor<Float>(shape: [n, frontEnd.components], scalars: inputs.map(Float.init))
    var embeddings = [[Double]](repeating: [], count: runs.count)
    let models = runs
    let out = Locked(embeddings)
    try IndependentRuns.forEach(runs.count, workers: ProcessInfo.processInfo.activeProcessorCount) { i in
      let mu = try models[i].embed(x).scalars.map(Double.init)
      out.update { $0[i] = mu }
    }
    embeddings = out.current
    let pooled = DeepProfileEnsemble.pool(embeddings, latents: runOrder.map(\.latent), samples: n)
    return (DeepProfileEnsemble.nodeEmbedding(pooled, samples: n, labels: labels, nodes: nodes), pooled)
  }
}

/// Per-run figures for report.json and training.svg.
public struct DeepProfileRunSummary: Sendable {
  public var latent: Int
  public var run: Int
  public var seed: UInt64
  public var hidden: [Int]
  public var losses: [Double]
  public var reconstructionMSE: Double
  public var meanR2: Double
  public var seconds: Double
}

/// What `train` produces.
public struct DeepProfileResult {
  public var model: DeepProfileModel
  public var summaries: [DeepProfileRunSummary]
  /// Samples × nodes.
  public var nodeEmbedding: [Double]
  /// Nodes × genes (nil without attributions).
  public var nodeGeneWeights: [Double]?
  public var variables: [LatentVariable]
  public var madThreshold: Double?
  public var genesKept: Int?
  public var settings: DeepProfileSettings
  public var timings: [String: Double]
}

/// `omics deepprofile train` and `embed` as library calls (design: Docs/deepprofile.md).
public enum DeepProfile {
  /// Trains the ensemble on `x` (samples × genes, finite; z-scored here). `progress` is called with
  /// the number of VAEs finished (from worker threads, serialised).
  public static func train(_ x: [Double], samples: [String], genes: [String], settings: DeepProfileSettings, file: String,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> DeepProfileResult {
    var timings: [String: Double] = [:]
    var clock = Date()
    func lap(_ name: String) { timings[name] = Date().timeIntervalSince(clock); clock = Date() }
    let n = samples.count, g = genes.count
    guard n >= settings.vae.batchSize else {
      throw OmicsError(file: file, "\(n) samples are fewer than one batch (--batch-size \(settings.vae.batchSize))")
    }
    guard !settings.latents.isEmpty, settings.latents.allSatisfy({ $0 >= 1 }), settings.runs >= 1 else {
      throw OmicsError(location: "deepprofile", "--latent sizes must be positive and --runs at least 1")
    }
    var z = x
    try GeneStandardization.standardizeTraining(&z, samples: samples, genes: genes, file: file)
    let components = settings.components ?? DeepProfileFrontEnd.defaultComponents(samples: n, genes: g)
    var frontEnd: DeepProfileFrontEnd
    var madThreshold: Double?, kept: Int?
    switch settings.frontEnd {
    case .pca:
      frontEnd = try DeepProfileFrontEnd.fitPCA(z, samples: samples, genes: genes, components: components)
    case .clusters:
      let fit = try DeepProfileFrontEnd.fitClusters(raw: x, z: z, samples: samples, genes: genes, components: components,
                                                    seed: settings.kmeansSeed)
      (frontEnd, madThreshold, kept) = (fit.0, fit.madThreshold, fit.kept)
    }
    let inputs = frontEnd.transform(z, samples: n)
    lap("front_end")

    // Train every VAE (independent; spread over the cores).
    let order = DeepProfileEnsemble.runOrder(latents: settings.latents, runs: settings.runs)
    let xt = Tensor<Float>(shape: [n, frontEnd.components], scalars: inputs.map(Float.init))
    let trained = Locked([VAERun<Float>?](repeating: nil, count: order.count))
    let done = Locked(0)
    let vae = settings.vae, baseSeed = settings.seed
    try IndependentRuns.forEach(order.count, workers: settings.threads) { i in
      let (d, r) = order[i]
      let run = try VAETraining.train(xt, latent: d, run: r, seed: 123456 &* UInt64(r) &+ baseSeed, settings: vae)
      trained.update { $0[i] = run }
      done.update { count in
        count += 1
        progress?(count, order.count)
      }
    }
    let runs = trained.current.map { $0! }
    lap("training")

    // Pool and cluster the latent variables.
    let pooled = DeepProfileEnsemble.pool(runs.map { $0.embedding.scalars.map(Double.init) }, latents: order.map(\.latent), samples: n)
    let v = settings.latents.reduce(0, +) * settings.runs
    let labels = try DeepProfileEnsemble.cluster(pooled, samples: n, variables: v, nodes: settings.nodes, seed: settings.kmeansSeed)
    let nodeEmbedding = DeepProfileEnsemble.nodeEmbedding(pooled, samples: n, labels: labels, nodes: settings.nodes)
    lap("ensemble")

    // Integrated gradients → gene weights per variable, averaged per node.
    var nodeGeneWeights: [Double]?
    if settings.attributions {
      let mapping = frontEnd.geneMapping.map(Float.init)
      let offsets = order.indices.map { i in order[..<i].reduce(0) { $0 + $1.latent } }
      // Runs finish in any order; their weights are added in pooling order (a fixed sum order
      // keeps the result independent of the thread count), holding only out-of-order ones.
      let merge = Locked(OrderedMerge(sums: [Double](repeating: 0, count: settings.nodes * g)))
      let steps = settings.attributionSteps
      try IndependentRuns.forEach(runs.count, workers: settings.threads) { i in
        let model = runs[i].model
        let block = max(1, min(64, (1 << 22) / max(1, model.latent * g)))
        let w = try LatentIntegratedGradients.geneWeights(model, xt, mapping: mapping, genes: g, steps: steps, block: block)
        merge.update { m in
          m.pending[i] = w
          while let next = m.pending.removeValue(forKey: m.next) {
            for unit in 0..<order[m.next].latent {
              let node = labels[offsets[m.next] + unit]
              for j in 0..<g { m.sums[node * g + j] += next[unit * g + j] }
            }
            m.next += 1
          }
        }
      }
      var sizes = [Double](repeating: 0, count: settings.nodes)
      for l in labels { sizes[l] += 1 }
      var out = merge.current.sums
      for c in 0..<settings.nodes { for j in 0..<g { out[c * g + j] /= max(sizes[c], 1) } }
      nodeGeneWeights = out
      lap("attributions")
    }

    let model = DeepProfileModel(frontEnd: frontEnd, runs: runs.map(\.model), runOrder: order, seeds: runs.map(\.seed),
                                 labels: labels, nodes: settings.nodes)
    let summaries = runs.map { r in
      DeepProfileRunSummary(latent: r.latent, run: r.run, seed: r.seed, hidden: [r.model.hidden1, r.model.hidden2],
                            losses: r.losses, reconstructionMSE: r.reconstructionMSE, meanR2: r.meanR2, seconds: r.seconds)
    }
    return DeepProfileResult(model: model, summaries: summaries, nodeEmbedding: nodeEmbedding, nodeGeneWeights: nodeGeneWeights,
                             variables: DeepProfileEnsemble.variables(latents: settings.latents, runs: settings.runs),
                             madThreshold: madThreshold, genesKept: kept, settings: settings, timings: timings)
  }

  /// Encodes new samples (the transfer step, upstream `Preprocess_TCGA_Rnaseq_Expression.py` +
  /// `Create_DeepProfile_TCGA_Embeddings.py`): training genes only (a gene the new data lacks, and
  /// each missing value, is filled with the gene's mean over the new samples, then 0), z-scored
  /// within the new data, the training front end, every encoder, the same pooling.
  public static func embed(_ x: [Double], samples: [String], genes: [String], model: DeepProfileModel, file: String) throws
    -> (nodes: [Double], genesFound: Int)
  {
    let n = samples.count
    guard n >= 1 else { throw OmicsError(file: file, "no samples to embed") }
    if let i = x.firstIndex(where: { $0.isInfinite }) {
      throw OmicsError(file: file, location: "X", "infinite value at sample '\(samples[i / max(genes.count, 1)])', gene '\(genes[i % max(genes.count, 1)])'")
    }
    let training = model.frontEnd.genes
    var position: [String: Int] = [:]
    for (j, gene) in genes.enumerated() where position[gene] == nil { position[gene] = j }
    let g = training.count, gNew = genes.count
    var aligned = [Double](repeating: 0, count: n * g)
    var found = 0
    for (t, gene) in training.enumerated() {
      guard let j = position[gene] else { continue }
      found += 1
      var sum = 0.0, count = 0
      for i in 0..<n { let v = x[i * gNew + j]; if !v.isNaN { sum += v; count += 1 } }
      let fill = count > 0 ? sum / Double(count) : 0
      for i in 0..<n { let v = x[i * gNew + j]; aligned[i * g + t] = v.isNaN ? fill : v }
    }
    guard found > 0 else {
      throw OmicsError(file: file, "none of the model's \(g) training genes is in the new data (gene names must match)")
    }
    GeneStandardization.standardizeNew(&aligned, samples: n, genes: g)
    let inputs = model.frontEnd.transform(aligned, samples: n)
    return (try model.embed(inputs: inputs, samples: n).nodes, found)
  }
}

/// Per-run results added in run order (see `DeepProfile.train`).
struct OrderedMerge {
  var sums: [Double]
  var next = 0
  var pending: [Int: [Double]] = [:]
}
