/// Per-gene min-max scaling of one domain, as scDEAL (scikit-learn's `MinMaxScaler` fitted on the
/// whole domain matrix): `x' = (x − min_g)/(max_g − min_g)`; a gene with zero range maps to 0.
///
/// Each domain is scaled **within itself** (bulk samples with bulk minima, cells with cell minima).
public enum MinMaxScaler {
  /// Scales the columns of a row-major `rows × cols` matrix in place; returns the per-gene minima and
  /// ranges (range 0 for constant genes).
  @discardableResult
  public static func scaleColumns(_ x: inout [Float], rows: Int, cols: Int) -> (minimum: [Float], range: [Float]) {
    precondition(x.count == rows * cols, "\(x.count) values for \(rows) × \(cols)")
    var lo = [Float](repeating: .infinity, count: cols)
    var hi = [Float](repeating: -.infinity, count: cols)
    x.withUnsafeBufferPointer { p in
      for r in 0..<rows {
        for c in 0..<cols {
          let v = p[r * cols + c]
          if v < lo[c] { lo[c] = v }
          if v > hi[c] { hi[c] = v }
        }
      }
    }
    var range = [Float](repeating: 0, count: cols)
    for c in 0..<cols where rows > 0 { range[c] = hi[c] - lo[c] }
    x.withUnsafeMutableBufferPointer { p in
      for r in 0..<rows {
        for c in 0..<cols {
          let i = r * cols + c
          p[i] = range[c] > 0 ? (p[i] - lo[c]) / range[c] : 0
        }
      }
    }
    return (rows > 0 ? lo : [Float](repeating: 0, count: cols), range)
  }
}
