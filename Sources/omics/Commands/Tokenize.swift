import ArgumentParser
import Foundation
import OmicsCore
import OmicsPreprocessing

/// `omics tokenize`: Geneformer rank-value encoding into a Hugging Face datasets folder.
struct Tokenize: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Tokenize cells for Geneformer (rank value encoding) into a Hugging Face datasets folder.",
    discussion: """
      Exactly Geneformer's TranscriptomeTokenizer: gene ids from var['ensembl_id'] are upper-cased
      and mapped through the mapping dictionary (counts of ids mapping to one gene are summed),
      cells with obs['filter_pass'] != 1 are skipped, each expressed gene gets
      count / n_counts × 10,000 / median, genes are ranked by that value (ties: input column order)
      and their tokens kept: V1 the top 2,048 (input_ids int16), V2 <cls> + top 4,094 + <eos>
      (input_ids int32). Cells with no tokenizable gene are dropped and counted.

      The output folder (data-0000K-of-0000N.arrow, dataset_info.json, state.json) opens with
      datasets.load_from_disk; it is written under a temporary name and renamed when complete.
      Dictionaries are Geneformer's own .pkl files or key<TAB>value TSV files; --dictionaries points
      at the geneformer/ folder of a Geneformer install and picks the version's files.

      Examples:
        omics tokenize pbmc.h5ad --out pbmc.dataset --dictionaries ~/Geneformer/geneformer --attr cell_type
        omics tokenize shards/ --out corpus.dataset --model-version V1 --dictionaries ~/Geneformer/geneformer
        omics tokenize a.h5ad b.loom --out ab.dataset --token-dictionary tokens.pkl \\
            --gene-medians medians.tsv --gene-mapping mapping.pkl --attr cell_type:label --threads 2
      """)

  @Argument(help: "Input h5ad/loom files (or folders of them); cells are taken in this order.")
  var inputs: [String]

  @Option(help: "Output dataset folder (must not exist).")
  var out: String

  @Option(name: .customLong("model-version"), help: "Geneformer model series: V1 or V2.")
  var modelVersion: String = "V2"

  @Option(help: "A Geneformer package folder holding the version's .pkl dictionaries.")
  var dictionaries: String?

  @Option(name: .customLong("token-dictionary"), help: "Token dictionary (.pkl or TSV).")
  var tokenDictionary: String?

  @Option(name: .customLong("gene-medians"), help: "Gene median dictionary (.pkl or TSV).")
  var geneMedians: String?

  @Option(name: .customLong("gene-mapping"), help: "Id/symbol → Ensembl id mapping (.pkl or TSV); default: ids as they are (upper-cased).")
  var geneMapping: String?

  @Option(name: .customLong("attr"), help: "obs column to keep, optionally renamed: obs_col[:name]. Repeatable.")
  var attributes: [String] = []

  @Option(name: .customLong("gene-id-column"), help: "var column with the gene ids.")
  var geneIDColumn: String = "ensembl_id"

  @Flag(name: .customLong("use-var-index"), help: "Take the gene ids from the var index instead of a column.")
  var useVarIndex = false

  @Flag(name: .customLong("strip-version"), help: "Strip version suffixes from ids (ENSG….17 → ENSG…); upstream drops such ids.")
  var stripVersion = false

  @Option(name: .customLong("non-counts"), help: "Negative or non-integer values in X: refuse (error) or warn (tokenize anyway).")
  var nonCounts: String = "refuse"

  @Option(help: "Worker threads (default: all cores).")
  var threads: Int = 0

  @Option(name: .customLong("cells-per-batch"), help: "Cells per processing block and Arrow record batch.")
  var cellsPerBatch: Int = 512

  @Option(name: .customLong("max-shard-mb"), help: "Start a new Arrow file past this size (MB).")
  var maxShardMB: Int = 500

  @OptionGroup var global: GlobalOptions

  func validate() throws {
    guard GeneformerVersion(rawValue: modelVersion.uppercased()) != nil else {
      throw ValidationError("--model-version must be V1 or V2, got '\(modelVersion)'")
    }
    guard NonCountPolicy(rawValue: nonCounts) != nil else {
      throw ValidationError("--non-counts must be refuse or warn, got '\(nonCounts)'")
    }
    guard dictionaries != nil || (tokenDictionary != nil && geneMedians != nil) else {
      throw ValidationError("give --dictionaries DIR, or both --token-dictionary and --gene-medians")
    }
    guard threads >= 0, cellsPerBatch > 0, maxShardMB > 0 else {
      throw ValidationError("--threads must be ≥ 0, --cells-per-batch and --max-shard-mb > 0")
    }
    for a in attributes where a.isEmpty || a.hasPrefix(":") || a.hasSuffix(":") {
      throw ValidationError("--attr must be obs_col or obs_col:name, got '\(a)'")
    }
  }

  func run() throws {
    global.apply()
    try runReportingErrors {
      let version = GeneformerVersion(rawValue: modelVersion.uppercased()) ?? .v2
      var tokens = tokenDictionary, medians = geneMedians, mapping = geneMapping
      if let dictionaries {
        let found = try TokenizerOptions.dictionaries(in: dictionaries, version: version)
        tokens = tokens ?? found.tokens
        medians = medians ?? found.medians
        mapping = mapping ?? found.mapping
      }
      guard let tokens, let medians else { throw OmicsError("no token or median dictionary given") }
      let attrs: [(column: String, name: String)] = attributes.map { a in
        if let colon = a.lastIndex(of: ":") {
          return (String(a[..<colon]), String(a[a.index(after: colon)...]))
        }
        return (a, a)
      }
      let options = TokenizerOptions(
        version: version, tokenDictionary: tokens, geneMedians: medians, geneMapping: mapping, attributes: attrs,
        geneIDColumn: useVarIndex ? nil : geneIDColumn, stripVersion: stripVersion,
        nonCounts: NonCountPolicy(rawValue: nonCounts) ?? .refuse, threads: threads, cellsPerBatch: cellsPerBatch,
        maxShardBytes: maxShardMB * 1_000_000, showProgress: !global.quiet)
      let files = try expandInputs(inputs)
      let started = Date()
      let summary = try TranscriptomeTokenizer(options: options).run(inputs: files, output: out)
      let seconds = Date().timeIntervalSince(started)
      if !global.quiet {
        for w in summary.warnings { StandardError.write("warning: \(w)\n") }
        if summary.nonCountValues > 0 {
          StandardError.write("warning: \(summary.nonCountValues) stored values were not raw counts (negative or not whole numbers)\n")
        }
        let rate = seconds > 0 ? Int(Double(summary.cellsRead) / seconds) : 0
        StandardError.write(
          """
          wrote \(out): \(summary.cellsKept) cells, \(summary.tokensWritten) tokens in \(summary.arrowFiles) Arrow file(s) (\(version.rawValue))
          cells: \(summary.cellsRead) read, \(summary.cellsKept) kept, \(summary.cellsFilteredOut) dropped by filter_pass, \(summary.cellsEmpty) dropped with no tokenizable gene
          genes: \(summary.genesMapped) mapped, \(summary.genesUnmapped) unmapped, \(summary.genesCollapsed) collapsed into another column's gene (\(summary.duplicateIDs) exact duplicates)\(summary.versionsStripped > 0 ? ", \(summary.versionsStripped) versions stripped" : "")
          time: \(String(format: "%.2f", seconds)) s, \(rate) cells/s

          """)
      }
    }
  }

  /// Files as given; folders expand to their *.h5ad and *.loom files in name order.
  func expandInputs(_ inputs: [String]) throws -> [String] {
    var files: [String] = []
    for input in inputs {
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: input, isDirectory: &isDir) else {
        throw OmicsError(file: input, "no such file")
      }
      if isDir.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []
        let picked = names.filter { $0.lowercased().hasSuffix(".h5ad") || $0.lowercased().hasSuffix(".loom") }.sorted()
        guard !picked.isEmpty else { throw OmicsError(file: input, "the folder holds no .h5ad or .loom file") }
        files += picked.map { input + "/" + $0 }
      } else {
        files.append(input)
      }
    }
    return files
  }
}
