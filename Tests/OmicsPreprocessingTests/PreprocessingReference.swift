import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport

/// Loads a fixture under `Fixtures/preprocessing/` and its reference JSON (written by
/// `scripts/preprocessing_fixtures.py` from numpy/scanpy/scikit-learn).
enum PreprocessingReference {
  static func matrix(_ name: String) throws -> ExpressionMatrix {
    try H5ADReader.read(FixturePaths.fixture("preprocessing/\(name).h5ad"), showProgress: false)
  }

  static func json(_ name: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: FixturePaths.fixture("preprocessing/\(name).json")))
    return (try JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
  }

  /// Numbers of a JSON array; null (NaN in the peer's output) becomes NaN.
  static func doubles(_ any: Any?) -> [Double] {
    (any as? [Any])?.map { ($0 as? NSNumber)?.doubleValue ?? .nan } ?? []
  }

  static func ints(_ any: Any?) -> [Int] {
    (any as? [Any])?.compactMap { ($0 as? NSNumber)?.intValue } ?? []
  }

  /// Largest |a − b| / max(|b|, 1e-12·scale) over the pairs; infinity when the lengths differ.
  static func maxRelativeError(_ a: [Double], _ b: [Double], floor: Double = 1e-6) -> Double {
    guard a.count == b.count else { return .infinity }
    var worst = 0.0
    for (x, y) in zip(a, b) {
      let e = abs(x - y) / max(abs(y), floor)
      if e.isNaN { return .infinity }
      worst = max(worst, e)
    }
    return worst
  }
}
