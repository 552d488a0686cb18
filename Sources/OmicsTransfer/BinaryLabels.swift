import Foundation
import OmicsCore

/// Two-class labels from an annotation column, with the mapping stated and missing values counted.
///
/// Rules (scDEAL background §1.2 and upstream issues #5/#6):
/// * missing values — nil, empty, `NA`, `NaN`, `nan`, `null`, `None`, `N/A` (any case) and NaN
///   numbers — are **dropped and counted**, never turned into a class;
/// * the values `0`/`1` (also `0.0`/`1.0`, `False`/`True`) map to themselves;
/// * two other strings: `resistant → 0`, `sensitive → 1` when those are the two (any case);
///   otherwise sorted order (the first in code-point order → 0), as scikit-learn's `LabelEncoder`;
/// * one class only, or more than two, is an error naming the values found.
public struct BinaryLabels: Sendable, Equatable {
  /// Label of each input row; nil where it was missing.
  public var labels: [Int?]
  /// Original value → class, e.g. `["resistant": 0, "sensitive": 1]`.
  public var mapping: [String: Int]
  /// Rows whose label was missing.
  public var missing: Int
  /// Rows per class.
  public var counts: [Int]

  static let missingTokens: Set<String> = ["", "na", "nan", "null", "none", "n/a", "<na>"]

  /// Encodes string values; `column` names the column in error messages.
  public init(values: [String?], column: String) throws {
    var present: [String] = []
    var keys: [String?] = []
    for v in values {
      guard let v, !Self.missingTokens.contains(v.trimmingCharacters(in: .whitespaces).lowercased()) else {
        keys.append(nil)
        continue
      }
      let k = Self.canonical(v.trimmingCharacters(in: .whitespaces))
      keys.append(k)
      if !present.contains(k) { present.append(k) }
    }
    let distinct = present.sorted()
    guard distinct.count == 2 else {
      let shown = distinct.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
      if distinct.count < 2 {
        throw OmicsError(location: "obs/\(column)",
                         "labels need two classes, found \(distinct.count)\(distinct.isEmpty ? "" : " (\(shown))")")
      }
      throw OmicsError(location: "obs/\(column)",
                       "labels need exactly two classes, found \(distinct.count) (\(shown)\(distinct.count > 5 ? ", …" : "")); use --binarize waterfall for a continuous response")
    }
    var map: [String: Int]
    let lower = distinct.map { $0.lowercased() }
    if distinct == ["0", "1"] {
      map = ["0": 0, "1": 1]
    } else if Set(lower) == ["resistant", "sensitive"] {
      map = [:]
      for d in distinct { map[d] = d.lowercased() == "sensitive" ? 1 : 0 }
    } else {
      map = [distinct[0]: 0, distinct[1]: 1]
    }
    labels = keys.map { $0.flatMap { map[$0] } }
    mapping = map
    missing = keys.filter { $0 == nil }.count
    counts = [labels.filter { $0 == 0 }.count, labels.filter { $0 == 1 }.count]
  }

  /// Encodes numbers (NaN = missing); they must be 0 and 1.
  public init(numbers: [Double], column: String) throws {
    try self.init(values: numbers.map { $0.isNaN ? nil : Self.numberString($0) }, column: column)
  }

  static func numberString(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
    return String(v)
  }

  /// `0.0`/`1.0`/`False`/`True` → `0`/`1`; anything else unchanged.
  static func canonical(_ v: String) -> String {
    switch v.lowercased() {
    case "0", "0.0", "false": return "0"
    case "1", "1.0", "true": return "1"
    default: return v
    }
  }

  /// The mapping as text for messages: `resistant → 0, sensitive → 1`.
  public var mappingDescription: String {
    mapping.sorted { $0.value < $1.value }.map { "\($0.key) → \($0.value)" }.joined(separator: ", ")
  }
}
