import ArgumentParser
import Foundation
import OmicsCore
import OmicsIO
import OmicsNN
import OmicsPreprocessing

/// `omics encoder`: Geneformer-style BERT models from Hugging Face checkpoints.
struct Encoder: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Geneformer-style BERT encoders: embeddings, pretraining, fine-tuning, in-silico perturbation.",
    subcommands: [Embed.self, Pretrain.self, Finetune.self, Predict.self, Perturb.self])
}

extension Encoder {
  /// `omics encoder embed`: EmbExtractor's embeddings for every cell, in dataset order, on CPU.
  struct Embed: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Cell, <cls> or gene embeddings of a tokenized dataset, as Geneformer's EmbExtractor defines them.",
      discussion: """
        MODEL is a folder with config.json and model.safetensors (BertForMaskedLM,
        BertModel or BertForSequenceClassification, as transformers saves them).
        DATASET is a Hugging Face datasets folder as `omics tokenize` (or
        Geneformer's tokenizer) writes it, with an input_ids column. Unlike
        Geneformer's EmbExtractor (GPU only, a random 1,000-cell subset by default,
        rows sorted by length), every cell is embedded, on CPU, and rows stay in
        dataset order.

        Definitions (EmbExtractor): --emb-layer -1 is the second-to-last layer's
        output, 0 the last. cell = mean over the cell's gene positions (<cls> and
        <eos> excluded for V2 vocabularies); cls = the hidden state at position 0
        (V2 only); gene = for each token, the mean over cells of its vector
        (specials included).

        Output by extension: .h5ad (obs = the --attr columns, obsm['X_geneformer'];
        gene mode: obs index = gene ids), .csv (Geneformer's layout: an unnamed
        index column, 0…H−1, then the attributes), .npy (float32 matrix).

        Examples:
          omics encoder embed Geneformer-V2-104M cells.dataset --out emb.h5ad --attr cell_type
          omics encoder embed gf-6L model_V1.dataset --out emb.csv --model-version V1 --emb-layer 0
          omics encoder embed Geneformer-V2-104M cells.dataset --out genes.csv --mode gene \\
            --token-dictionary token_dictionary_gc104M.pkl
        """)

    @Argument(help: "Model folder (config.json + model.safetensors).")
    var model: String

    @Argument(help: "Tokenized dataset folder (Hugging Face datasets layout).")
    var dataset: String

    @Option(help: "Output file: .h5ad, .csv or .npy.")
    var out: String

    @Option(help: "cell, cls or gene.")
    var mode: String = "cell"

    @Option(help: "-1 (second-to-last layer, Geneformer's default) or 0 (last layer).")
    var embLayer: Int = -1

    @Option(help: "Cells per forward pass.")
    var batchSize: Int = 32

    @Option(help: "Embed only the first N cells.")
    var maxCells: Int?

    @Option(help: "Dataset column to carry into the output (repeatable).")
    var attr: [String] = []

    @Option(help: "V1 (no <cls>/<eos>) or V2 (with them); decides the cell mean. Default: V2, or what --token-dictionary says.")
    var modelVersion: String?

    @Option(help: "Token dictionary (.pkl or TSV) to name genes in gene mode and detect <cls>/<eos>.")
    var tokenDictionary: String?

    @Option(help: "Threads for the matrix products (default: all cores).")
    var threads: Int?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
      guard CellEmbedder.Mode(rawValue: mode) != nil else { throw ValidationError("--mode must be cell, cls or gene, got '\(mode)'") }
      guard embLayer == -1 || embLayer == 0 else { throw ValidationError("--emb-layer must be -1 or 0, got \(embLayer)") }
      guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
      if let maxCells, maxCells < 1 { throw ValidationError("--max-cells must be at least 1") }
      if let modelVersion, modelVersion != "V1" && modelVersion != "V2" { throw ValidationError("--model-version must be V1 or V2") }
      let lower = out.lowercased()
      guard lower.hasSuffix(".h5ad") || lower.hasSuffix(".csv") || lower.hasSuffix(".npy") else {
        throw ValidationError("--out must end in .h5ad, .csv or .npy, got '\(out)'")
      }
      if mode == "gene" && !attr.isEmpty { throw ValidationError("--attr applies to cell and cls embeddings") }
    }

    func run() throws {
      global.apply()
      try runReportingErrors {
        if let threads { BLASThreads.set(threads) }
        let encoder = try BertEncoder.load(directory: model)
        var options = CellEmbedder.Options()
        options.mode = CellEmbedder.Mode(rawValue: mode) ?? .cell
        options.embLayer = embLayer
        options.batchSize = batchSize
        var geneNames: [Int: String] = [:]
        if let tokenDictionary {
          let dict = try GeneDictionaryFile.tokens(tokenDictionary)
          options.hasCLS = dict.tokens["<cls>"] != nil
          options.hasEOS = dict.tokens["<eos>"] != nil
          for (name, id) in dict.tokens { geneNames[Int(id)] = name }
        } else {
          options.hasCLS = modelVersion != "V1"
          options.hasEOS = modelVersion != "V1"
        }
        let embedder = CellEmbedder(model: encoder, options: options)
        let h = encoder.config.hiddenSize
        let sink = try EmbeddingSink(path: out, columns: h, attributes: attr, streaming: options.mode != .gene)
        defer { sink.abandonIfUnfinished() }
        var genes = EmbeddingPooling.GeneAccumulator(features: h)
        let limit = maxCells ?? Int.max
        var done = 0
        var pending: [[Int32]] = [], pendingAttributes: [ArrowColumn] = []
        let bar = global.quiet ? nil : ProgressBar("Embedding cells", total: 1000)
        func flush() throws {
          guard !pending.isEmpty else { return }
          let rows: Tensor<Float>
          do { rows = try embedder.embedChunk(pending, genes: &genes) } catch let error as OmicsError { throw error.inFile(dataset) }
          if options.mode != .gene { try sink.append(rows.scalars[...], attributes: pendingAttributes) }
          done += pending.count
          pending = []
          pendingAttributes = []
        }
        let files = try ArrowStreamReader.datasetFiles(dataset)
        let sizes = files.map { ((try? FileManager.default.attributesOfItem(atPath: $0)[.size]) as? Int) ?? 1 }
        let totalBytes = max(1, sizes.reduce(0, +))
        var before = 0
        for (f, file) in files.enumerated() where done + pending.count < limit {
          try ArrowStreamReader.forEachBatch(path: file, bytesRead: { bar?.update(1000 * (before + $0) / totalBytes) }) {
            schema, columns, count in
            guard done + pending.count < limit else { return }
            guard let idsIndex = schema.fields.firstIndex(where: { $0.name == "input_ids" }) else {
              throw OmicsError(file: dataset, location: "input_ids", "column missing: not a tokenized dataset")
            }
            guard case .list(let offsets, let child) = columns[idsIndex], let flat = child.integers else {
              throw OmicsError(file: dataset, location: "input_ids", "is not a list of integers")
            }
            let take = min(count, limit - done - pending.count)
            var attributes: [ArrowColumn] = []
            for name in attr {
              guard let k = schema.fields.firstIndex(where: { $0.name == name }) else {
                throw OmicsError(file: dataset, location: name, "column missing (available: \(schema.fields.map(\.name).joined(separator: ", ")))")
              }
              attributes.append(take < count ? Self.prefix(columns[k], take) : columns[k])
            }
            for i in 0..<take { pending.append(flat[offsets[i]..<offsets[i + 1]].map { Int32(truncatingIfNeeded: $0) }) }
            pendingAttributes = pendingAttributes.isEmpty ? attributes : zip(pendingAttributes, attributes).map { ArrowStreamReader.append($0, $1) }
            if pending.count >= 2048 { try flush() }
          }
          before += sizes[f]
        }
        try flush()
        bar?.finish()
        guard done > 0 else { throw OmicsError(file: dataset, "the dataset has no cells") }
        if options.mode == .gene {
          let (tokens, means) = genes.means()
          try sink.writeWhole(means, rowNames: tokens.map { geneNames[$0] ?? String($0) })
        } else {
          try sink.finish()
        }
        if !global.quiet {
          let rows = options.mode == .gene ? "\(genes.tokens.count) genes" : "\(done) cells"
          StandardError.write("wrote \(out): \(rows) × \(h) (\(mode), layer \(embLayer))\n")
        }
      }
    }

    /// The first `n` rows of a column.
    static func prefix(_ column: ArrowColumn, _ n: Int) -> ArrowColumn {
      switch column {
      case .bool(let a): return .bool(Array(a.prefix(n)))
      case .int8(let a): return .int8(Array(a.prefix(n)))
      case .int16(let a): return .int16(Array(a.prefix(n)))
      case .int32(let a): return .int32(Array(a.prefix(n)))
      case .int64(let a): return .int64(Array(a.prefix(n)))
      case .float32(let a): return .float32(Array(a.prefix(n)))
      case .float64(let a): return .float64(Array(a.prefix(n)))
      case .utf8(let a): return .utf8(Array(a.prefix(n)))
      case .list(let offsets, let child): return .list(offsets: Array(offsets.prefix(n + 1)), child: child)
      }
    }

    /// One value of a dataset column as CSV text.
    static func cell(_ column: ArrowColumn, _ r: Int) -> String {
      switch column {
      case .utf8(let a): return csvQuoted(a[r] ?? "")
      case .bool(let a): return a[r] ? "True" : "False"
      case .float32(let a): return "\(a[r])"
      case .float64(let a): return "\(a[r])"
      default: return column.integers.map { String($0[r]) } ?? ""
      }
    }

    static func csvQuoted(_ s: String) -> String {
      s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// A dataset column as an obs column.
    static func element(_ column: ArrowColumn, count n: Int, name: String) throws -> Element {
      switch column {
      case .utf8(let a): return .stringArray(StringArray(Array(a.prefix(n).map { $0 ?? "" })))
      case .bool(let a): return .array(DenseArray(shape: [n], values: .bool(Array(a.prefix(n)))))
      case .float32(let a): return .array(DenseArray(shape: [n], values: .float32(Array(a.prefix(n)))))
      case .float64(let a): return .array(DenseArray(shape: [n], values: .float64(Array(a.prefix(n)))))
      default:
        guard let ints = column.integers else { throw OmicsError(location: name, "a list column cannot be an obs column") }
        return .array(DenseArray(shape: [n], values: .int64(Array(ints.prefix(n)))))
      }
    }
  }
}
