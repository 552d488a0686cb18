import Foundation
import OmicsCore

/// Writes gene sets as GMT: `name<TAB>description<TAB>gene…`, one set per line, `\n` line ends,
/// UTF-8 without BOM, no trailing tab.
///
/// Rules (chosen so ``GMTReader`` reads back exactly what was written):
/// - A nil or empty description is written `na`. Tabs, line breaks and surrounding white space in a
///   description are turned into single spaces / trimmed (descriptions are free text).
/// - Names and genes are identifiers and are never altered: one that is empty, holds a tab, `\r` or
///   `\n`, has surrounding white space, or (names only) starts with `#` is an error naming the set.
/// - Weighted sets are written as `gene,weight` tokens (shortest round-trip decimal) unless
///   `includeWeights` is false. An unweighted gene that would read back as `gene,weight` (`X,1`) is
///   an error.
/// - The file is written to a temporary name and renamed into place (``AtomicFileWriter``).
public enum GMTWriter {
  /// Writes `sets` to `path` atomically.
  public static func write<C: Sequence>(_ sets: C, to path: String, includeWeights: Bool = true) throws
  where C.Element == GeneSet {
    let bytes: [UInt8]
    do { bytes = try encodeBytes(sets, includeWeights: includeWeights) } catch let error as OmicsError {
      throw error.inFile(path)
    }
    try AtomicFileWriter.write(Data(bytes), to: path)
  }

  /// The GMT text for `sets`.
  public static func encode<C: Sequence>(_ sets: C, includeWeights: Bool = true) throws -> String
  where C.Element == GeneSet {
    String(decoding: try encodeBytes(sets, includeWeights: includeWeights), as: UTF8.self)
  }

  /// The GMT text for `sets` as UTF-8 bytes.
  static func encodeBytes<C: Sequence>(_ sets: C, includeWeights: Bool) throws -> [UInt8]
  where C.Element == GeneSet {
    var out: [UInt8] = []
    for set in sets {
      try checkIdentifier(set.name, what: "gene-set name", set: set.name)
      if set.name.hasPrefix("#") {
        throw OmicsError("set \(GeneSetText.quoted(set.name)): a gene-set name starting with '#' would be read as a comment")
      }
      out.append(contentsOf: set.name.utf8)
      out.append(0x09)
      out.append(contentsOf: descriptionField(set.description).utf8)
      let weights = includeWeights ? set.weights : nil
      for (index, gene) in set.genes.enumerated() {
        let hasComma = try checkIdentifier(gene, what: "gene", set: set.name)
        out.append(0x09)
        out.append(contentsOf: gene.utf8)
        if let weights, index < weights.count {
          out.append(UInt8(ascii: ","))
          out.append(contentsOf: "\(weights[index])".utf8)
        } else if hasComma && WeightedGeneToken.looksWeighted(gene) {
          throw OmicsError(
            "set \(GeneSetText.quoted(set.name)): gene \(GeneSetText.quoted(gene)) would be read back as gene,weight")
        }
      }
      out.append(0x0A)
    }
    return out
  }

  /// The description column: `na` for none, else the text on one line.
  static func descriptionField(_ description: String?) -> String {
    guard let description else { return "na" }
    let oneLine = String(String.UnicodeScalarView(description.unicodeScalars.map {
      $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0
    }))
    let text = GeneSetText.trimmed(oneLine)
    return text.isEmpty ? "na" : text
  }

  /// Throws when `text` cannot be written as a GMT field unchanged; returns whether it has a comma.
  @discardableResult
  private static func checkIdentifier(_ text: String, what: String, set: String) throws -> Bool {
    var context: String { "set \(GeneSetText.quoted(set))" }
    if text.isEmpty { throw OmicsError("\(context): empty \(what) cannot be written to GMT") }
    var hasComma = false
    for byte in text.utf8 {
      if byte == 0x09 || byte == 0x0A || byte == 0x0D {
        throw OmicsError("\(context): \(what) \(GeneSetText.quoted(text)) contains a tab or line break")
      }
      if byte == UInt8(ascii: ",") { hasComma = true }
    }
    if GeneSetText.hasSurroundingWhitespace(text) {
      throw OmicsError("\(context): \(what) \(GeneSetText.quoted(text)) has surrounding white space")
    }
    return hasComma
  }
}
