import OmicsCore

/// The samples × genes values of an input file's X as Doubles (NaN kept: the callers decide).
public enum DeepProfileInput {
  public static func values(_ m: ExpressionMatrix, file: String) throws -> [Double] {
    guard let X = m.X else { throw OmicsError(file: file, location: "X", "the file has no X matrix") }
    guard m.nObs > 0, m.nVars > 0 else { throw OmicsError(file: file, location: "X", "empty matrix (\(m.nObs) × \(m.nVars))") }
    switch X {
    case .dense(let d): return d.values.doubles()
    case .sparse(let s): return s.denseDoubles()
    }
  }
}
