/// The `gene,weight` token form found in Enrichr-style libraries (`TP53,1.0`).
///
/// A token is split at its **last** comma when the text after it parses as a finite number; otherwise
/// the whole token is the gene (so `Bmal1:Clock,Npas2` stays one gene, and so does `G,nan`).
enum WeightedGeneToken {
  /// Splits `token` (already trimmed) into a gene and an optional weight.
  static func split(_ token: String) -> (gene: String, weight: Double?) {
    var copy = token
    return copy.withUTF8 { bytes in
      guard let comma = bytes.lastIndex(of: UInt8(ascii: ",")) else { return (token, nil) }
      let suffix = GeneSetText.trimmed(UnsafeBufferPointer(rebasing: bytes[(comma + 1)...]))
      guard let weight = Double(suffix), weight.isFinite else { return (token, nil) }
      return (GeneSetText.trimmed(UnsafeBufferPointer(rebasing: bytes[..<comma])), weight)
    }
  }

  /// True when `gene` would be read back as `gene,weight` (so it cannot be written without a weight).
  static func looksWeighted(_ gene: String) -> Bool {
    gene.utf8.contains(UInt8(ascii: ",")) && split(gene).weight != nil
  }
}
