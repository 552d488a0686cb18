import Foundation
import OmicsCore
import OmicsIO

/// Builds a Geneformer token dictionary: special tokens first (`<pad>`=0, `<mask>`=1, and for V2
/// `<cls>`=2, `<eos>`=3), then the genes in ascending id order, as upstream's dictionaries are laid out.
public enum TokenVocabulary {
  public static func specials(_ version: GeneformerVersion) -> [String] {
    version == .v1 ? ["<pad>", "<mask>"] : ["<pad>", "<mask>", "<cls>", "<eos>"]
  }

  /// The dictionary entries in order.
  public static func build(genes: some Sequence<String>, version: GeneformerVersion) -> [(key: String, token: Int)] {
    let specials = specials(version)
    let unique = Set(genes).subtracting(specials).filter { !$0.isEmpty }.sorted()
    return (specials + unique).enumerated().map { ($0.element, $0.offset) }
  }

  /// Genes of an input: a median sketch (genes with at least `minimumCount` non-zero values), a
  /// median or token dictionary (.pkl/.tsv keys), or a matrix file (its var gene ids).
  public static func genes(from path: String, minimumCount: Int, geneIDColumn: String?) throws -> [String] {
    let lower = path.lowercased()
    if let data = FileManager.default.contents(atPath: path), data.starts(with: Array("OMTDIGST".utf8)) {
      var sketch = try GeneMedianSketch.read(path)
      return sketch.medians(minimumCount: minimumCount).map(\.gene)
    }
    if lower.hasSuffix(".pkl") || lower.hasSuffix(".pickle") {
      let (keys, _) = try PickleReader.readDictionary(path: path)
      return keys.compactMap(\.stringValue)
    }
    if lower.hasSuffix(".tsv") || lower.hasSuffix(".txt") || lower.hasSuffix(".tsv.gz") {
      return try GeneDictionaryFile.tsvPairs(path, isHeader: { k, v in !k.contains(where: \.isNumber) && !v.contains(where: \.isNumber) }).map(\.0)
    }
    let m = try MatrixFileReader.read(path, options: .init(showProgress: false))
    if let column = geneIDColumn {
      guard let ids = m.var.strings(column) else {
        throw OmicsError(file: path, location: "/var/\(column)", "missing: the gene ids must be in var['\(column)'] (or use --gene-id-column / --use-var-index)")
      }
      return ids.compactMap { $0 }
    }
    return m.var.index
  }

  /// Writes the dictionary as `.pkl` (Python ints) or TSV (`key<TAB>token_id`), atomically.
  public static func write(_ entries: [(key: String, token: Int)], to path: String) throws {
    if path.lowercased().hasSuffix(".pkl") {
      try PickleWriter.writeDictionary(entries.map { ($0.key, .int(Int64($0.token))) }, to: path)
    } else {
      var text = "key\ttoken_id\n"
      for e in entries { text += "\(e.key)\t\(e.token)\n" }
      try AtomicFileWriter.write(Data(text.utf8), to: path)
    }
  }
}
