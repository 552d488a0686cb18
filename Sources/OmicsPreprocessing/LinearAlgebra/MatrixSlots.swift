import OmicsCore
import OrderedCollections

/// Looking up the matrix an algorithm works on (X or a layer), and column selection of dense
/// matrices without index arrays as large as the matrix.
enum MatrixSlots {
  /// X, or the named layer; a clear error when it is absent.
  static func matrix(_ m: ExpressionMatrix, layer: String?) throws -> Matrix {
    if let layer {
      guard let l = m.layers[layer] else {
        let available = m.layers.keys.isEmpty ? "the file has no layers" : "layers: " + m.layers.keys.joined(separator: ", ")
        throw OmicsError("no layer named '\(layer)' (\(available))")
      }
      return l
    }
    guard let X = m.X else { throw OmicsError("the file has no X matrix") }
    return X
  }

  /// Keeps the variables at `positions`; dense X and layers are copied row by row.
  static func selectingVars(_ m: ExpressionMatrix, _ positions: [Int]) -> ExpressionMatrix {
    var stripped = m
    stripped.X = nil
    stripped.layers = [:]
    var out = ExpressionMatrixSubset.selectingVars(stripped, positions)
    out.X = m.X.map { selectColumns($0, positions) }
    out.layers = m.layers.mapValues { selectColumns($0, positions) }
    return out
  }

  static func selectColumns(_ matrix: Matrix, _ positions: [Int]) -> Matrix {
    guard case .dense(let d) = matrix, d.shape.count == 2 else {
      return ExpressionMatrixSubset.selectColumns(matrix, positions)
    }
    let rows = d.shape[0], cols = d.shape[1]
    func pick<T>(_ a: [T]) -> [T] {
      var out: [T] = []
      out.reserveCapacity(rows * positions.count)
      a.withUnsafeBufferPointer { b in
        for r in 0..<rows {
          let row = r * cols
          for c in positions { out.append(b[row + c]) }
        }
      }
      return out
    }
    let values: NumericArray
    switch d.values {
    case .float32(let a): values = .float32(pick(a))
    case .float64(let a): values = .float64(pick(a))
    case .int32(let a): values = .int32(pick(a))
    case .int64(let a): values = .int64(pick(a))
    default: return ExpressionMatrixSubset.selectColumns(matrix, positions)
    }
    return .dense(DenseArray(shape: [rows, positions.count], values: values))
  }
}
