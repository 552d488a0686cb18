import Foundation
import OmicsCore

/// What `omics inspect` reports about a file: format, shape, X storage, annotation columns with
/// their types, the keys of every slot, and the uns tree. Encodable for `--json`.
public struct DatasetSummary: Codable, Sendable, Equatable {
  /// One annotation column (or the index): its name and a description of its type.
  public struct Column: Codable, Sendable, Equatable {
    public var name: String
    public var type: String
  }

  /// One stored element: its key, encoding, element type and shape.
  public struct Entry: Codable, Sendable, Equatable {
    public var key: String
    public var encoding: String
    public var dtype: String?
    public var shape: [Int]?
    public var nnz: Int?
    public var children: [Entry]?
  }

  /// Storage of a matrix (X, a layer, raw X).
  public struct MatrixInfo: Codable, Sendable, Equatable {
    public var layout: String
    public var dtype: String
    public var shape: [Int]
    public var nnz: Int?
    public var compression: String?
  }

  public var path: String
  public var format: String
  public var nObs: Int
  public var nVars: Int
  public var X: MatrixInfo?
  public var obsIndex: String
  public var obs: [Column]
  public var varIndex: String
  public var `var`: [Column]
  public var layers: [Entry]
  public var obsm: [Entry]
  public var varm: [Entry]
  public var obsp: [Entry]
  public var varp: [Entry]
  public var uns: [Entry]
  public var raw: RawInfo?

  /// The raw slot: its variables and X.
  public struct RawInfo: Codable, Sendable, Equatable {
    public var nVars: Int
    public var X: MatrixInfo?
  }
}

extension DatasetSummary {
  /// A summary of a matrix already in memory (for formats read in full).
  public init(path: String, format: String, matrix m: ExpressionMatrix) {
    self.path = path
    self.format = format
    self.nObs = m.nObs
    self.nVars = m.nVars
    self.X = m.X.map(Self.info)
    self.obsIndex = m.obs.indexName
    self.obs = m.obs.columns.map { Column(name: $0.key, type: Self.typeName($0.value)) }
    self.varIndex = m.var.indexName
    self.var = m.var.columns.map { Column(name: $0.key, type: Self.typeName($0.value)) }
    self.layers = m.layers.map { Self.entry($0.key, Element($0.value)) }
    self.obsm = m.obsm.map { Self.entry($0.key, $0.value) }
    self.varm = m.varm.map { Self.entry($0.key, $0.value) }
    self.obsp = m.obsp.map { Self.entry($0.key, $0.value) }
    self.varp = m.varp.map { Self.entry($0.key, $0.value) }
    self.uns = m.uns.map { Self.entry($0.key, $0.value) }
    self.raw = m.raw.map { RawInfo(nVars: $0.var.rowCount, X: $0.X.map(Self.info)) }
  }

  static func info(_ m: Matrix) -> MatrixInfo {
    switch m {
    case .dense(let d): return MatrixInfo(layout: "dense", dtype: d.scalarType.rawValue, shape: d.shape, nnz: nil)
    case .sparse(let s):
      return MatrixInfo(layout: s.layout.rawValue, dtype: s.data.scalarType.rawValue, shape: [s.rows, s.cols], nnz: s.nnz)
    }
  }

  static func typeName(_ e: Element) -> String {
    switch e {
    case .array(let a): return a.scalarType.rawValue
    case .stringArray: return "string"
    case .categorical(let c):
      let kind: String
      if case .numbers(let n) = c.categories { kind = " of \(n.scalarType.rawValue)" } else { kind = "" }
      return "categorical (\(c.categories.count) categories\(kind)\(c.ordered ? ", ordered" : ""))"
    case .nullable(let n):
      switch n.values {
      case .strings: return "nullable string"
      case .numbers(let v): return "nullable \(v.scalarType.rawValue)"
      }
    default: return e.encodingType
    }
  }

