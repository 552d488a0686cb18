import OmicsCore
import OrderedCollections

/// anndata ≤ 0.6 dataframes: one compound dataset whose first field holds the names, with
/// categorical columns stored as codes and their categories in `uns['<col>_categories']`.
enum H5ADLegacyDataFrame {
  static let indexFieldNames: Set<String> = ["index", "obs_names", "smp_names", "row_names", "var_names", "col_names"]

  static func read(_ d: HDF5Dataset, uns: inout OrderedDictionary<String, Element>) throws -> DataFrame {
    guard case .records(let records, _) = try d.read() else {
      throw d.error("expected a compound dataset (anndata 0.6 dataframe)")
    }
    guard let first = records.names.first else { throw d.error("dataframe has no fields") }
    let indexField = records.names.first { indexFieldNames.contains($0) } ?? first
    var index: [String] = []
    var columns: OrderedDictionary<String, Element> = [:]
    for (name, field) in zip(records.names, records.fields) {
      if name == indexField {
        switch field {
        case .strings(let s): index = s
        case .numbers(let n): index = (0..<n.count).map { CategoryValues.numbers(n).label($0) }
        }
        continue
      }
      let categoriesKey = "\(name)_categories"
      if case .numbers(let codes) = field, let categories = uns[categoriesKey] {
        let values: CategoryValues
        switch categories {
        case .stringArray(let s): values = .strings(s.values)
        case .array(let a): values = .numbers(a.values)
        default: throw d.error("uns['\(categoriesKey)'] must be an array of categories")
        }
        var codeValues: [Int32] = []
        for i in 0..<codes.count {
          guard let c = codes.int64(at: i), c >= -1, c < Int64(values.count) else {
            throw d.error("field \(name): categorical code at row \(i) is outside -1..<\(values.count)")
          }
          codeValues.append(Int32(c))
        }
        columns[name] = .categorical(Categorical(codes: codeValues, categories: values))
        uns.removeValue(forKey: categoriesKey)
        continue
      }
      switch field {
      case .strings(let s): columns[name] = .stringArray(StringArray(s))
      case .numbers(let n): columns[name] = .array(DenseArray(shape: [n.count], values: n))
      }
    }
    // anndata names the index after the record field that held it.
    return DataFrame(index: index, indexName: indexField, columns: columns)
  }

  /// anndata 0.6 `raw.cat`: categories of raw.var columns.
  static func applyCategories(_ cats: OrderedDictionary<String, Element>, to frame: inout DataFrame) {
    for (key, value) in cats {
      guard key.hasSuffix("_categories") else { continue }
      let column = String(key.dropLast("_categories".count))
      guard case .array(let codes)? = frame.columns[column], case .stringArray(let s) = value else { continue }
      let codeValues = (0..<codes.values.count).map { Int32(truncatingIfNeeded: codes.values.int64(at: $0) ?? -1) }
      guard codeValues.allSatisfy({ $0 >= -1 && Int($0) < s.values.count }) else { continue }
      frame.columns[column] = .categorical(Categorical(codes: codeValues, categories: .strings(s.values)))
    }
  }
}
