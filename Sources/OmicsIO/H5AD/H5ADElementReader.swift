import OmicsCore
import OrderedCollections

/// Decodes one h5ad element (group or dataset) into an `Element`, dispatching on its encoding spec.
///
/// Known specs follow anndata's registry (AD `_io/specs/methods.py`); elements without encoding
/// attributes are read the way anndata's legacy fallback `read_basic` reads them.
struct H5ADElementReader {
  /// Called with the number of values read, for progress display.
  var progress: ProgressBar?

  func read(_ node: HDF5Node) throws -> Element {
    let object = node.object
    let spec = try object.encodingSpec()
    switch (spec.type, node) {
    case ("array", .dataset(let d)), ("numeric-scalar", .dataset(let d)):
      return try readArray(d)
    case ("string-array", .dataset(let d)), ("string", .dataset(let d)):
      return try readStrings(d)
    case ("csr_matrix", .group(let g)), ("csc_matrix", .group(let g)):
      return .sparse(try H5ADSparseReader(progress: progress).read(g, layout: spec.type == "csr_matrix" ? .csr : .csc))
    case ("dataframe", .group(let g)):
      return .dataFrame(try H5ADDataFrameReader(elements: self).read(g, spec: spec))
    case ("categorical", .group(let g)):
      return .categorical(try readCategorical(g))
    case ("nullable-integer", .group(let g)), ("nullable-boolean", .group(let g)),
      ("nullable-string-array", .group(let g)):
      return .nullable(try readNullable(g))
    case ("null", _):
      return .null
    case ("dict", .group(let g)):
      return .dict(try readDict(g))
    case ("rec-array", .dataset(let d)):
      return try readRecords(d)
    case ("", _):
      return try readLegacy(node)
    case ("awkward-array", _):
      throw object.error("awkward arrays (encoding-type awkward-array) are not supported")
    case ("anndata", _), ("raw", _):
      throw object.error("a nested \(spec.type) object is not supported here")
    default:
      let kind: String
      if case .group = node { kind = "group" } else { kind = "dataset" }
      throw object.error("unknown encoding-type '\(spec.type)' (version '\(spec.version)') on a \(kind)")
    }
  }

  func readDict(_ group: HDF5Group) throws -> OrderedDictionary<String, Element> {
    var out: OrderedDictionary<String, Element> = [:]
    for name in try group.childNames() {
      out[name] = try read(try group.child(name))
    }
    return out
  }

  func readArray(_ d: HDF5Dataset) throws -> Element {
    guard let shape = d.shape else { return .null }
    switch d.typeInfo {
    case .number, .bool:
      let values = try d.readNumbers(progress: progress)
      return .array(DenseArray(shape: shape, values: values))
    case .string:
      return try readStrings(d)
    case .compound:
      return try readRecords(d)
    default:
      throw d.error("array of unsupported type \(d.typeInfo.name)")
    }
  }

  func readStrings(_ d: HDF5Dataset) throws -> Element {
    guard let shape = d.shape else { return .null }
    let values: [String]
    switch try d.read() {
    case .strings(let s, _): values = s
    case .numbers(let n, _): values = (0..<n.count).map { CategoryValues.numbers(n).label($0) }
    default: throw d.error("expected strings, found \(d.typeInfo.name)")
    }
    if shape.isEmpty { return .string(values.first ?? "") }
    return .stringArray(StringArray(shape: shape, values: values))
  }

  func readRecords(_ d: HDF5Dataset) throws -> Element {
    switch try d.read() {
    case .records(let r, _): return .recordArray(r)
    default: throw d.error("expected a compound (record) dataset, found \(d.typeInfo.name)")
    }
  }

  func readCategorical(_ g: HDF5Group) throws -> Categorical {
    let codesNode = try g.dataset("codes")
    let categoriesNode = try g.child("categories")
    let categories = try categoryValues(read(categoriesNode), at: categoriesNode.object)
    let ordered = try boolAttribute(g, "ordered") ?? false
    let codes = try codesArray(codesNode, categoryCount: categories.count)
    return Categorical(codes: codes, categories: categories, ordered: ordered)
  }

  func categoryValues(_ element: Element, at object: HDF5Object) throws -> CategoryValues {
    switch element {
    case .stringArray(let s): return .strings(s.values)
    case .array(let a) where a.shape.count == 1: return .numbers(a.values)
    case .nullable(let n):
      if case .strings(let s) = n.values { return .strings(s) }
      if case .numbers(let v) = n.values { return .numbers(v) }
      throw object.error("unsupported categories")
    default: throw object.error("categories must be a 1-D string or numeric array, found \(element.encodingType)")
    }
  }

  /// Reads categorical codes, checking each is −1 (missing) or a valid category number.
  func codesArray(_ d: HDF5Dataset, categoryCount: Int) throws -> [Int32] {
    let numbers = try d.readNumbers()
    guard numbers.scalarType.isInteger else { throw d.error("categorical codes must be integers, found \(numbers.scalarType.rawValue)") }
    var codes = [Int32](repeating: 0, count: numbers.count)
    for i in 0..<numbers.count {
      guard let v = numbers.int64(at: i), v >= -1, v < Int64(categoryCount) else {
        throw d.error("categorical code \(numbers.int64(at: i).map(String.init) ?? "\(numbers.double(at: i))") at position \(i) is outside -1..<\(categoryCount)")
      }
      codes[i] = Int32(v)
    }
    return codes
  }

  func boolAttribute(_ object: HDF5Object, _ name: String) throws -> Bool? {
    guard let value = try object.attribute(name) else { return nil }
    if case .numbers(let n, _) = value, n.count == 1 { return n.double(at: 0) != 0 }
    throw object.error("attribute \(name) is not a boolean")
  }

  func readNullable(_ g: HDF5Group) throws -> NullableArray {
    let valuesNode = try g.dataset("values")
    let maskNode = try g.dataset("mask")
    let maskNumbers = try maskNode.readNumbers()
    let mask = (0..<maskNumbers.count).map { maskNumbers.double(at: $0) != 0 }
    let naValue = try g.stringAttribute("na-value")
    let values: NullableArray.Values
    switch valuesNode.typeInfo {
    case .string: values = .strings(try valuesNode.readStrings())
    default: values = .numbers(try valuesNode.readNumbers())
    }
    let count: Int
    switch values {
    case .strings(let s): count = s.count
    case .numbers(let n): count = n.count
    }
    guard count == mask.count else {
      throw g.error("nullable array has \(count) values but a mask of \(mask.count)")
    }
    return NullableArray(values: values, mask: mask, naValue: naValue)
  }

  /// anndata < 0.8 and foreign writers: no encoding attributes.
  func readLegacy(_ node: HDF5Node) throws -> Element {
    switch node {
    case .group(let g):
      if let format = try g.stringAttribute("h5sparse_format") {
        guard let layout = SparseLayout(rawValue: format) else {
          throw g.error("unknown h5sparse_format '\(format)'")
        }
        return .sparse(try H5ADSparseReader(progress: progress).read(g, layout: layout))
      }
      return .dict(try readDict(g))
    case .dataset(let d):
      guard d.shape != nil else { return .null }
      switch d.typeInfo {
      case .compound: return try readRecords(d)
      case .string: return try readStrings(d)
      default:
        let element = try readArray(d)
        return element
      }
    }
  }
}
