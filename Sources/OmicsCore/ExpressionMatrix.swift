import OrderedCollections

/// An annotated data matrix in AnnData's model: observations (cells, samples) × variables (genes).
///
/// `X` is optional, as in anndata ≥ 0.8; when absent the shape comes from `obs` and `var`.
/// Every slot keeps its on-disk encoding so that reading and writing h5ad is lossless.
///
///     var m = ExpressionMatrix(obs: DataFrame(index: ["c1", "c2"]), var: DataFrame(index: ["g1"]))
///     m.X = .dense(DenseArray(shape: [2, 1], values: .float32([1, 2])))
public struct ExpressionMatrix: Sendable, Equatable {
  public var X: Matrix?
  public var obs: DataFrame
  public var `var`: DataFrame
  public var layers: OrderedDictionary<String, Matrix>
  public var obsm: OrderedDictionary<String, Element>
  public var varm: OrderedDictionary<String, Element>
  public var obsp: OrderedDictionary<String, Element>
  public var varp: OrderedDictionary<String, Element>
  public var uns: OrderedDictionary<String, Element>
  public var raw: RawMatrix?

  public init(
    X: Matrix? = nil, obs: DataFrame, `var`: DataFrame,
    layers: OrderedDictionary<String, Matrix> = [:],
    obsm: OrderedDictionary<String, Element> = [:], varm: OrderedDictionary<String, Element> = [:],
    obsp: OrderedDictionary<String, Element> = [:], varp: OrderedDictionary<String, Element> = [:],
    uns: OrderedDictionary<String, Element> = [:], raw: RawMatrix? = nil
  ) {
    self.X = X
    self.obs = obs
    self.var = `var`
    self.layers = layers
    self.obsm = obsm
    self.varm = varm
    self.obsp = obsp
    self.varp = varp
    self.uns = uns
    self.raw = raw
  }

  public var nObs: Int { obs.rowCount }
  public var nVars: Int { self.var.rowCount }

  /// Checks that X, layers and the per-axis slots agree with obs and var; the message names the slot.
  public func validateShapes() -> String? {
    if let X, X.rows != nObs || X.cols != nVars {
      return "X is \(X.rows) × \(X.cols) but obs has \(nObs) rows and var has \(nVars)"
    }
    for (name, layer) in layers where layer.rows != nObs || layer.cols != nVars {
      return "layers/\(name) is \(layer.rows) × \(layer.cols), expected \(nObs) × \(nVars)"
    }
    for (name, e) in obsm where e.length != nil && e.length != nObs {
      return "obsm/\(name) has \(e.length ?? 0) rows, expected \(nObs)"
    }
    for (name, e) in varm where e.length != nil && e.length != nVars {
      return "varm/\(name) has \(e.length ?? 0) rows, expected \(nVars)"
    }
    for (slot, dict, n) in [("obsp", obsp, nObs), ("varp", varp, nVars)] {
      for (name, e) in dict {
        if let m = e.matrix, m.rows != n || m.cols != n {
          return "\(slot)/\(name) is \(m.rows) × \(m.cols), expected \(n) × \(n)"
        }
      }
    }
    for (name, column) in obs.columns where column.length != nil && column.length != nObs {
      return "obs column \(name) has \(column.length ?? 0) values, expected \(nObs)"
    }
    for (name, column) in self.var.columns where column.length != nil && column.length != nVars {
      return "var column \(name) has \(column.length ?? 0) values, expected \(nVars)"
    }
    return nil
  }
}

/// The `raw` slot: an earlier X with its own (possibly larger) set of variables; obs is shared.
public struct RawMatrix: Sendable, Equatable {
  public var X: Matrix?
  public var `var`: DataFrame
  public var varm: OrderedDictionary<String, Element>

  public init(X: Matrix?, `var`: DataFrame, varm: OrderedDictionary<String, Element> = [:]) {
    self.X = X
    self.var = `var`
    self.varm = varm
  }
}
