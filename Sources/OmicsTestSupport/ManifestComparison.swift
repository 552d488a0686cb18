import Foundation
import OmicsCore

/// Compares an `ExpressionMatrix` read by omics with an oracle manifest written by the peer tool
/// (`Fixtures/**/F.json`, schema in `Fixtures/README.md`). Returns every difference found, so a
/// failing test lists them all. Floating-point values must match exactly (both sides read the same
/// bytes), except that Float32 values are compared after rounding the manifest's to Float32.
public struct ManifestComparison {
  public private(set) var differences: [String] = []
  /// Var names are compared after anndata's make_unique (omics makes 10x names unique; scanpy's h5 reader does not).
  public var uniqueVarNames = false

  public init(uniqueVarNames: Bool = false) { self.uniqueVarNames = uniqueVarNames }

  /// Loads a manifest file.
  public static func load(_ path: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw OmicsError(file: path, "manifest is not a JSON object")
    }
    return object
  }

  mutating func note(_ s: String) { differences.append(s) }

  public mutating func compare(_ m: ExpressionMatrix, _ manifest: [String: Any]) {
    expectInt(m.nObs, manifest["n_obs"], "n_obs")
    expectInt(m.nVars, manifest["n_vars"], "n_vars")
    if let names = manifest["obs_names"] as? [String], names != m.obs.index { note("obs_names differ: \(m.obs.index.prefix(5)) vs \(names.prefix(5))") }
    if var names = manifest["var_names"] as? [String] {
      if uniqueVarNames { names = makeUniqueNames(names) }
      if names != m.var.index { note("var_names differ: \(m.var.index.prefix(8)) vs \(names.prefix(8))") }
    }
    if let xm = manifest["X"] as? [String: Any], xm["layout"] is NSNull {
      if m.X != nil { note("X present but anndata reads none") }
    } else if let xm = manifest["X"] as? [String: Any] {
      if let X = m.X { compareMatrix(X, xm, "X") } else { note("X missing") }
    } else if manifest["X"] is NSNull, m.X != nil {
      note("X present but the manifest has none")
    }
    if let order = manifest["obs_column_order"] as? [String], order != Array(m.obs.columns.keys) {
      note("obs column order \(Array(m.obs.columns.keys)) vs \(order)")
    }
    if let order = manifest["var_column_order"] as? [String], order != Array(m.var.columns.keys) {
      note("var column order \(Array(m.var.columns.keys)) vs \(order)")
    }
    if let name = manifest["var_index_name"] as? String, name != m.var.indexName { note("var index name \(m.var.indexName) vs \(name)") }
    if let columns = manifest["obs"] as? [String: Any] { compareColumns(m.obs, columns, "obs") }
    if let columns = manifest["var"] as? [String: Any] { compareColumns(m.var, columns, "var") }
    if let layers = manifest["layers"] as? [String: Any] {
      expectKeys(Array(m.layers.keys), layers, "layers")
      for (k, v) in layers { if let l = m.layers[k], let d = v as? [String: Any] { compareMatrix(l, d, "layers/\(k)") } }
    }
    for slot in ["obsm", "varm", "obsp", "varp"] {
      guard let expected = manifest[slot] as? [String: Any] else { continue }
      let actual: [String: Element]
      switch slot {
      case "obsm": actual = Dictionary(uniqueKeysWithValues: m.obsm.map { ($0.key, $0.value) })
      case "varm": actual = Dictionary(uniqueKeysWithValues: m.varm.map { ($0.key, $0.value) })
      case "obsp": actual = Dictionary(uniqueKeysWithValues: m.obsp.map { ($0.key, $0.value) })
      default: actual = Dictionary(uniqueKeysWithValues: m.varp.map { ($0.key, $0.value) })
      }
      expectKeys(Array(actual.keys), expected, slot)
      for (k, v) in expected {
        guard let e = actual[k], let d = v as? [String: Any] else { continue }
        compareSlotEntry(e, d, "\(slot)/\(k)")
      }
    }
    if let uns = manifest["uns"] as? [String: Any] {
      compareUns(.dict(m.uns), uns, "uns")
    }
    if let raw = manifest["raw"] as? [String: Any] {
      guard let r = m.raw else { note("raw missing"); return }
      expectInt(r.var.rowCount, raw["n_vars"], "raw n_vars")
      if let names = raw["var_names"] as? [String], names != r.var.index { note("raw var_names differ") }
      if let xm = raw["X"] as? [String: Any] {
        if let X = r.X { compareMatrix(X, xm, "raw/X") } else { note("raw X missing") }
      }
    } else if manifest["raw"] is NSNull, m.raw != nil {
      note("raw present but the manifest has none")
    }
  }

  mutating func expectInt(_ actual: Int, _ expected: Any?, _ what: String) {
    guard let e = (expected as? NSNumber)?.intValue else { return }
    if e != actual { note("\(what): \(actual) vs \(e)") }
  }

  mutating func expectKeys(_ actual: [String], _ expected: [String: Any], _ what: String) {
    if Set(actual) != Set(expected.keys) { note("\(what) keys \(actual.sorted()) vs \(expected.keys.sorted())") }
  }

  mutating func compareSlotEntry(_ e: Element, _ d: [String: Any], _ what: String) {
    if let shape = d["shape"] as? [Int] {
      let actualShape: [Int]
      switch e {
      case .array(let a): actualShape = a.shape
      case .sparse(let s): actualShape = [s.rows, s.cols]
      case .dataFrame(let f): actualShape = [f.rowCount, f.columns.count]
      case .stringArray(let s): actualShape = s.shape
      default: actualShape = []
      }
      if actualShape != shape { note("\(what) shape \(actualShape) vs \(shape)") }
    }
    switch (d["kind"] as? String, e) {
    case ("dense", .array(let a)):
      if let dtype = d["dtype"] as? String, dtype != a.scalarType.rawValue { note("\(what) dtype \(a.scalarType) vs \(dtype)") }
      if let values = d["values"] as? [Any] { compareNumbers(a.values, values, what) }
    case ("sparse", .sparse(let s)): compareMatrix(.sparse(s), d, what)
    case ("dataframe", .dataFrame(let f)):
      if let index = d["index"] as? [String], index != f.index { note("\(what) index differs") }
      if let columns = d["columns"] as? [String: Any] { compareColumns(f, columns, what) }
    case (let kind?, _): note("\(what): expected \(kind), found \(e.encodingType)")
    default: break
    }
  }

  mutating func compareMatrix(_ m: Matrix, _ d: [String: Any], _ what: String) {
    if let layout = d["layout"] as? String {
      let actual: String
      switch m {
      case .dense: actual = "dense"
      case .sparse(let s): actual = s.layout.rawValue
      }
      if actual != layout { note("\(what) layout \(actual) vs \(layout)") }
    }
    if let dtype = d["dtype"] as? String, dtype != m.scalarType.rawValue { note("\(what) dtype \(m.scalarType.rawValue) vs \(dtype)") }
    if let shape = d["shape"] as? [Int], shape != [m.rows, m.cols] { note("\(what) shape \([m.rows, m.cols]) vs \(shape)") }
    if let nnz = d["nnz"] as? Int, case .sparse(let s) = m, s.nnz != nnz { note("\(what) nnz \(s.nnz) vs \(nnz)") }
    if let rows = d["dense"] as? [[Any]] {
      let flat = rows.flatMap { $0 }
      let actual = m.denseDoubles()
      guard flat.count == actual.count else { note("\(what) has \(actual.count) values vs \(flat.count)"); return }
      for (i, v) in flat.enumerated() where !same(actual[i], v, float32: m.scalarType == .float32) {
        note("\(what)[\(i / max(m.cols, 1)), \(i % max(m.cols, 1))] = \(actual[i]) vs \(v)")
        return
      }
    }
  }

  func same(_ a: Double, _ e: Any, float32: Bool) -> Bool {
    if e is NSNull { return a.isNaN }
    // Booleans arrive as NSNumber 0/1; NSNumber's `as? Bool` also matches non-zero numbers, so never use it.
    guard let n = (e as? NSNumber)?.doubleValue else { return false }
    if float32 { return Float(a) == Float(n) }
    // JSON decoding may be off by an ulp or two from the exact double; anything more is a real difference.
    return a == n || (a.isNaN && n.isNaN) || abs(a - n) <= 4 * max(a.ulp, n.ulp)
  }

  mutating func compareNumbers(_ values: NumericArray, _ expected: [Any], _ what: String) {
    guard values.count == expected.count else { note("\(what): \(values.count) values vs \(expected.count)"); return }
    for i in 0..<values.count where !same(values.double(at: i), expected[i], float32: values.scalarType == .float32) {
      note("\(what)[\(i)] = \(values.double(at: i)) vs \(expected[i])")
      return
    }
  }

  mutating func compareColumns(_ frame: DataFrame, _ columns: [String: Any], _ what: String) {
    expectKeys(Array(frame.columns.keys), columns, "\(what) columns")
    for (name, spec) in columns {
      guard let d = spec as? [String: Any], let column = frame.columns[name] else { continue }
      let label = "\(what)/\(name)"
      let values = d["values"] as? [Any] ?? []
      switch (d["kind"] as? String ?? "", column) {
      case ("categorical", .categorical(let c)):
        if let ordered = d["ordered"] as? Bool, ordered != c.ordered { note("\(label) ordered \(c.ordered) vs \(ordered)") }
        if let codes = d["codes"] as? [Int], codes != c.codes.map(Int.init) { note("\(label) codes \(c.codes) vs \(codes)") }
        if let cats = d["categories"] as? [Any] {
          switch c.categories {
          case .strings(let s): if (cats as? [String]) != s { note("\(label) categories \(s) vs \(cats)") }
          case .numbers(let n):
            compareNumbers(n, cats, "\(label) categories")
            if let dtype = d["categories_dtype"] as? String, dtype != n.scalarType.rawValue { note("\(label) categories dtype \(n.scalarType) vs \(dtype)") }
          }
        }
      case ("string", .stringArray(let s)):
        if (values as? [String]) != s.values { note("\(label) values \(s.values.prefix(5)) vs \(values.prefix(5))") }
      case ("numeric", .array(let a)), ("bool", .array(let a)):
        if let dtype = d["dtype"] as? String, dtype != a.scalarType.rawValue { note("\(label) dtype \(a.scalarType) vs \(dtype)") }
        compareNumbers(a.values, values, label)
      case ("nullable-integer", .nullable(let n)), ("nullable-boolean", .nullable(let n)):
        guard case .numbers(let v) = n.values, values.count == n.count else { note("\(label) nullable values differ"); continue }
        for i in 0..<n.count {
          let ok = n.mask[i] ? values[i] is NSNull : same(v.double(at: i), values[i], float32: false)
          if !ok { note("\(label)[\(i)] differs"); break }
        }
      case ("nullable-string", .nullable(let n)):
        guard case .strings(let v) = n.values, values.count == n.count else { note("\(label) nullable strings differ"); continue }
        for i in 0..<n.count {
          let ok = n.mask[i] ? values[i] is NSNull : (values[i] as? String) == v[i]
          if !ok { note("\(label)[\(i)] differs: \(v[i]) vs \(values[i])"); break }
        }
      case (let kind, _): note("\(label): expected \(kind), found \(column.encodingType)")
      }
    }
  }

  mutating func compareUns(_ e: Element, _ expected: Any, _ what: String) {
    switch (e, expected) {
    case (.dict(let d), let x as [String: Any]) where x["rec"] == nil && x["sparse"] == nil && x["shape"] == nil:
      if Set(d.keys) != Set(x.keys) { note("\(what) keys \(d.keys.sorted()) vs \(x.keys.sorted())") }
      for (k, v) in x { if let child = d[k] { compareUns(child, v, "\(what)/\(k)") } }
    case (.null, is NSNull): break
    case (.string(let s), let x as String): if s != x { note("\(what) '\(s)' vs '\(x)'") }
    case (.array(let a), let x as NSNumber) where a.isScalar:
      if !same(a.values.double(at: 0), x, float32: a.scalarType == .float32) { note("\(what) \(a.values.double(at: 0)) vs \(x)") }
    case (.array(let a), let x as [String: Any]):
      if let shape = x["shape"] as? [Int], shape != a.shape { note("\(what) shape \(a.shape) vs \(shape)") }
      if let dtype = x["dtype"] as? String, dtype != a.scalarType.rawValue { note("\(what) dtype \(a.scalarType) vs \(dtype)") }
      if let values = x["values"] as? [Any] { compareNumbers(a.values, values, what) }
    case (.stringArray(let s), let x as [String: Any]):
      if let shape = x["shape"] as? [Int], shape != s.shape { note("\(what) shape \(s.shape) vs \(shape)") }
      if let values = x["values"] as? [String], values != s.values { note("\(what) values \(s.values) vs \(values)") }
    case (.recordArray(let r), let x as [String: Any]):
      guard let rec = x["rec"] as? [String: Any] else { note("\(what) is a rec-array"); return }
      if Set(r.names) != Set(rec.keys) { note("\(what) fields \(r.names) vs \(rec.keys.sorted())") }
      for (name, field) in zip(r.names, r.fields) {
        guard let values = rec[name] as? [Any] else { continue }
        switch field {
        case .strings(let s): if (values as? [String]) != s { note("\(what).\(name) \(s) vs \(values)") }
        case .numbers(let n): compareNumbers(n, values, "\(what).\(name)")
        }
      }
    case (.sparse(let s), let x as [String: Any]):
      if let d = x["sparse"] as? [String: Any] { compareMatrix(.sparse(s), d, what) }
    default:
      note("\(what): \(e.encodingType) vs \(type(of: expected)) \(expected)")
    }
  }
}
