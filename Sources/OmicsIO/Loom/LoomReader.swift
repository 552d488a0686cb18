import OmicsCore
import OrderedCollections

/// Reads Loom files (spec 3.0 and earlier) into an `ExpressionMatrix`, the way anndata's
/// `read_loom(sparse=True, obs_names="CellID", var_names="Gene")` does.
///
/// Loom stores genes × cells; X and layers are transposed to cells × genes (CSR float32).
/// Row attributes become var columns, column attributes obs columns (2-D attributes go to
/// varm/obsm), col/row graphs to obsp/varp, global attributes to uns.
public enum LoomReader {
  public struct Options: Sendable {
    /// Column attribute used as obs names.
    public var obsNames = "CellID"
    /// Row attribute used as var names.
    public var varNames = "Gene"
    public init(obsNames: String = "CellID", varNames: String = "Gene") {
      self.obsNames = obsNames
      self.varNames = varNames
    }
  }

  public static func read(_ path: String, options: Options = Options()) throws -> ExpressionMatrix {
    let file = try HDF5File.open(path)
    let root = try file.root()
    guard root.kind(of: "matrix") == .dataset else {
      throw OmicsError(file: path, location: "/matrix", "missing: not a loom file")
    }
    let matrixNode = try root.dataset("matrix")
    guard let shape = matrixNode.shape, shape.count == 2 else { throw matrixNode.error("expected a 2-D matrix") }
    let nGenes = shape[0], nCells = shape[1]
    let X = try transposedSparse(matrixNode, genes: nGenes, cells: nCells)
    var layers: OrderedDictionary<String, Matrix> = [:]
    if root.kind(of: "layers") == .group {
      let g = try root.group("layers")
      for name in try g.childNames() {
        let d = try g.dataset(name)
        guard d.shape == shape else { throw d.error("layer shape \(d.shape ?? []) differs from /matrix \(shape)") }
        layers[name] = try transposedSparse(d, genes: nGenes, cells: nCells, keepType: true)
      }
    }
    let (obs, obsm) = try attributes(root, "col_attrs", count: nCells, indexKey: options.obsNames)
    let (variables, varm) = try attributes(root, "row_attrs", count: nGenes, indexKey: options.varNames)
    let obsp = try graphs(root, "col_graphs", n: nCells)
    let varp = try graphs(root, "row_graphs", n: nGenes)
    var uns: OrderedDictionary<String, Element> = [:]
    if root.kind(of: "attrs") == .group {
      let g = try root.group("attrs")
      for name in try g.childNames() where g.kind(of: name) == .dataset {
        uns[name] = try element(from: try g.dataset(name).read(), decodeEntities: false)
      }
    } else {
      for name in try root.attributeNames() {
        if let value = try root.attribute(name) { uns[name] = try element(from: value, decodeEntities: true) }
      }
    }
    return ExpressionMatrix(
      X: X, obs: obs, var: variables, layers: layers, obsm: obsm, varm: varm, obsp: obsp, varp: varp, uns: uns)
  }

  /// Reads a genes × cells dense dataset and returns cells × genes CSR, zeros dropped: float32 for X
  /// (anndata's default), the stored type for layers (`keepType`).
  static func transposedSparse(_ d: HDF5Dataset, genes: Int, cells: Int, keepType: Bool = false) throws -> Matrix {
    let stored = try d.readNumbers()
    let values = stored.doubles()
    var counts = [Int64](repeating: 0, count: cells + 1)
    for g in 0..<genes { for c in 0..<cells where values[g * cells + c] != 0 { counts[c + 1] += 1 } }
    for c in 0..<cells { counts[c + 1] += counts[c] }
    var next = counts
    let nnz = Int(counts[cells])
    var indices = [Int32](repeating: 0, count: nnz)
    var positions = [Int](repeating: 0, count: nnz)
    for g in 0..<genes {
      for c in 0..<cells where values[g * cells + c] != 0 {
        let k = Int(next[c])
        indices[k] = Int32(g)
        positions[k] = g * cells + c
        next[c] += 1
      }
    }
    let data: NumericArray = keepType ? stored.gathered(positions) : .float32(positions.map { Float(values[$0]) })
    return .sparse(SparseMatrix(layout: .csr, rows: cells, cols: genes, indptr: counts, indices: indices, data: data))
  }

