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
        let table = try ArrowStreamReader.readDatasetFolder(dataset)
        guard let idsIndex = table.schema.fields.firstIndex(where: { $0.name == "input_ids" }) else {
          throw OmicsError(file: dataset, location: "input_ids", "column missing: not a tokenized dataset")
        }
        guard case .list(let offsets, let child) = table.columns[idsIndex], let flat = child.integers else {
          throw OmicsError(file: dataset, location: "input_ids", "is not a list of integers")
        }
        let n = min(table.rowCount, maxCells ?? Int.max)
        let cells = (0..<n).map { i in flat[offsets[i]..<offsets[i + 1]].map { Int32(truncatingIfNeeded: $0) } }
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
        let bar = global.quiet ? nil : ProgressBar("Embedding cells", total: n)
        let result: CellEmbedder.Result
        do {
          result = try CellEmbedder(model: encoder, options: options).embed(cells, progress: bar)
        } catch let error as OmicsError { throw error.inFile(dataset) }
        bar?.finish()
        let rowNames: [String] = result.tokens.map { $0.map { geneNames[$0] ?? String($0) } } ?? (0..<n).map(String.init)
        var attributes: [(String, ArrowColumn)] = []
        for name in attr {
          guard let k = table.schema.fields.firstIndex(where: { $0.name == name }) else {
            throw OmicsError(file: dataset, location: name, "column missing (available: \(table.schema.fields.map(\.name).joined(separator: ", ")))")
          }
          attributes.append((name, table.columns[k]))
        }
        try write(result.values, rowNames: rowNames, attributes: attributes, count: n)
        if !global.quiet {
          StandardError.write("wrote \(out): \(result.values.shape[0]) \(mode == "gene" ? "genes" : "cells") × \(result.values.shape[1]) (\(mode), layer \(embLayer))\n")
        }
      }
    }

    private func write(_ values: Tensor<Float>, rowNames: [String], attributes: [(String, ArrowColumn)], count n: Int) throws {
      let (rows, h) = (values.shape[0], values.shape[1])
      let lower = out.lowercased()
      if lower.hasSuffix(".npy") {
        try NPYWriter.write(rows: rows, cols: h, values: values.scalars, to: out)
      } else if lower.hasSuffix(".csv") {
        var text = "," + (0..<h).map(String.init).joined(separator: ",")
        for (name, _) in attributes { text += "," + name }
        text += "\n"
        for r in 0..<rows {
          text += rowNames[r]
          for j in 0..<h { text += ",\(values.scalars[r * h + j])" }
          for (_, column) in attributes { text += "," + Self.cell(column, r) }
          text += "\n"
        }
        try AtomicFileWriter.write(Data(text.utf8), to: out)
      } else {
        var obs = DataFrame(index: rowNames)
        for (name, column) in attributes { obs.columns[name] = try Self.element(column, count: n, name: name) }
        var matrix = ExpressionMatrix(obs: obs, var: DataFrame(index: []))
        matrix.obsm["X_geneformer"] = .array(DenseArray(shape: [rows, h], values: .float32(values.scalars)))
        try H5ADWriter.write(matrix, to: out)
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
