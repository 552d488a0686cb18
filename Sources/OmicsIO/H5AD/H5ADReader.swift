import OmicsCore
import OrderedCollections

/// Reads `.h5ad` files of every layout anndata 0.6 – 0.13 writes into an `ExpressionMatrix`.
///
///     let m = try H5ADReader.read("pbmc.h5ad")
///     print(m.nObs, m.nVars)
///
/// Every problem (missing element, bad sparse structure, unknown encoding, shape mismatch,
/// unsupported compression filter) is an `OmicsError` naming the file and the element path.
public enum H5ADReader {
  /// Reads the whole file. With `showProgress`, a bar is drawn on a terminal while X is read.
  /// With `skippingX`, X is left out (nil): the rest of the file, for callers that stream X.
  public static func read(_ path: String, showProgress: Bool = true, skippingX: Bool = false) throws -> ExpressionMatrix {
    let file = try HDF5File.open(path)
    let root = try file.root()
    let progress = showProgress && !skippingX ? try xProgress(root) : nil
    defer { progress?.finish() }
    let reader = H5ADElementReader(progress: progress)
    let plain = H5ADElementReader(progress: nil)

    let obsKey = firstPresent(root, ["obs", "_obs", "smp", "_smp"])
    let varKey = firstPresent(root, ["var", "_var"])
    guard let obsKey else { throw OmicsError(file: path, location: "/obs", "missing: not an h5ad file?") }
    guard let varKey else { throw OmicsError(file: path, location: "/var", "missing: not an h5ad file?") }
    var uns: OrderedDictionary<String, Element> = [:]
    if root.contains("uns") {
      guard case .dict(let d) = try plain.read(try root.child("uns")) else {
        throw OmicsError(file: path, location: "/uns", "expected a group")
      }
      uns = d
    }
    var obs = try readDataFrame(try root.child(obsKey), reader: plain, uns: &uns)
    var variables = try readDataFrame(try root.child(varKey), reader: plain, uns: &uns)

    var X: Matrix?
    if !skippingX, let xKey = firstPresent(root, ["X", "_X", "data", "_data"]) {
      let element = try reader.read(try root.child(xKey))
      guard let m = element.matrix else {
        throw OmicsError(file: path, location: "/" + xKey, "X must be a 2-D dense or sparse matrix, found \(element.encodingType)")
      }
      X = m
    }
    let layers = try readMatrices(root, "layers", reader: plain)
    let obsm = try readMapping(root, ["obsm", "smpm"], reader: plain)
    let varm = try readMapping(root, ["varm"], reader: plain)
    let obsp = try readMapping(root, ["obsp"], reader: plain)
    let varp = try readMapping(root, ["varp"], reader: plain)
    let raw = try readRaw(root, reader: plain, uns: &uns)

    // anndata < 0.8 wrote no var/obs when empty; fill indices from X when a dataframe is empty but X is not.
    if let X {
      if obs.index.isEmpty && X.rows > 0 && obs.columns.isEmpty { obs.index = (0..<X.rows).map(String.init) }
      if variables.index.isEmpty && X.cols > 0 && variables.columns.isEmpty {
        variables.index = (0..<X.cols).map(String.init)
      }
    }
    let matrix = ExpressionMatrix(
      X: X, obs: obs, var: variables, layers: layers, obsm: obsm, varm: varm, obsp: obsp, varp: varp, uns: uns,
      raw: raw)
    if let problem = matrix.validateShapes() {
      throw OmicsError(file: path, location: "/", "shape mismatch: \(problem)")
    }
    return matrix
  }

  static func firstPresent(_ g: HDF5Group, _ names: [String]) -> String? {
    names.first { g.contains($0) }
  }

  static func xProgress(_ root: HDF5Group) throws -> ProgressBar? {
    guard StandardError.isTerminal, ProgressBar.isEnabledGlobally, root.contains("X") else { return nil }
    var total = 0
    switch try root.child("X") {
    case .dataset(let d): total = d.count
    case .group(let g):
      if g.kind(of: "data") == .dataset { total = 2 * (try g.dataset("data").count) }
    }
    // Small matrices read in a blink; no bar.
    return total > 5_000_000 ? ProgressBar("Reading X", total: total) : nil
  }