  static func attributes(
    _ root: HDF5Group, _ groupName: String, count: Int, indexKey: String
  ) throws -> (DataFrame, OrderedDictionary<String, Element>) {
    var columns: OrderedDictionary<String, Element> = [:]
    var multi: OrderedDictionary<String, Element> = [:]
    var index: [String]?
    if root.kind(of: groupName) == .group {
      let g = try root.group(groupName)
      for name in try g.childNames() {
        let d = try g.dataset(name)
        guard let shape = d.shape, shape.first == count else {
          throw d.error("attribute has \(d.shape?.first ?? 0) entries, expected \(count)")
        }
        let legacyStrings: Bool
        if case .string(let variable, _) = d.typeInfo { legacyStrings = !variable } else { legacyStrings = false }
        let value = try element(from: try d.read(), decodeEntities: legacyStrings)
        if name == indexKey, case .stringArray(let s) = value, shape.count == 1 {
          index = s.values
        } else if shape.count > 1 {
          multi[name] = value
        } else {
          columns[name] = value
        }
      }
    }
    let frame = DataFrame(index: index ?? (0..<count).map(String.init), indexName: index == nil ? "_index" : indexKey, columns: columns)
    return (frame, multi)
  }

  static func element(from value: HDF5Value, decodeEntities: Bool) throws -> Element {
    switch value {
    case .numbers(let n, let shape): return .array(DenseArray(shape: shape, values: n))
    case .strings(let s, let shape):
      let decoded = decodeEntities ? s.map(XMLCharacterReferences.decode) : s
      return shape.isEmpty ? .string(decoded.first ?? "") : .stringArray(StringArray(shape: shape, values: decoded))
    case .records(let r, _): return .recordArray(r)
    case .references(let r, let shape): return .stringArray(StringArray(shape: shape, values: r))
    case .empty: return .null
    }
  }

  /// COO graphs (`a`, `b`, `w`) as n × n CSR matrices.
  static func graphs(_ root: HDF5Group, _ groupName: String, n: Int) throws -> OrderedDictionary<String, Element> {
    guard root.kind(of: groupName) == .group else { return [:] }
    let g = try root.group(groupName)
    var out: OrderedDictionary<String, Element> = [:]
    for name in try g.childNames() {
      let graph = try g.group(name)
      let a = try graph.dataset("a").readNumbers()
      let b = try graph.dataset("b").readNumbers()
      let w = try graph.dataset("w").readNumbers()
      guard a.count == b.count, b.count == w.count else { throw graph.error("a, b and w differ in length") }
      var triples: [(Int, Int, Float)] = []
      for k in 0..<a.count {
        guard let i = a.int64(at: k), let j = b.int64(at: k), i >= 0, j >= 0, i < n, j < n else {
          throw graph.error("edge \(k) has a vertex outside 0..<\(n)")
        }
        triples.append((Int(i), Int(j), Float(w.double(at: k))))
      }
      triples.sort { ($0.0, $0.1) < ($1.0, $1.1) }
      var indptr = [Int64](repeating: 0, count: n + 1)
      for t in triples { indptr[t.0 + 1] += 1 }
      for i in 0..<n { indptr[i + 1] += indptr[i] }
      out[name] = .sparse(SparseMatrix(
        layout: .csr, rows: n, cols: n, indptr: indptr, indices: triples.map { Int32($0.1) },
        data: .float32(triples.map { $0.2 })))
    }
    return out
  }
}
