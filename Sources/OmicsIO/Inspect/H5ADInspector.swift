import OmicsCore

/// Summarises an h5ad file from its metadata alone (encoding attributes, shapes, dtypes, category
/// counts), without reading X or any large array, so it is instant on files of any size.
public enum H5ADInspector {
  public static func summary(_ path: String) throws -> DatasetSummary {
    let file = try HDF5File.open(path)
    let root = try file.root()
    // anndata 0.6 files keep obs/var as compound datasets: read those (they are small).
    guard root.kind(of: "obs") == .group, root.kind(of: "var") == .group else {
      return DatasetSummary(path: path, format: "h5ad (anndata ≤ 0.6 layout)", matrix: try H5ADReader.read(path, showProgress: false))
    }
    let obsGroup = try root.group("obs")
    let varGroup = try root.group("var")
    let (nObs, obsIndex, obs) = try frame(obsGroup)
    let (nVars, varIndex, vars) = try frame(varGroup)
    let spec = try root.encodingSpec()
    return DatasetSummary(
      path: path, format: spec.type == "anndata" ? "h5ad (anndata ≥ 0.8 layout)" : "h5ad (anndata 0.7 layout)",
      nObs: nObs, nVars: nVars,
      X: root.contains("X") ? try matrixInfo(try root.child("X")) : nil,
      obsIndex: obsIndex, obs: obs, varIndex: varIndex, var: vars,
      layers: try mapping(root, "layers"), obsm: try mapping(root, "obsm"), varm: try mapping(root, "varm"),
      obsp: try mapping(root, "obsp"), varp: try mapping(root, "varp"), uns: try mapping(root, "uns"),
      raw: try raw(root))
  }

  static func raw(_ root: HDF5Group) throws -> DatasetSummary.RawInfo? {
    guard root.kind(of: "raw") == .group else { return nil }
    let g = try root.group("raw")
    let nVars = g.kind(of: "var") == .group ? try frame(try g.group("var")).0 : 0
    return DatasetSummary.RawInfo(nVars: nVars, X: g.contains("X") ? try matrixInfo(try g.child("X")) : nil)
  }

  static func frame(_ g: HDF5Group) throws -> (Int, String, [DatasetSummary.Column]) {
    let indexName = try g.stringAttribute("_index") ?? "_index"
    var n = 0
    if g.contains(indexName) {
      switch try g.child(indexName) {
      case .dataset(let d): n = d.shape?.first ?? 0
      case .group(let ig): n = ig.contains("values") ? (try ig.dataset("values").shape?.first ?? 0) : 0
      }
    }
    var columns: [DatasetSummary.Column] = []
    let order: [String]
    switch try g.attribute("column-order") {
    case .strings(let s, _)?: order = s
    default: order = []
    }
    for name in order where g.contains(name) {
      columns.append(DatasetSummary.Column(name: name, type: try columnType(try g.child(name))))
    }
    return (n, indexName, columns)
  }

  static func columnType(_ node: HDF5Node) throws -> String {
    let spec = try node.object.encodingSpec()
    switch node {
    case .dataset(let d):
      if d.hasAttribute("categories") { return "categorical" }
      if case .string = d.typeInfo { return "string" }
      return d.typeInfo.name
    case .group(let g):
      switch spec.type {
      case "categorical":
        let cats = try g.child("categories")
        var count = 0
        var kind = ""
        if case .dataset(let d) = cats {
          count = d.shape?.first ?? 0
          if case .number(let t) = d.typeInfo { kind = " of \(t.rawValue)" }
        }
        let ordered: Bool
        if case .numbers(let n, _)? = try g.attribute("ordered"), n.count == 1 { ordered = n.double(at: 0) != 0 } else { ordered = false }
        return "categorical (\(count) categories\(kind)\(ordered ? ", ordered" : ""))"
      case "nullable-string-array": return "nullable string"
      case "nullable-integer", "nullable-boolean":
        let values = try g.dataset("values")
        return "nullable \(values.typeInfo.name)"
      default: return spec.type.isEmpty ? "group" : spec.type
      }
    }
  }

  static func matrixInfo(_ node: HDF5Node) throws -> DatasetSummary.MatrixInfo? {
    switch node {
    case .dataset(let d):
      let filters = try d.filters().map { $0.name.isEmpty ? "filter \($0.id)" : $0.name }
      return DatasetSummary.MatrixInfo(
        layout: "dense", dtype: d.typeInfo.name, shape: d.shape ?? [], nnz: nil,
        compression: filters.isEmpty ? nil : filters.joined(separator: "+"))
    case .group(let g):
      let spec = try g.encodingSpec()
      var layout = spec.type == "csr_matrix" ? "csr" : spec.type == "csc_matrix" ? "csc" : ""
      if layout.isEmpty, let f = try g.stringAttribute("h5sparse_format") { layout = f }
      guard !layout.isEmpty, g.contains("data") else { return nil }
      let data = try g.dataset("data")
      let shapeValue = try g.attribute("shape") ?? g.attribute("h5sparse_shape")
      var shape: [Int] = []
      if case .numbers(let n, _)? = shapeValue { shape = (0..<n.count).map { Int(n.int64(at: $0) ?? 0) } }
      let filters = try data.filters().map { $0.name.isEmpty ? "filter \($0.id)" : $0.name }
      return DatasetSummary.MatrixInfo(
        layout: layout, dtype: data.typeInfo.name, shape: shape, nnz: data.count,
        compression: filters.isEmpty ? nil : filters.joined(separator: "+"))
    }
  }

  static func mapping(_ root: HDF5Group, _ name: String) throws -> [DatasetSummary.Entry] {
    guard root.kind(of: name) == .group else { return [] }
    return try entries(try root.group(name))
  }

  static func entries(_ g: HDF5Group) throws -> [DatasetSummary.Entry] {
    try g.childNames().map { try entry($0, try g.child($0)) }
  }

  static func entry(_ key: String, _ node: HDF5Node) throws -> DatasetSummary.Entry {
    let spec = try node.object.encodingSpec()
    switch node {
    case .dataset(let d):
      let encoding = spec.type.isEmpty ? (d.shape == nil ? "null" : "array") : spec.type
      var dtype: String? = d.typeInfo.name
      if encoding == "null" || encoding == "string" || encoding == "string-array" { dtype = nil }
      return DatasetSummary.Entry(key: key, encoding: encoding, dtype: dtype, shape: d.shape)
    case .group(let g):
      switch spec.type {
      case "csr_matrix", "csc_matrix":
        let info = try matrixInfo(node)
        return DatasetSummary.Entry(key: key, encoding: spec.type, dtype: info?.dtype, shape: info?.shape, nnz: info?.nnz)
      case "dataframe":
        let (n, _, columns) = try frame(g)
        return DatasetSummary.Entry(key: key, encoding: spec.type, shape: [n, columns.count])
      case "categorical", "nullable-integer", "nullable-boolean", "nullable-string-array":
        let first = g.contains("codes") ? try g.dataset("codes") : try g.dataset("values")
        return DatasetSummary.Entry(key: key, encoding: spec.type, dtype: try columnType(node), shape: first.shape)
      default:
        if g.hasAttribute("h5sparse_format") {
          let info = try matrixInfo(node)
          return DatasetSummary.Entry(key: key, encoding: "sparse (legacy)", dtype: info?.dtype, shape: info?.shape, nnz: info?.nnz)
        }
        return DatasetSummary.Entry(key: key, encoding: spec.type.isEmpty ? "dict" : spec.type, children: try entries(g))
      }
    }
  }
}