  /// A dataframe group (0.7+), or an anndata 0.6 compound dataset whose categories live in uns.
  static func readDataFrame(
    _ node: HDF5Node, reader: H5ADElementReader, uns: inout OrderedDictionary<String, Element>
  ) throws -> DataFrame {
    switch node {
    case .group(let g):
      let spec = try g.encodingSpec()
      guard spec.type == "dataframe" || spec.type.isEmpty else {
        throw g.error("expected a dataframe, found encoding-type '\(spec.type)'")
      }
      if spec.type.isEmpty && !g.hasAttribute("_index") {
        throw g.error("expected a dataframe group with an _index attribute")
      }
      return try H5ADDataFrameReader(elements: reader).read(g, spec: spec)
    case .dataset(let d):
      return try H5ADLegacyDataFrame.read(d, uns: &uns)
    }
  }

  static func readMapping(
    _ root: HDF5Group, _ names: [String], reader: H5ADElementReader
  ) throws -> OrderedDictionary<String, Element> {
    guard let key = firstPresent(root, names) else { return [:] }
    switch try root.child(key) {
    case .group(let g):
      return try reader.readDict(g)
    case .dataset(let d):
      // anndata 0.6: one compound dataset with a field per key.
      guard case .records(let r, _) = try d.read() else { throw d.error("expected a group of arrays") }
      let rows = d.shape?.first ?? 0
      var out: OrderedDictionary<String, Element> = [:]
      for (name, field) in zip(r.names, r.fields) {
        switch field {
        case .numbers(let n):
          let width = rows > 0 ? n.count / rows : 0
          out[name] = .array(DenseArray(shape: width > 1 || rows == 0 ? [rows, width] : [rows, 1], values: n))
        case .strings(let s): out[name] = .stringArray(StringArray(s))
        }
      }
      return out
    }
  }

  static func readMatrices(
    _ root: HDF5Group, _ name: String, reader: H5ADElementReader
  ) throws -> OrderedDictionary<String, Matrix> {
    var out: OrderedDictionary<String, Matrix> = [:]
    for (key, element) in try readMapping(root, [name], reader: reader) {
      guard let m = element.matrix else {
        throw OmicsError(file: root.file.path, location: "/\(name)/\(key)", "expected a 2-D matrix, found \(element.encodingType)")
      }
      out[key] = m
    }
    return out
  }

  /// `raw` group (0.7+) or the top-level `raw.X`/`raw.var`/`raw.varm` keys of anndata 0.6.
  static func readRaw(
    _ root: HDF5Group, reader: H5ADElementReader, uns: inout OrderedDictionary<String, Element>
  ) throws -> RawMatrix? {
    if root.kind(of: "raw") == .group {
      let g = try root.group("raw")
      let X = g.contains("X") ? try reader.read(try g.child("X")).matrix : nil
      let variables = g.contains("var") ? try readDataFrame(try g.child("var"), reader: reader, uns: &uns) : DataFrame(index: [])
      let varm = g.contains("varm") ? try readMapping(g, ["varm"], reader: reader) : [:]
      return RawMatrix(X: X, var: variables, varm: varm)
    }
    guard root.contains("raw.X") else { return nil }
    let X = try reader.read(try root.child("raw.X")).matrix
    var variables = root.contains("raw.var")
      ? try readDataFrame(try root.child("raw.var"), reader: reader, uns: &uns) : DataFrame(index: [])
    if root.contains("raw.cat"), case .dict(let cats) = try reader.read(try root.child("raw.cat")) {
      H5ADLegacyDataFrame.applyCategories(cats, to: &variables)
    }
    let varm = root.contains("raw.varm") ? try readMapping(root, ["raw.varm"], reader: reader) : [:]
    return RawMatrix(X: X, var: variables, varm: varm)
  }
}
