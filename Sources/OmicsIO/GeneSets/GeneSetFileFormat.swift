import OmicsCore

/// The gene-set and ranked-list file formats, recognised by extension (a trailing `.gz` is allowed;
/// case does not matter). Content is gunzipped by its magic bytes whatever the name says.
public enum GeneSetFileFormat: String, Sendable, Equatable, CaseIterable {
  /// `.gmt`: one set per line.
  case gmt
  /// `.gmx`: one set per column.
  case gmx
  /// `.grp`: one set per file, one gene per line.
  case grp
  /// `.rnk`: a ranked list (read with ``RNKReader``, not as gene sets).
  case rnk
  /// `.json`: MSigDB's JSON gene-set export.
  case json

  /// The format named by `path`'s extension (`x.gmt`, `x.gmt.gz`, `X.GMX`), or an error that lists
  /// the supported extensions.
  public static func detect(path: String) throws -> GeneSetFileFormat {
    var name = GeneSetText.baseName(path).lowercased()
    if name.hasSuffix(".gz") { name = String(name.dropLast(3)) }
    if let dot = name.lastIndex(of: "."), let format = GeneSetFileFormat(rawValue: String(name[name.index(after: dot)...])) {
      return format
    }
    throw OmicsError(
      file: path, "cannot tell the gene-set format from the file name; expected .gmt, .gmx, .grp, .rnk or .json (optionally .gz)")
  }
}
