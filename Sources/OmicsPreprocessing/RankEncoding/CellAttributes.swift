import OmicsCore
import OmicsIO

/// An obs column carried into the corpus, in the Arrow type that keeps its pandas type:
/// strings and string categoricals → `string`; numbers keep their width (unsigned → int64);
/// numeric categoricals → their category type; nullable columns → nulls where masked.
enum CellAttributeValues {
  case strings([String?])
  case numbers(NumericArray, missing: [Bool]?)

  init(_ element: Element, file: String, column: String) throws {
    let location = "/obs/\(column)"
    switch element {
    case .stringArray(let s): self = .strings(s.values)
    case .categorical(let c):
      switch c.categories {
      case .strings: self = .strings((0..<c.count).map { c.label($0) })
      case .numbers(let n):
        let valid = c.codes.map { $0 >= 0 && Int($0) < n.count }
        let picked = n.gathered(c.codes.map { $0 >= 0 && Int($0) < n.count ? Int($0) : 0 })
        self = .numbers(picked, missing: valid.contains(false) ? valid.map { !$0 } : nil)
      }
    case .array(let a) where a.shape.count == 1: self = .numbers(a.values, missing: nil)
    case .nullable(let n):
      switch n.values {
      case .strings(let s): self = .strings(zip(s, n.mask).map { $1 ? nil : $0 })
      case .numbers(let v): self = .numbers(v, missing: n.mask.contains(true) ? n.mask : nil)
      }
    default:
      throw OmicsError(file: file, location: location, "cannot carry a \(element.encodingType) column into the corpus (1-D numbers, strings or categoricals only)")
    }
  }

  var arrowType: ArrowType {
    switch self {
    case .strings: return .utf8
    case .numbers(let n, _):
      switch n.scalarType {
      case .bool: return .bool
      case .int8: return .int8
      case .int16: return .int16
      case .int32: return .int32
      case .float32: return .float32
      case .float64: return .float64
      default: return .int64
      }
    }
  }

  /// The values at `rows`, as an Arrow column.
  func gather(_ rows: [Int]) -> ArrowArrayData {
    switch self {
    case .strings(let s): return .strings(rows.map { s[$0] })
    case .numbers(let n, let missing):
      var validity: ArrowBuffer = .empty
      var nulls = 0
      if let missing {
        var bits = [UInt8](repeating: 0, count: (rows.count + 7) / 8)
        for (i, r) in rows.enumerated() {
          if missing[r] { nulls += 1 } else { bits[i >> 3] |= 1 << UInt8(i & 7) }
        }
        if nulls > 0 { validity = .bytes(bits) }
      }
      let values: ArrowBuffer
      switch n {
      case .bool(let a):
        var col = ArrowArrayData.bools(rows.map { a[$0] })
        col.nullCount = nulls
        col.buffers[0] = validity
        return col
      case .int8(let a): values = .bytes(rows.map { UInt8(bitPattern: a[$0]) })
      case .int16(let a): values = .int16(rows.map { a[$0] })
      case .int32(let a): values = .int32(rows.map { a[$0] })
      case .float32(let a): values = .float32(rows.map { a[$0] })
      case .float64(let a): values = .float64(rows.map { a[$0] })
      default: values = .int64(rows.map { n.int64(at: $0) ?? 0 })
      }
      return ArrowArrayData(length: rows.count, nullCount: nulls, buffers: [validity, values])
    }
  }
}

/// Reads the numeric obs columns the tokenizer needs.
enum ObsColumns {
  /// A 1-D numeric (or bool) column as doubles; missing values as NaN.
  static func numbers(_ obs: DataFrame, _ name: String, file: String) throws -> [Double]? {
    guard let element = obs.columns[name] else { return nil }
    switch element {
    case .array(let a) where a.shape.count == 1: return a.values.doubles()
    case .nullable(let n):
      if case .numbers(let v) = n.values { return zip(v.doubles(), n.mask).map { $1 ? .nan : $0 } }
    case .categorical(let c):
      if case .numbers(let n) = c.categories {
        return c.codes.map { $0 >= 0 && Int($0) < n.count ? n.double(at: Int($0)) : .nan }
      }
    default: break
    }
    throw OmicsError(file: file, location: "/obs/\(name)", "must be numeric, found \(element.encodingType)")
  }
}
