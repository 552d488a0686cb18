import OmicsCore
import OrderedCollections

/// Reads an obs/var dataframe group: `dataframe` 0.2.0, and 0.1.0 whose categorical columns are
/// code datasets pointing at `__categories/<col>` through an object-reference attribute.
struct H5ADDataFrameReader {
  let elements: H5ADElementReader

  func read(_ g: HDF5Group, spec: EncodingSpec) throws -> DataFrame {
    guard let indexName = try g.stringAttribute("_index") else {
      throw g.error("dataframe has no _index attribute")
    }
    guard g.contains(indexName) else { throw g.error("dataframe index '\(indexName)' is missing") }
    let indexNode = try g.child(indexName)
    let indexElement = try elements.read(indexNode)
    var nullableIndex = false
    let index: [String]
    switch indexElement {
    case .stringArray(let s): index = s.values
    case .nullable(let n):
      guard case .strings(let s) = n.values else { throw indexNode.object.error("index must hold strings") }
      index = s
      nullableIndex = true
    case .array(let a) where a.shape.count == 1:
      index = (0..<a.values.count).map { CategoryValues.numbers(a.values).label($0) }
    case .categorical(let c):
      index = (0..<c.count).map { c.label($0) ?? "" }
    default:
      throw indexNode.object.error("dataframe index must be a 1-D string array, found \(indexElement.encodingType)")
    }
    var columns: OrderedDictionary<String, Element> = [:]
    for name in try columnOrder(g) {
      guard g.contains(name) else { throw g.error("column '\(name)' listed in column-order is missing") }
      let node = try g.child(name)
      let column: Element
      if case .dataset(let d) = node, d.hasAttribute("categories") {
        column = .categorical(try legacyCategorical(d))
      } else {
        column = try elements.read(node)
      }
      if let length = column.length, length != index.count {
        throw node.object.error("column has \(length) values but the index has \(index.count)")
      }
      columns[name] = column
    }
    return DataFrame(index: index, indexName: indexName, columns: columns, indexIsNullable: nullableIndex)
  }

  /// `column-order`: a string array, a single string, or an empty array of any type.
  func columnOrder(_ g: HDF5Group) throws -> [String] {
    switch try g.attribute("column-order") {
    case nil, .empty: return []
    case .strings(let s, _): return s
    case .numbers(let n, _) where n.count == 0: return []
    default: throw g.error("column-order attribute must be a list of column names")
    }
  }

  /// anndata 0.7: codes dataset with an object reference to its categories.
  func legacyCategorical(_ codes: HDF5Dataset) throws -> Categorical {
    guard case .references(let paths, _) = try codes.attribute("categories"), let path = paths.first else {
      throw codes.error("categories attribute must be an object reference")
    }
    let target = try resolve(path, in: codes.file)
    let values = try elements.categoryValues(try elements.read(.dataset(target)), at: target)
    let ordered = try elements.boolAttribute(target, "ordered") ?? false
    let codeValues = try elements.codesArray(codes, categoryCount: values.count)
    return Categorical(codes: codeValues, categories: values, ordered: ordered)
  }

  func resolve(_ path: String, in file: HDF5File) throws -> HDF5Dataset {
    var group = try file.root()
    let parts = path.split(separator: "/").map(String.init)
    guard let last = parts.last else { throw OmicsError(file: file.path, location: path, "empty reference") }
    for part in parts.dropLast() { group = try group.group(part) }
    return try group.dataset(last)
  }
}