  static func entry(_ key: String, _ e: Element) -> Entry {
    switch e {
    case .array(let a): return Entry(key: key, encoding: e.encodingType, dtype: a.scalarType.rawValue, shape: a.shape)
    case .stringArray(let s): return Entry(key: key, encoding: e.encodingType, dtype: "string", shape: s.shape)
    case .sparse(let s):
      return Entry(key: key, encoding: e.encodingType, dtype: s.data.scalarType.rawValue, shape: [s.rows, s.cols], nnz: s.nnz)
    case .dataFrame(let d):
      return Entry(key: key, encoding: e.encodingType, shape: [d.rowCount, d.columns.count],
                   children: d.columns.map { Entry(key: $0.key, encoding: $0.value.encodingType, dtype: typeName($0.value)) })
    case .categorical, .nullable:
      return Entry(key: key, encoding: e.encodingType, dtype: typeName(e), shape: e.length.map { [$0] })
    case .recordArray(let r):
      return Entry(key: key, encoding: e.encodingType, dtype: r.names.joined(separator: ","), shape: [r.count])
    case .string: return Entry(key: key, encoding: e.encodingType, dtype: "string", shape: [])
    case .null: return Entry(key: key, encoding: e.encodingType)
    case .dict(let d): return Entry(key: key, encoding: e.encodingType, children: d.map { entry($0.key, $0.value) })
    }
  }

  /// A human-readable multi-line rendering.
  public func text() -> String {
    var lines: [String] = []
    lines.append("\(path)  [\(format)]")
    lines.append("shape: \(nObs) obs × \(nVars) vars")
    if let X {
      lines.append("X: " + Self.describe(X))
    } else {
      lines.append("X: none")
    }
    func columns(_ title: String, _ index: String, _ cols: [Column]) {
      lines.append("\(title) (index '\(index)', \(cols.count) column\(cols.count == 1 ? "" : "s"))")
      let width = cols.map(\.name.count).max() ?? 0
      for c in cols { lines.append("  " + c.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + c.type) }
    }
    columns("obs", obsIndex, obs)
    columns("var", varIndex, self.var)
    for (title, entries) in [("layers", layers), ("obsm", obsm), ("varm", varm), ("obsp", obsp), ("varp", varp)] {
      if entries.isEmpty { lines.append("\(title): none"); continue }
      lines.append("\(title):")
      for e in entries { lines.append("  " + Self.describe(e)) }
    }
    if uns.isEmpty {
      lines.append("uns: none")
    } else {
      lines.append("uns:")
      func tree(_ entries: [Entry], _ depth: Int) {
        for e in entries {
          lines.append(String(repeating: "  ", count: depth) + Self.describe(e))
          if e.encoding == "dict", let children = e.children { tree(children, depth + 1) }
        }
      }
      tree(uns, 1)
    }
    if let raw {
      lines.append("raw: \(raw.nVars) vars, X: " + (raw.X.map(Self.describe) ?? "none"))
    }
    return lines.joined(separator: "\n")
  }

  static func describe(_ m: MatrixInfo) -> String {
    var s = "\(m.layout) \(m.dtype) \(m.shape.map(String.init).joined(separator: " × "))"
    if let nnz = m.nnz {
      let total = m.shape.reduce(1, *)
      let density = total > 0 ? Double(nnz) / Double(total) * 100 : 0
      s += ", \(nnz) stored (\(String(format: "%.2f", density))% dense)"
    }
    if let c = m.compression { s += ", \(c)" }
    return s
  }

  static func describe(_ e: Entry) -> String {
    var s = e.key + ": " + e.encoding
    if let dtype = e.dtype, e.encoding != "dict" { s += " " + dtype }
    if let shape = e.shape, !shape.isEmpty { s += " " + shape.map(String.init).joined(separator: " × ") }
    if let nnz = e.nnz { s += ", \(nnz) stored" }
    return s
  }
}
