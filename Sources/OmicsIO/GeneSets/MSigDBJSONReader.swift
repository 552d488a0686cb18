import Foundation
import OmicsCore

/// Reads MSigDB's JSON gene-set export (`*.json`, e.g. `h.all.v2024.1.Hs.json`).
///
/// The file is one object mapping each set name to an object with `geneSymbols` (an array of
/// strings) and scalar fields such as `collection`, `systematicName`, `pmid`, `exactSource`,
/// `externalDetailsURL` and `msigdbURL`. Scalar fields (strings and numbers) go to
/// ``GeneSet/metadata``; arrays other than `geneSymbols` (`filteredBySimilarity`,
/// `externalNamesForSimilarTerms`) are ignored. The description is `msigdbURL`, which is what
/// MSigDB's own GMT files carry in column 2.
///
/// Sets keep the order of the file: the top-level object is scanned here for its keys (so repeated
/// names are seen and follow ``GeneSetReadOptions/duplicateSetNames``), and each value is decoded with
/// `JSONSerialization`. Errors and notes give the line of the set's name. Genes are trimmed; empty
/// ones are dropped; repeats are removed and noted; `gene,weight` and upper-casing follow the options.
public enum MSigDBJSONReader {
  /// Reads the JSON file at `path` (plain or gzip).
  public static func read(path: String, options: GeneSetReadOptions = GeneSetReadOptions()) throws -> GeneSetCollection {
    try parse(TextFile(path: path), options: options)
  }

  /// Parses JSON already loaded; `file.name` is used in errors and notes.
  public static func parse(_ file: TextFile, options: GeneSetReadOptions = GeneSetReadOptions()) throws -> GeneSetCollection {
    var bytes = [UInt8](file.bytes)
    if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { bytes.removeFirst(3) }
    var scanner = JSONObjectMemberScanner(bytes: bytes, file: file.name)
    var builder = GeneSetCollectionBuilder(file: file.name, policy: options.duplicateSetNames)
    try scanner.forEachMember { name, line, value in
      let set = try decodeSet(name: name, value: value, line: line, file: file.name, options: options)
      try builder.add(
        set.set, line: line, column: nil, removedDuplicates: set.duplicates, dateLikeGenes: set.dateLike)
    }
    return builder.build()
  }

  private static func decodeSet(
    name: String, value: ArraySlice<UInt8>, line: Int, file: String, options: GeneSetReadOptions
  ) throws -> (set: GeneSet, duplicates: [String], dateLike: [String]) {
    let where_ = "set \(GeneSetText.quoted(name))"
    let trimmedName = GeneSetText.trimmed(name)
    guard !trimmedName.isEmpty else { throw OmicsError.line(line, file: file, "empty gene-set name") }
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: Data(value), options: [.fragmentsAllowed])
    } catch {
      throw OmicsError.line(line, file: file, "\(where_): invalid JSON value")
    }
    guard let fields = object as? [String: Any] else {
      throw OmicsError.line(line, file: file, "\(where_): expected an object with a geneSymbols array")
    }
    guard let symbols = fields["geneSymbols"] as? [Any] else {
      throw OmicsError.line(line, file: file, "\(where_): missing geneSymbols array")
    }
    var assembler = GeneSetAssembler(options: options)
    for (index, symbol) in symbols.enumerated() {
      guard let gene = symbol as? String else {
        throw OmicsError.line(line, file: file, "\(where_): geneSymbols item \(index + 1) is not a string")
      }
      assembler.add(gene)
    }
    var metadata: [String: String] = [:]
    for (key, value) in fields where key != "geneSymbols" {
      if let text = value as? String {
        metadata[key] = text
      } else if let number = value as? NSNumber {
        metadata[key] = number.stringValue
      }
    }
    let url = metadata["msigdbURL"].map { GeneSetText.trimmed($0) } ?? ""
    let set = assembler.build(
      name: trimmedName, description: GeneSetText.isNoDescription(url) ? nil : url, metadata: metadata)
    return (set, assembler.removedDuplicates, assembler.dateLikeGenes)
  }
}
