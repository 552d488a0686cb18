import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO
import OmicsNN
import OmicsPreprocessing
import OmicsTransfer

extension Encoder {
  /// `omics encoder perturb`: in-silico deletion or overexpression (Geneformer's InSilicoPerturber).
  struct Perturb: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "In-silico perturbation: embedding shift when genes are deleted or overexpressed.",
      discussion: """
        As Geneformer's InSilicoPerturber, on CPU with cells in parallel: delete removes
        the genes from the cell's ranked list; overexpress moves them to the front (after
        <cls>), inserting listed genes the cell lacks, and truncates to the model's length
        keeping <eos>. The effect is the cosine similarity between the cell's embedding
        before and after (--emb-mode cell: the mean of the genes that were not perturbed,
        each in its own context; cls: the <cls> vector), taken from --emb-layer (-1:
        second-to-last layer, 0: last). With --goal-state COL=VALUE the goal embedding is
        the mean cell embedding of the dataset's cells with that value, and the shift
        cos(perturbed, goal) - cos(original, goal) is reported too.

        --genes lists token ids or, with --token-dictionary, gene ids (perturbed
        together); the TSV has one row per cell (cell, perturbed, cos_sim[, goal_shift];
        with delete, cells that have none of the genes are reported with perturbed =
        0 and empty values). --genes all perturbs each gene of each cell on its own and
        writes one row per gene: gene, token, cells, mean_cos_sim[, mean_goal_shift].

        Examples:
          omics encoder perturb Geneformer-V2-104M cells.dataset --genes ENSG00000141510 \\
            --token-dictionary token_dictionary_gc104M.pkl --mode delete --out tp53_delete.tsv
          omics encoder perturb gf-6L cells.dataset --genes all --mode delete --model-version V1 \\
            --goal-state disease=healthy --out per_gene.tsv
        """)

    @Argument(help: "Model folder.")
    var model: String

    @Argument(help: "Tokenized dataset folder.")
    var dataset: String

    @Option(help: "Comma-separated token ids or gene ids, or 'all'.")
    var genes: String

    @Option(help: "delete or overexpress.")
    var mode: String = "delete"

    @Option(help: "Output TSV.")
    var out: String

    @Option(help: "-1 (second-to-last layer) or 0 (last layer).")
    var embLayer: Int = -1

    @Option(help: "cell (mean of unperturbed genes) or cls.")
    var embMode: String = "cell"

    @Option(help: "COL=VALUE: report the shift toward the mean embedding of these cells.")
    var goalState: String?

    @Option(help: "Token dictionary (.pkl or TSV) to name genes and detect <cls>/<eos>.")
    var tokenDictionary: String?

    @Option(help: "V1 (no <cls>/<eos>) or V2. Default: V2, or what --token-dictionary says.")
    var modelVersion: String?

    @Option(help: "Perturbed copies per forward pass.")
    var batchSize: Int = 16

    @Option(help: "Use only the first N cells.")
    var maxCells: Int?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
      guard InSilicoPerturber.Kind(rawValue: mode) != nil else { throw ValidationError("--mode must be delete or overexpress") }
      guard InSilicoPerturber.EmbeddingMode(rawValue: embMode) != nil else { throw ValidationError("--emb-mode must be cell or cls") }
      guard embLayer == -1 || embLayer == 0 else { throw ValidationError("--emb-layer must be -1 or 0") }
      guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
      if let goalState, !goalState.contains("=") { throw ValidationError("--goal-state must be COL=VALUE") }
      if let modelVersion, modelVersion != "V1" && modelVersion != "V2" { throw ValidationError("--model-version must be V1 or V2") }
    }

    func run() throws {
      global.apply()
      try runReportingErrors {
        let encoder = try BertEncoder.load(directory: model)
        let corpus = try TokenizedCorpus.read(dataset, maxCells: maxCells)
        try corpus.validate(vocabulary: encoder.config.vocabSize, maxLength: encoder.config.maxPositions)
        var options = InSilicoPerturber.Options()
        options.kind = InSilicoPerturber.Kind(rawValue: mode)!
        options.mode = InSilicoPerturber.EmbeddingMode(rawValue: embMode)!
        options.embLayer = embLayer
        options.batchSize = batchSize
        var names: [Int32: String] = [:], ids: [String: Int32] = [:]
        if let tokenDictionary {
          let dict = try GeneDictionaryFile.tokens(tokenDictionary)
          options.hasCLS = dict.tokens["<cls>"] != nil
          options.hasEOS = dict.tokens["<eos>"] != nil
          ids = dict.tokens
          for (name, id) in dict.tokens { names[id] = name }
        } else {
          options.hasCLS = modelVersion != "V1"
          options.hasEOS = modelVersion != "V1"
        }
        if options.mode == .cls, let first = corpus.cells.first, !options.hasCLS || first.first != 2 {
          throw OmicsError(file: dataset, "--emb-mode cls needs a <cls> token (id 2) at the start of every cell (V2 tokenization)")
        }
        let perturber = try InSilicoPerturber(model: encoder, options: options)
        let goal = try goalEmbedding(encoder, corpus: corpus, options: options)
        let bar = global.quiet ? nil : ProgressBar("Perturbing cells", total: corpus.cells.count)
        var text: String
        let goalColumn = goal == nil ? "" : "\tgoal_shift"
        if genes == "all" {
          let effects = try perturber.perturbEachGene(corpus.cells, goal: goal, progress: bar)
          text = "gene\ttoken\tcells\tmean_cos_sim" + (goal == nil ? "" : "\tmean_goal_shift") + "\n"
          for e in effects {
            text += "\(names[e.token] ?? String(e.token))\t\(e.token)\t\(e.cells)\t\(e.meanCosineSimilarity)"
            text += e.meanGoalShift.map { "\t\($0)" } ?? ""
            text += "\n"
          }
        } else {
          let tokens = try genes.split(separator: ",").map { raw -> Int32 in
            let name = raw.trimmingCharacters(in: .whitespaces)
            if let id = ids[name] { return id }
            guard let id = Int32(name), id >= 0, Int(id) < encoder.config.vocabSize else {
              throw OmicsError(location: "--genes", "'\(name)' is neither a token id of the model nor a gene of the token dictionary")
            }
            return id
          }
          let effects = try perturber.perturbCells(corpus.cells, genes: tokens, goal: goal, progress: bar)
          text = "cell\tperturbed\tcos_sim" + goalColumn + "\n"
          for (i, e) in effects.enumerated() {
            let present = Set(corpus.cells[i]).intersection(tokens).count
            if let e {
              text += "\(i)\t\(options.kind == .delete ? present : tokens.count)\t\(e.cosineSimilarity)"
              text += e.goalShift.map { "\t\($0)" } ?? ""
            } else {
              text += "\(i)\t0\t" + (goal == nil ? "" : "\t")
            }
            text += "\n"
          }
        }
        bar?.finish()
        try AtomicFileWriter.write(Data(text.utf8), to: out)
        if !global.quiet { StandardError.write("wrote \(out): \(corpus.cells.count) cells, \(mode) of \(genes == "all" ? "each gene" : genes)\n") }
      }
    }

    /// Mean cell embedding of the cells in the goal state, or nil without --goal-state.
    func goalEmbedding(_ encoder: BertEncoder, corpus: TokenizedCorpus, options: InSilicoPerturber.Options) throws -> [Float]? {
      guard let goalState else { return nil }
      let parts = goalState.split(separator: "=", maxSplits: 1).map(String.init)
      let values = try corpus.labels(parts[0])
      let members = values.indices.filter { values[$0] == parts[1] }
      guard !members.isEmpty else {
        throw OmicsError(file: dataset, location: parts[0], "no cell has the value '\(parts[1])' (--goal-state)")
      }
      var embed = CellEmbedder.Options()
      embed.mode = options.mode == .cls ? .cls : .cell
      embed.embLayer = options.embLayer
      embed.hasCLS = options.hasCLS
      embed.hasEOS = options.hasEOS
      let result = try CellEmbedder(model: encoder, options: embed).embed(members.map { corpus.cells[$0] })
      let h = result.values.columns
      var mean = [Float](repeating: 0, count: h)
      for r in 0..<members.count { for j in 0..<h { mean[j] += result.values.scalars[r * h + j] } }
      return mean.map { $0 / Float(members.count) }
    }
  }
}
