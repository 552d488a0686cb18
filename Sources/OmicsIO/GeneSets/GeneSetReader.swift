import OmicsCore

/// Reads any gene-set file, choosing the reader by extension (``GeneSetFileFormat``).
public enum GeneSetReader {
  /// Reads the gene sets in `path` with the reader for `format` (detected from the extension when
  /// nil). GRP files are named after the file. A `.rnk` file is an error pointing to ``RNKReader``.
  public static func read(
    path: String, format: GeneSetFileFormat? = nil, options: GeneSetReadOptions = GeneSetReadOptions()
  ) throws -> GeneSetCollection {
    switch try format ?? GeneSetFileFormat.detect(path: path) {
    case .gmt: return try GMTReader.read(path: path, options: options)
    case .gmx: return try GMXReader.read(path: path, options: options)
    case .grp: return try GRPReader.read(path: path, options: options)
    case .json: return try MSigDBJSONReader.read(path: path, options: options)
    case .rnk:
      throw OmicsError(file: path, "is a ranked list (.rnk), not a gene-set file; read it with RNKReader")
    }
  }
}
