/// A value decoded from a Python pickle: the plain Python types Geneformer's dictionaries use,
/// plus numpy scalars (`numpy.core.multiarray.scalar(dtype, bytes)`) decoded to their number.
public indirect enum PickleValue: Sendable, Equatable {
  case none
  case bool(Bool)
  case int(Int64)
  case float(Double)
  case string(String)
  case bytes([UInt8])
  case list([PickleValue])
  case tuple([PickleValue])
  /// A dict in insertion order.
  case dict(keys: [PickleValue], values: [PickleValue])
  /// A numpy scalar with its dtype (`<i2`, `<f8`, …) and its value as Int64 or Double.
  case numpyScalar(NumpyScalar)
  /// A `numpy.dtype` object (kind like `f8`, byte order `<`, `>`, `|` or `=`).
  case numpyDType(kind: String, byteOrder: String)
  /// A referenced global that is only meaningful as a callable (`numpy.dtype`, `…multiarray.scalar`).
  case global(module: String, name: String)
  /// A PyTorch storage named by a persistent id (`torch.save`'s zip format: `data/<key>`), with
  /// its element type (`Float`, `Long`, `Double`, `Half`, `BFloat16`, `Int`, …).
  case torchStorage(key: String, type: String)
  /// A tensor rebuilt by `torch._utils._rebuild_tensor_v2` over a storage.
  case torchTensor(TorchTensorReference)

  /// Where a pickled PyTorch tensor's numbers are: storage, element offset, shape and strides.
  public struct TorchTensorReference: Sendable, Equatable {
    public var storageKey: String
    public var storageType: String
    public var offset: Int
    public var shape: [Int]
    public var stride: [Int]
  }

  /// A numpy scalar value.
  public struct NumpyScalar: Sendable, Equatable {
    /// numpy dtype string, e.g. `i2`, `f8`, `u1`, `b1`.
    public var kind: String
    public var integer: Int64?
    public var floating: Double?

    /// The value as a Double whatever the kind.
    public var doubleValue: Double { floating ?? Double(integer ?? 0) }
  }

  /// The value as an integer when it is one (Python int, bool or numpy integer scalar).
  public var intValue: Int64? {
    switch self {
    case .int(let v): return v
    case .bool(let b): return b ? 1 : 0
    case .numpyScalar(let s): return s.integer
    default: return nil
    }
  }

  /// The value as a Double when it is a number.
  public var doubleValue: Double? {
    switch self {
    case .int(let v): return Double(v)
    case .float(let v): return v
    case .bool(let b): return b ? 1 : 0
    case .numpyScalar(let s): return s.doubleValue
    default: return nil
    }
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// A short type name for error messages (`str`, `int`, `numpy.int16`, …).
  public var typeName: String {
    switch self {
    case .none: return "None"
    case .bool: return "bool"
    case .int: return "int"
    case .float: return "float"
    case .string: return "str"
    case .bytes: return "bytes"
    case .list: return "list"
    case .tuple: return "tuple"
    case .dict: return "dict"
    case .numpyScalar(let s):
      let names: [String: String] = [
        "i1": "int8", "i2": "int16", "i4": "int32", "i8": "int64", "u1": "uint8", "u2": "uint16", "u4": "uint32",
        "u8": "uint64", "f4": "float32", "f8": "float64", "f2": "float16", "b1": "bool",
      ]
      return "numpy." + (names[s.kind] ?? s.kind)
    case .numpyDType: return "numpy.dtype"
    case .global(let m, let n): return "\(m).\(n)"
    case .torchStorage(_, let t): return "torch.\(t)Storage"
    case .torchTensor: return "torch.Tensor"
    }
  }
}
