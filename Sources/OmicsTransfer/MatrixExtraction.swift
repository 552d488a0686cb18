import OmicsCore

/// Dense row-major `Float` values of an `ExpressionMatrix`'s X, refusing NaN and infinite values
/// with a message naming the row and gene.
public enum MatrixExtraction {
  public static func denseX(_ m: ExpressionMatrix, file: String) throws -> [Float] {
    guard let X = m.X else { throw OmicsError(file: file, location: "X", "the file has no X matrix") }
    let values: [Float]
    switch X {
    case .dense(let d): values = d.values.floats()
    case .sparse(let s): values = s.denseDoubles().map { Float($0) }
    }
    if let i = values.firstIndex(where: { !$0.isFinite }) {
      let cols = max(m.nVars, 1)
      let row = m.obs.index[i / cols], gene = m.var.index[i % cols]
      throw OmicsError(file: file, location: "X", "non-finite value \(values[i]) at row '\(row)', gene '\(gene)'")
    }
    return values
  }

  /// The obs column `name` as numbers (NaN = missing) when it is numeric; nil for text columns.
  public static func numericColumn(_ m: ExpressionMatrix, _ name: String) -> [Double]? {
    switch m.obs.columns[name] {
    case .array(let a)? where a.shape.count == 1: return a.values.doubles()
    case .nullable(let n)?:
      if case .numbers(let v) = n.values { return zip(v.doubles(), n.mask).map { $1 ? .nan : $0 } }
      return nil
    default: return nil
    }
  }

  /// The obs column `name` as strings (missing as nil), numbers written as integers when integral.
  public static func stringColumn(_ m: ExpressionMatrix, _ name: String) -> [String?]? {
    if let s = m.obs.strings(name) { return s }
    if let v = numericColumn(m, name) { return v.map { $0.isNaN ? nil : BinaryLabels.numberString($0) } }
    return nil
  }
}
