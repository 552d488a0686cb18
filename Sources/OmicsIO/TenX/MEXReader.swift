import OmicsCore
import OrderedCollections

/// Reads a 10x Genomics MEX folder (Cell Ranger v3 `features.tsv` or v2 `genes.tsv`) the way scanpy's
/// `read_10x_mtx(path, var_names="gene_symbols", make_unique=True, gex_only=True)` does.
///
/// The result is cells × features: obs index = barcodes (first tab field of each line), X = the
/// transposed matrix as CSR Float32 (or Float64). With `varNames: .geneSymbols` the var index is the
/// feature names made unique like anndata's `make_index_unique` (`makeUniqueNames`: the second `X`
/// becomes `X-1`, the third `X-2`, skipping names already present) and the ids go to a `gene_ids`
/// column; with `.geneIDs` the ids are the index (as given) and names go to `gene_symbols`. v3 folders
/// add `feature_types`; with `geneExpressionOnly` (scanpy's `gex_only`, on by default) only
/// "Gene Expression" features are kept, after names were made unique, as scanpy does. Columns are
/// plain string arrays. Blank lines in the feature and barcode files are skipped (as pandas does);
/// a feature line with a single field uses its id as the name.
///
///     let m = try MEXReader.read("filtered_feature_bc_matrix")
///     let g = try MEXReader.read("GSE1_RAW", options: .init(prefix: "GSM1_"))
public enum MEXReader {
  /// Which feature column names the variables.
  public enum VarNames: String, Sendable, Equatable {
    /// Feature names (symbols), made unique; ids in `var["gene_ids"]`.
    case geneSymbols = "gene_symbols"
    /// Feature ids (Ensembl); names in `var["gene_symbols"]`.
    case geneIDs = "gene_ids"
  }

  /// Reading options, named after scanpy's arguments.
  public struct Options: Sendable, Equatable {
    public var varNames: VarNames
    /// Make symbol names unique (only with `.geneSymbols`, as in scanpy).
    public var makeUnique: Bool
    /// Keep only "Gene Expression" features of v3 folders.
    public var geneExpressionOnly: Bool
    /// File name prefix, e.g. `GSM123_`.
    public var prefix: String
    public var precision: FloatPrecision

    public init(
      varNames: VarNames = .geneSymbols, makeUnique: Bool = true, geneExpressionOnly: Bool = true,
      prefix: String = "", precision: FloatPrecision = .float32
    ) {
      self.varNames = varNames
      self.makeUnique = makeUnique
      self.geneExpressionOnly = geneExpressionOnly
      self.prefix = prefix
      self.precision = precision
    }
  }

  /// Reads the MEX folder `folder` (see `MEXFiles.locate` for how the files are found).
  public static func read(_ folder: String, options: Options = Options()) throws -> ExpressionMatrix {
    try read(files: MEXFiles.locate(folder, prefix: options.prefix), options: options)
  }

  /// Reads MEX files already located.
  public static func read(files: MEXFiles, options: Options = Options()) throws -> ExpressionMatrix {
    let features = try readFeatures(files.features)
    let barcodes = try readBarcodes(files.barcodes)
    var X = try MatrixMarketReader.readSparse(
      path: files.matrix, options: .init(precision: options.precision, transpose: true))
    guard X.cols == features.ids.count else {
      throw OmicsError(
        file: files.features,
        "lists \(features.ids.count) features but \(files.matrix) has \(X.cols) rows")
    }
    guard X.rows == barcodes.count else {
      throw OmicsError(
        file: files.barcodes, "lists \(barcodes.count) barcodes but \(files.matrix) has \(X.rows) columns")
    }
    var index: [String]
    var columns: OrderedDictionary<String, Element> = [:]
    switch options.varNames {
    case .geneSymbols:
      index = options.makeUnique ? makeUniqueNames(features.names) : features.names
      columns["gene_ids"] = .stringArray(StringArray(features.ids))
    case .geneIDs:
      index = features.ids
      columns["gene_symbols"] = .stringArray(StringArray(features.names))
    }
    let types = files.isLegacy ? nil : features.types
    if let types { columns["feature_types"] = .stringArray(StringArray(types)) }
    var variables = DataFrame(index: index, columns: columns)
    if options.geneExpressionOnly, let types, types.contains(where: { $0 != "Gene Expression" }) {
      let keep = types.indices.filter { types[$0] == "Gene Expression" }
      X = keepingColumns(X, keep)
      variables = ExpressionMatrixSubset.selectRows(variables, keep)
    }
    return ExpressionMatrix(X: .sparse(X), obs: DataFrame(index: barcodes), var: variables)
  }

  /// Feature ids, names and (v3) types, one per non-blank line.
  static func readFeatures(_ path: String) throws -> (ids: [String], names: [String], types: [String]?) {
    var ids: [String] = []
    var names: [String] = []
    var types: [String] = []
    var anyType = false
    try TextFile(path: path).forEachLine { line, number in
      if line.allSatisfy({ $0 == " " || $0 == "\t" }) { return true }
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      guard let id = fields.first, !id.isEmpty else {
        throw OmicsError.line(number, file: path, "empty feature id; expected 'id<TAB>name[<TAB>type]'")
      }
      ids.append(String(id))
      names.append(fields.count > 1 ? String(fields[1]) : String(id))
      if fields.count > 2 {
        anyType = true
        types.append(String(fields[2]))
      } else {
        types.append("")
      }
      return true
    }
    return (ids, names, anyType ? types : nil)
  }

  /// Barcodes: the first tab-separated field of each non-blank line.
  static func readBarcodes(_ path: String) throws -> [String] {
    var barcodes: [String] = []
    try TextFile(path: path).forEachLine { line, number in
      if line.allSatisfy({ $0 == " " || $0 == "\t" }) { return true }
      let first = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
      guard !first.isEmpty else { throw OmicsError.line(number, file: path, "empty barcode") }
      barcodes.append(String(first))
      return true
    }
    return barcodes
  }

  /// The CSR matrix restricted to the columns `keep` (ascending), indices renumbered.
  static func keepingColumns(_ m: SparseMatrix, _ keep: [Int]) -> SparseMatrix {
    var newIndex = [Int32](repeating: -1, count: m.cols)
    for (k, c) in keep.enumerated() { newIndex[c] = Int32(k) }
    var indptr: [Int64] = [0]
    indptr.reserveCapacity(m.rows + 1)
    var indices: [Int32] = []
    var positions: [Int] = []
    for r in 0..<m.rows {
      for k in Int(m.indptr[r])..<Int(m.indptr[r + 1]) {
        let c = newIndex[Int(m.indices[k])]
        if c >= 0 {
          indices.append(c)
          positions.append(k)
        }
      }
      indptr.append(Int64(indices.count))
    }
    return SparseMatrix(
      layout: .csr, rows: m.rows, cols: keep.count, indptr: indptr, indices: indices, data: m.data.gathered(positions))
  }
}
