/// An element's `(encoding-type, encoding-version)` pair, as anndata stamps it on every group and dataset.
public struct EncodingSpec: Hashable, Sendable, CustomStringConvertible {
  public var type: String
  public var version: String

  public init(_ type: String, _ version: String) {
    self.type = type
    self.version = version
  }

  /// Elements without attributes (anndata < 0.8, or plain HDF5 written by other tools).
  public static let legacy = EncodingSpec("", "")

  public var description: String { type.isEmpty ? "(no encoding)" : "\(type) \(version)" }

  // The specs anndata 0.8–0.13 write (AD methods.py).
  static let anndata = EncodingSpec("anndata", "0.1.0")
  static let raw = EncodingSpec("raw", "0.1.0")
  static let array = EncodingSpec("array", "0.2.0")
  static let csr = EncodingSpec("csr_matrix", "0.1.0")
  static let csc = EncodingSpec("csc_matrix", "0.1.0")
  static let dataFrame = EncodingSpec("dataframe", "0.2.0")
  static let categorical = EncodingSpec("categorical", "0.2.0")
  static let stringArray = EncodingSpec("string-array", "0.2.0")
  static let nullableInteger = EncodingSpec("nullable-integer", "0.1.0")
  static let nullableBoolean = EncodingSpec("nullable-boolean", "0.1.0")
  static let nullableString = EncodingSpec("nullable-string-array", "0.1.0")
  static let numericScalar = EncodingSpec("numeric-scalar", "0.2.0")
  static let string = EncodingSpec("string", "0.2.0")
  static let null = EncodingSpec("null", "0.1.0")
  static let dict = EncodingSpec("dict", "0.1.0")
  static let recArray = EncodingSpec("rec-array", "0.2.0")
}

extension HDF5Object {
  /// The element's encoding attributes; `("", "")` when absent.
  func encodingSpec() throws -> EncodingSpec {
    let type = try stringAttribute("encoding-type") ?? ""
    let version = try stringAttribute("encoding-version") ?? ""
    return EncodingSpec(type, version)
  }

  func stamp(_ spec: EncodingSpec) throws {
    try setAttribute("encoding-type", string: spec.type)
    try setAttribute("encoding-version", string: spec.version)
  }
}
