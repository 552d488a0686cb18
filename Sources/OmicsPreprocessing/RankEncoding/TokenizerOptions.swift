import Foundation
import OmicsCore

/// Which Geneformer model series the corpus is for.
public enum GeneformerVersion: String, Sendable, CaseIterable {
  /// Genecorpus-30M models: 2,048 genes, no special tokens, `input_ids` int16.
  case v1 = "V1"
  /// 95M/104M models: `<cls>` + 4,094 genes + `<eos>`, `input_ids` int32.
  case v2 = "V2"

  public var defaultInputSize: Int { self == .v1 ? 2048 : 4096 }
  public var usesSpecialTokens: Bool { self == .v2 }

  /// Upstream file names of the dictionaries (token, median, mapping) relative to a Geneformer
  /// package folder (`geneformer/`), in the order they are looked for.
  public var dictionaryNames: (tokens: [String], medians: [String], mapping: [String]) {
    switch self {
    case .v1:
      return (
        ["gene_dictionaries_30m/token_dictionary_gc30M.pkl", "token_dictionary_gc30M.pkl", "token_dictionary.pkl"],
        ["gene_dictionaries_30m/gene_median_dictionary_gc30M.pkl", "gene_median_dictionary_gc30M.pkl", "gene_median_dictionary.pkl"],
        ["gene_dictionaries_30m/ensembl_mapping_dict_gc30M.pkl", "ensembl_mapping_dict_gc30M.pkl"]
      )
    case .v2:
      return (
        ["token_dictionary_gc104M.pkl", "token_dictionary_gc95M.pkl"],
        ["gene_median_dictionary_gc104M.pkl", "gene_median_dictionary_gc95M.pkl"],
        ["ensembl_mapping_dict_gc104M.pkl", "ensembl_mapping_dict_gc95M.pkl"]
      )
    }
  }
}

/// What to do with values that are not raw counts (negative or non-integer).
public enum NonCountPolicy: String, Sendable, CaseIterable {
  /// Stop with an error naming the first such value (default).
  case refuse
  /// Tokenize anyway (as Geneformer does) and report how many values were not counts.
  case warn
}

/// Options of `TranscriptomeTokenizer`.
public struct TokenizerOptions: Sendable {
  public var version: GeneformerVersion
  public var tokenDictionary: String
  public var geneMedians: String
  /// Id/symbol/alias → id mapping; nil maps each upper-cased id to itself.
  public var geneMapping: String?
  /// obs columns to carry into the corpus, with their output names.
  public var attributes: [(column: String, name: String)]
  /// var column with the gene ids (Geneformer: `ensembl_id`); nil uses the var index.
  public var geneIDColumn: String?
  /// Strip a version suffix (`ENSG00000075624.17` → `ENSG00000075624`) before mapping.
  public var stripVersion: Bool
  public var nonCounts: NonCountPolicy
  /// Worker threads (0 = all cores).
  public var threads: Int
  /// Cells per Arrow record batch (and per processing block).
  public var cellsPerBatch: Int
  /// Start a new Arrow file past this many bytes.
  public var maxShardBytes: Int
  /// Tokens per cell including specials (default 2,048 for V1, 4,096 for V2).
  public var inputSize: Int?
  /// Report progress on a terminal.
  public var showProgress: Bool

  public init(
    version: GeneformerVersion, tokenDictionary: String, geneMedians: String, geneMapping: String? = nil,
    attributes: [(column: String, name: String)] = [], geneIDColumn: String? = "ensembl_id", stripVersion: Bool = false,
    nonCounts: NonCountPolicy = .refuse, threads: Int = 0, cellsPerBatch: Int = 512, maxShardBytes: Int = 500_000_000,
    inputSize: Int? = nil, showProgress: Bool = false
  ) {
    self.version = version
    self.tokenDictionary = tokenDictionary
    self.geneMedians = geneMedians
    self.geneMapping = geneMapping
    self.attributes = attributes
    self.geneIDColumn = geneIDColumn
    self.stripVersion = stripVersion
    self.nonCounts = nonCounts
    self.threads = threads
    self.cellsPerBatch = cellsPerBatch
    self.maxShardBytes = maxShardBytes
    self.inputSize = inputSize
    self.showProgress = showProgress
  }

  /// Finds the version's dictionaries in a Geneformer package folder (`.../geneformer/`).
  public static func dictionaries(in folder: String, version: GeneformerVersion) throws -> (tokens: String, medians: String, mapping: String?) {
    let names = version.dictionaryNames
    func find(_ candidates: [String]) -> String? {
      candidates.map { folder + "/" + $0 }.first { FileManager.default.fileExists(atPath: $0) }
    }
    guard let tokens = find(names.tokens) else {
      throw OmicsError(file: folder, "no \(version.rawValue) token dictionary (\(names.tokens.joined(separator: " or ")))")
    }
    guard let medians = find(names.medians) else {
      throw OmicsError(file: folder, "no \(version.rawValue) median dictionary (\(names.medians.joined(separator: " or ")))")
    }
    return (tokens, medians, find(names.mapping))
  }
}

/// What a tokenization run did.
public struct TokenizeSummary: Sendable, Equatable {
  public var files = 0
  public var cellsRead = 0
  public var cellsKept = 0
  /// Cells with `filter_pass` other than 1.
  public var cellsFilteredOut = 0
  /// Cells with no tokenizable expressed gene.
  public var cellsEmpty = 0
  /// Input gene columns that map to a token gene / that do not.
  public var genesMapped = 0
  public var genesUnmapped = 0
  /// Columns summed into a gene another column also maps to.
  public var genesCollapsed = 0
  /// Exact duplicate ids among the input columns (summed, warned).
  public var duplicateIDs = 0
  /// Versioned ids stripped (with `stripVersion`).
  public var versionsStripped = 0
  /// Stored values that are negative or not whole numbers (with `.warn`).
  public var nonCountValues = 0
  public var tokensWritten = 0
  public var arrowFiles = 0
  public var bytesWritten = 0
  public var warnings: [String] = []

  public init() {}
}
