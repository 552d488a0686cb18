import OrderedCollections

/// Selection of observations or variables, keeping every slot consistent.
public enum ExpressionMatrixSubset {
  /// Keeps the variables at `positions` (in that order): X, layers, var, varm rows; varp rows and columns.
  public static func selectingVars(_ m: ExpressionMatrix, _ positions: [Int]) -> ExpressionMatrix {
    var out = m
    out.X = m.X.map { selectColumns($0, positions) }
    out.layers = m.layers.mapValues { selectColumns($0, positions) }
    out.var = selectRows(m.var, positions)
    out.varm = m.varm.mapValues { selectRows($0, positions) }
    out.varp = m.varp.mapValues { e in
      guard let matrix = e.matrix else { return e }
      return Element(selectColumns(selectRows(matrix, positions), positions))
    }
    return out
  }

  /// Keeps the observations at `positions`.
  public static func selectingObs(_ m: ExpressionMatrix, _ positions: [Int]) -> ExpressionMatrix {
    var out = m
    out.X = m.X.map { selectRows($0, positions) }
    out.layers = m.layers.mapValues { selectRows($0, positions) }
    out.obs = selectRows(m.obs, positions)
    out.obsm = m.obsm.mapValues { selectRows($0, positions) }
    out.obsp = m.obsp.mapValues { e in
      guard let matrix = e.matrix else { return e }
      return Element(selectColumns(selectRows(matrix, positions), positions))
    }
    if let raw = m.raw { out.raw = RawMatrix(X: raw.X.map { selectRows($0, positions) }, var: raw.var, varm: raw.varm) }
    return out
  }

  public static func selectRows(_ frame: DataFrame, _ positions: [Int]) -> DataFrame {
    var out = frame
    out.index = positions.map { frame.index[$0] }
    out.columns = frame.columns.mapValues { selectRows($0, positions) }
    return out
  }

  public static func selectRows(_ element: Element, _ positions: [Int]) -> Element {
    switch element {
    case .array(let a) where !a.shape.isEmpty:
      let rowSize = a.shape.dropFirst().reduce(1, *)
      var flat: [Int] = []
      flat.reserveCapacity(positions.count * rowSize)
      for p in positions { for k in 0..<rowSize { flat.append(p * rowSize + k) } }
      var shape = a.shape
      shape[0] = positions.count
      return .array(DenseArray(shape: shape, values: a.values.gathered(flat)))
    case .stringArray(let s) where !s.shape.isEmpty:
      let rowSize = s.shape.dropFirst().reduce(1, *)
      var values: [String] = []
      for p in positions { values.append(contentsOf: s.values[(p * rowSize)..<((p + 1) * rowSize)]) }
      var shape = s.shape
      shape[0] = positions.count
      return .stringArray(StringArray(shape: shape, values: values))
    case .sparse(let s): return Element(selectRows(.sparse(s), positions))
    case .dataFrame(let d): return .dataFrame(selectRows(d, positions))
    case .categorical(var c):
      c.codes = positions.map { c.codes[$0] }
      return .categorical(c)
    case .nullable(var n):
      switch n.values {
      case .numbers(let v): n.values = .numbers(v.gathered(positions))
      case .strings(let s): n.values = .strings(positions.map { s[$0] })
      }
      n.mask = positions.map { n.mask[$0] }
      return .nullable(n)
    case .recordArray(var r):
      r.fields = r.fields.map { f in
        switch f {
        case .numbers(let v): return .numbers(v.gathered(positions))
        case .strings(let s): return .strings(positions.map { s[$0] })
        }
      }
      return .recordArray(r)
    default: return element
    }
  }

  public static func selectRows(_ matrix: Matrix, _ positions: [Int]) -> Matrix {
    switch matrix {
    case .dense:
      guard case .array(let a) = selectRows(Element(matrix), positions) else { return matrix }
      return .dense(a)
    case .sparse(let s):
      let csr = s.converted(to: .csr)
      var indptr: [Int64] = [0]
      var indices: [Int32] = []
      var take: [Int] = []
      for p in positions {
        for k in Int(csr.indptr[p])..<Int(csr.indptr[p + 1]) {
          indices.append(csr.indices[k])
          take.append(k)
        }
        indptr.append(Int64(indices.count))
      }
      let out = SparseMatrix(layout: .csr, rows: positions.count, cols: s.cols, indptr: indptr, indices: indices, data: csr.data.gathered(take))
      return .sparse(s.layout == .csr ? out : out.converted(to: .csc))
    }
  }

  public static func selectColumns(_ matrix: Matrix, _ positions: [Int]) -> Matrix {
    switch matrix {
    case .dense(let a):
      let rows = a.shape.first ?? 0
      let cols = a.shape.count > 1 ? a.shape[1] : 1
      var flat: [Int] = []
      flat.reserveCapacity(rows * positions.count)
      for r in 0..<rows { for c in positions { flat.append(r * cols + c) } }
      return .dense(DenseArray(shape: [rows, positions.count], values: a.values.gathered(flat)))
    case .sparse(let s):
      let transposed = SparseMatrix(layout: s.layout == .csr ? .csc : .csr, rows: s.cols, cols: s.rows, indptr: s.indptr, indices: s.indices, data: s.data)
      guard case Matrix.sparse(let picked) = selectRows(Matrix.sparse(transposed), positions) else { return matrix }
      return .sparse(SparseMatrix(layout: picked.layout == .csr ? .csc : .csr, rows: s.rows, cols: positions.count, indptr: picked.indptr, indices: picked.indices, data: picked.data))
    }
  }
}
