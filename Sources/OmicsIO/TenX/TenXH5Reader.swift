import OmicsCore
import OrderedCollections

/// Reads Cell Ranger feature-barcode matrices in HDF5: the v3+ layout (`/matrix` with a `features`
/// group) and the v1/v2 layout (one group per genome with `genes`/`gene_names`).
///
/// Like scanpy's `read_10x_h5`: cells (barcodes) become obs, features become var with `gene_ids`,
/// `feature_types` and `genome` columns, X is CSR float32 (cells × features). Unlike scanpy, feature
/// names are made unique by default (anndata's `var_names_make_unique`), as `read_10x_mtx` does.
public enum TenXH5Reader {
  /// Options for reading.
  public struct Options: Sendable {
    /// Genome group to read from a v2 file with several genomes (required then).
    public var genome: String?
    /// Keep only "Gene Expression" features.
    public var geneExpressionOnly = false
    /// Make feature names unique (`-1`, `-2` suffixes).
    public var makeUnique = true
    public init(genome: String? = nil, geneExpressionOnly: Bool = false, makeUnique: Bool = true) {
      self.genome = genome
      self.geneExpressionOnly = geneExpressionOnly
      self.makeUnique = makeUnique
    }
  }

  /// Whether an open HDF5 file looks like a Cell Ranger matrix.
  static func looksLikeTenX(_ root: HDF5Group) -> Bool {
    if root.kind(of: "matrix") == .group { return true }
    guard !root.contains("obs"), let names = try? root.childNames(), !names.isEmpty else { return false }
    return names.allSatisfy { name in
      (try? root.group(name)).map { $0.contains("barcodes") && $0.contains("indptr") } ?? false
    }
  }

  public static func read(_ path: String, options: Options = Options()) throws -> ExpressionMatrix {
    let file = try HDF5File.open(path)
    let root = try file.root()
    let features: OrderedDictionary<String, [String]>
    let names: [String]
    let group: HDF5Group
    if root.kind(of: "matrix") == .group {
      group = try root.group("matrix")
      let f = try group.group("features")
      var columns: OrderedDictionary<String, [String]> = [:]
      columns["gene_ids"] = try strings(f, f.contains("gene_id") ? "gene_id" : "id")
      if f.contains("gene_id") { columns["probe_ids"] = try strings(f, "id") }
      columns["feature_types"] = try strings(f, "feature_type")
      if f.contains("genome") { columns["genome"] = try strings(f, "genome") }
      names = try strings(f, "name")
      features = columns
    } else {
      let genomes = try root.childNames().filter { root.kind(of: $0) == .group }
      let chosen: String
      if let wanted = options.genome {
        guard genomes.contains(wanted) else {
          throw OmicsError(file: path, "genome '\(wanted)' not found; the file has \(genomes.joined(separator: ", "))")
        }
        chosen = wanted
      } else if genomes.count == 1, let only = genomes.first {
        chosen = only
      } else {
        throw OmicsError(file: path, "the file holds several genomes (\(genomes.joined(separator: ", "))); choose one with --genome")
      }
      group = try root.group(chosen)
      names = try strings(group, "gene_names")
      features = ["gene_ids": try strings(group, "genes")]
    }
    let barcodes = try strings(group, "barcodes")
    let shapeNode = try group.dataset("shape")
    let shapeValues = try shapeNode.readNumbers()
    guard shapeValues.count == 2, let nFeatures = shapeValues.int64(at: 0), let nBarcodes = shapeValues.int64(at: 1),
      nFeatures >= 0, nBarcodes >= 0
    else { throw shapeNode.error("shape must hold two non-negative integers") }
    guard Int(nFeatures) == names.count else {
      throw shapeNode.error("shape says \(nFeatures) features but \(names.count) feature names are stored")
    }
    guard Int(nBarcodes) == barcodes.count else {
      throw shapeNode.error("shape says \(nBarcodes) barcodes but \(barcodes.count) barcodes are stored")
    }
    for (key, column) in features where column.count != names.count {
      throw group.error("feature column \(key) has \(column.count) entries, expected \(names.count)")
    }
    // CSC features × barcodes on disk is CSR barcodes × features in memory.
    let sparse = try H5ADSparseReaderForTenX.read(group, rows: Int(nBarcodes), cols: Int(nFeatures))
    var obs = DataFrame(index: barcodes)
    obs.indexName = "_index"
    var varColumns: OrderedDictionary<String, Element> = [:]
    for (key, column) in features { varColumns[key] = .stringArray(StringArray(column)) }
    var matrix = ExpressionMatrix(
      X: .sparse(sparse), obs: obs,
      var: DataFrame(index: options.makeUnique ? makeUniqueNames(names) : names, columns: varColumns))
    if options.geneExpressionOnly, let types = features["feature_types"] {
      let keep = types.indices.filter { types[$0] == "Gene Expression" }
      matrix = ExpressionMatrixSubset.selectingVars(matrix, keep)
    }
    return matrix
  }

  static func strings(_ g: HDF5Group, _ name: String) throws -> [String] {
    let d = try g.dataset(name)
    let values = try d.readStrings()
    if case .string(let variable, _) = d.typeInfo, !variable {
      return values.map(XMLCharacterReferences.decode)
    }
    return values
  }
}

/// The 10x arrays read with the same checks as h5ad sparse groups.
enum H5ADSparseReaderForTenX {
  static func read(_ g: HDF5Group, rows: Int, cols: Int) throws -> SparseMatrix {
    let reader = H5ADSparseReader(progress: nil)
    let dataNode = try g.dataset("data")
    let indicesNode = try g.dataset("indices")
    let indptrNode = try g.dataset("indptr")
    guard indptrNode.count == rows + 1 else {
      throw indptrNode.error("indptr has \(indptrNode.count) entries, expected \(rows + 1) (one per barcode plus one)")
    }
    guard indicesNode.count == dataNode.count else {
      throw g.error("data has \(dataNode.count) values but indices has \(indicesNode.count)")
    }
    let indptr = try reader.int64Array(try indptrNode.readNumbers(), at: indptrNode)
    try reader.checkIndptr(indptr, nnz: indicesNode.count, at: indptrNode)
    let indices = try reader.int32Indices(try indicesNode.readNumbers(), minor: cols, at: indicesNode)
    let data = try dataNode.readNumbers()
    return SparseMatrix(layout: .csr, rows: rows, cols: cols, indptr: indptr, indices: indices, data: .float32(data.floats()))
  }
}
