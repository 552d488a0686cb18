import Foundation
import OmicsCore

/// Reads Python pickles (protocols 2–5) of plain data: dicts, lists, tuples, str, bytes, int, float,
/// bool, None, and numpy scalars (`numpy.core.multiarray.scalar` / `numpy._core.multiarray.scalar`
/// with a `numpy.dtype`), which is what Geneformer's dictionary files hold.
///
/// No code is ever run: any other global (a class, a function) is refused with an error naming the
/// byte offset. Errors are `OmicsError`s naming the file and `byte N`.
///
///     let tokens = try PickleReader.readDictionary(path: "token_dictionary_gc104M.pkl")
public enum PickleReader {
  /// Reads a whole pickle file.
  public static func read(path: String) throws -> PickleValue {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw OmicsError(file: path, "cannot read the file (missing or not readable)")
    }
    return try decode([UInt8](data), file: path)
  }

  /// Reads a pickle file holding a dict, returning its (key, value) pairs in insertion order.
  public static func readDictionary(path: String) throws -> (keys: [PickleValue], values: [PickleValue]) {
    let value = try read(path: path)
    guard case .dict(let keys, let values) = value else {
      throw OmicsError(file: path, "expected a pickled dict, found \(value.typeName)")
    }
    return (keys, values)
  }

  /// Decodes pickle bytes.
  public static func decode(_ bytes: [UInt8], file: String = "") throws -> PickleValue {
    var machine = Machine(file: file)
    return try bytes.withUnsafeBufferPointer { try machine.run($0) }
  }

  private struct Machine {
    let file: String
    var stack: [PickleValue] = []
    var marks: [Int] = []
    var memo: [PickleValue] = []

    init(file: String) {
      self.file = file
      stack.reserveCapacity(64)
    }

    func fail(_ offset: Int, _ message: String) -> OmicsError {
      OmicsError(file: file, location: "byte \(offset)", message)
    }

    mutating func pop(_ at: Int) throws -> PickleValue {
      guard let v = stack.popLast() else { throw fail(at, "pickle stack underflow") }
      return v
    }

    mutating func popMark(_ at: Int) throws -> [PickleValue] {
      guard let mark = marks.popLast(), mark <= stack.count else { throw fail(at, "pickle MARK missing") }
      let items = Array(stack[mark...])
      stack.removeSubrange(mark...)
      return items
    }

    mutating func put(_ index: Int, _ at: Int) throws {
      guard let top = stack.last else { throw fail(at, "pickle stack empty at PUT") }
      if index == memo.count {
        memo.append(top)
      } else if index < memo.count {
        memo[index] = top
      } else {
        guard index < 1 << 26 else { throw fail(at, "pickle memo index \(index) is too large") }
        memo.append(contentsOf: repeatElement(.none, count: index - memo.count))
        memo.append(top)
      }
    }

    mutating func get(_ index: Int, _ at: Int) throws {
      guard index >= 0, index < memo.count else { throw fail(at, "pickle memo index \(index) was never stored") }
      stack.append(memo[index])
    }

    mutating func setItems(_ pairs: [PickleValue], _ at: Int) throws {
      guard pairs.count % 2 == 0 else { throw fail(at, "odd number of items for SETITEMS") }
      var top = try pop(at)
      guard case .dict(var keys, var values) = top else { throw fail(at, "SETITEMS on a non-dict") }
      // drop the enum's references so the arrays are unique, and let them grow geometrically:
      // an exact reserveCapacity per SETITEMS batch copied the whole dict each time (quadratic)
      top = .none
      var i = 0
      while i < pairs.count {
        keys.append(pairs[i])
        values.append(pairs[i + 1])
        i += 2
      }
      stack.append(.dict(keys: keys, values: values))
    }

    mutating func run(_ b: UnsafeBufferPointer<UInt8>) throws -> PickleValue {
      var p = 0
      let n = b.count
      func need(_ k: Int, _ at: Int) throws {
        guard k >= 0, p + k <= n else { throw fail(at, "pickle truncated (needs \(k) more bytes)") }
      }
      func uint(_ width: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<width { v |= UInt64(b[p + i]) << (8 * UInt64(i)) }
        p += width
        return v
      }
      func text(_ count: Int, _ at: Int) throws -> String {
        try need(count, at)
        let s = String(decoding: UnsafeBufferPointer(rebasing: b[p..<p + count]), as: UTF8.self)
        p += count
        return s
      }
      func raw(_ count: Int, _ at: Int) throws -> [UInt8] {
        try need(count, at)
        let r = Array(b[p..<p + count])
        p += count
        return r
      }
      func line(_ at: Int) throws -> String {
        var e = p
        while e < n && b[e] != 0x0A { e += 1 }
        guard e < n else { throw fail(at, "pickle truncated in a text argument") }
        let s = String(decoding: UnsafeBufferPointer(rebasing: b[p..<e]), as: UTF8.self)
        p = e + 1
        return s
      }
      func length(_ width: Int, _ at: Int) throws -> Int {
        try need(width, at)
        let v = uint(width)
        guard v < UInt64(Int.max) else { throw fail(at, "pickle length too large") }
        return Int(v)
      }

      while p < n {
        let at = p
        let op = b[p]
        p += 1
        switch op {
        case 0x80:  // PROTO
          try need(1, at)
          let version = b[p]
          p += 1
          guard version <= 5 else { throw fail(at, "unsupported pickle protocol \(version)") }
        case 0x95:  // FRAME
          try need(8, at)
          p += 8
        case 0x2E:  // STOP
          guard stack.count == 1, let v = stack.last else { throw fail(at, "pickle STOP with \(stack.count) values on the stack") }
          return v
        case 0x7D: stack.append(.dict(keys: [], values: []))  // EMPTY_DICT
        case 0x5D: stack.append(.list([]))  // EMPTY_LIST
        case 0x29: stack.append(.tuple([]))  // EMPTY_TUPLE
        case 0x8F: stack.append(.list([]))  // EMPTY_SET (as a list)
        case 0x28: marks.append(stack.count)  // MARK
        case 0x64:  // DICT
          let items = try popMark(at)
          stack.append(.dict(keys: [], values: []))
          try setItems(items, at)
        case 0x6C: stack.append(.list(try popMark(at)))  // LIST
        case 0x74: stack.append(.tuple(try popMark(at)))  // TUPLE
        case 0x91: stack.append(.list(try popMark(at)))  // FROZENSET
        case 0x85:  // TUPLE1
          let a = try pop(at)
          stack.append(.tuple([a]))
        case 0x86:  // TUPLE2
          let b2 = try pop(at)
          let a = try pop(at)
          stack.append(.tuple([a, b2]))
        case 0x87:  // TUPLE3
          let c = try pop(at)
          let b2 = try pop(at)
          let a = try pop(at)
          stack.append(.tuple([a, b2, c]))
        case 0x73:  // SETITEM
          let v = try pop(at)
          let k = try pop(at)
          try setItems([k, v], at)
        case 0x75:  // SETITEMS
          try setItems(try popMark(at), at)
        case 0x61, 0x65, 0x90:  // APPEND, APPENDS, ADDITEMS
          let items = op == 0x61 ? [try pop(at)] : try popMark(at)
          guard case .list(var list) = try pop(at) else { throw fail(at, "APPEND on a non-list") }
          list.append(contentsOf: items)
          stack.append(.list(list))
        case 0x8C: stack.append(.string(try text(try length(1, at), at)))  // SHORT_BINUNICODE
        case 0x58: stack.append(.string(try text(try length(4, at), at)))  // BINUNICODE
        case 0x8D: stack.append(.string(try text(try length(8, at), at)))  // BINUNICODE8
        case 0x55: stack.append(.string(try text(try length(1, at), at)))  // SHORT_BINSTRING
        case 0x54: stack.append(.string(try text(try length(4, at), at)))  // BINSTRING
        case 0x43: stack.append(.bytes(try raw(try length(1, at), at)))  // SHORT_BINBYTES
        case 0x42: stack.append(.bytes(try raw(try length(4, at), at)))  // BINBYTES
        case 0x8E, 0x96: stack.append(.bytes(try raw(try length(8, at), at)))  // BINBYTES8, BYTEARRAY8
        case 0x4A:  // BININT
          try need(4, at)
          stack.append(.int(Int64(Int32(bitPattern: UInt32(uint(4))))))
        case 0x4B:  // BININT1
          try need(1, at)
          stack.append(.int(Int64(uint(1))))
        case 0x4D:  // BININT2
          try need(2, at)
          stack.append(.int(Int64(uint(2))))
        case 0x8A, 0x8B:  // LONG1, LONG4
          let count = try length(op == 0x8A ? 1 : 4, at)
          guard count <= 8 else { throw fail(at, "integer wider than 64 bits") }
          try need(count, at)
          var v: UInt64 = 0
          for i in 0..<count { v |= UInt64(b[p + i]) << (8 * UInt64(i)) }
          if count > 0 && count < 8 && b[p + count - 1] & 0x80 != 0 { v |= ~0 << (8 * UInt64(count)) }
          p += count
          stack.append(.int(Int64(bitPattern: v)))
        case 0x47:  // BINFLOAT (big-endian)
          try need(8, at)
          var v: UInt64 = 0
          for i in 0..<8 { v = v << 8 | UInt64(b[p + i]) }
          p += 8
          stack.append(.float(Double(bitPattern: v)))
        case 0x4E: stack.append(.none)
        case 0x88: stack.append(.bool(true))
        case 0x89: stack.append(.bool(false))
        case 0x94: try put(memo.count, at)  // MEMOIZE
        case 0x71: try put(try length(1, at), at)  // BINPUT
        case 0x72: try put(try length(4, at), at)  // LONG_BINPUT
        case 0x68: try get(try length(1, at), at)  // BINGET
        case 0x6A: try get(try length(4, at), at)  // LONG_BINGET
        case 0x30: _ = try pop(at)  // POP
        case 0x31: _ = try popMark(at)  // POP_MARK
        case 0x32:  // DUP
          guard let top = stack.last else { throw fail(at, "DUP on an empty stack") }
          stack.append(top)
        case 0x63:  // GLOBAL
          let module = try line(at)
          let name = try line(at)
          stack.append(try global(module, name, at))
        case 0x93:  // STACK_GLOBAL
          let name = try pop(at)
          let module = try pop(at)
          guard case .string(let m) = module, case .string(let nm) = name else {
            throw fail(at, "STACK_GLOBAL needs two strings")
          }
          stack.append(try global(m, nm, at))
        case 0x51:  // BINPERSID: torch.save's ('storage', StorageType, key, location, numel)
          let pid = try pop(at)
          guard case .tuple(let t) = pid, t.count >= 3, case .string("storage") = t[0],
            case .global(_, let typeName) = t[1], case .string(let key) = t[2]
          else { throw fail(at, "unsupported persistent id \(pid.typeName) (only torch storages are read)") }
          stack.append(.torchStorage(key: key, type: typeName.hasSuffix("Storage") ? String(typeName.dropLast(7)) : typeName))
        case 0x52:  // REDUCE
          let args = try pop(at)
          let callable = try pop(at)
          stack.append(try reduce(callable, args, at))
        case 0x62:  // BUILD
          let state = try pop(at)
          let target = try pop(at)
          if case .numpyDType(let kind, _) = target, case .tuple(let s) = state, s.count > 1,
            case .string(let order) = s[1]
          {
            stack.append(.numpyDType(kind: kind, byteOrder: order))
          } else if case .dict = target {
            stack.append(target)  // an OrderedDict's instance state (state_dict `_metadata`): not needed
          } else {
            throw fail(at, "cannot set the state of a \(target.typeName) object")
          }
        default:
          throw fail(at, "unsupported pickle opcode 0x\(String(op, radix: 16)) (only plain data and numpy scalars are read)")
        }
      }
      throw fail(n, "pickle ends without STOP")
    }

    func global(_ module: String, _ name: String, _ at: Int) throws -> PickleValue {
      let allowed: Set<String> = [
        "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar", "numpy.dtype", "_codecs.encode",
        // torch.save of a state dict (no code runs: these only describe tensors)
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
      ]
      if module == "torch", name.hasSuffix("Storage") { return .global(module: module, name: name) }
      guard allowed.contains(module + "." + name) else {
        throw fail(at, "refusing to load the Python object \(module).\(name) (only plain data and numpy scalars are read)")
      }
      return .global(module: module, name: name)
    }

    func reduce(_ callable: PickleValue, _ args: PickleValue, _ at: Int) throws -> PickleValue {
      guard case .global(_, let name) = callable, case .tuple(let a) = args else {
        throw fail(at, "cannot call a \(callable.typeName)")
      }
      if name == "OrderedDict" { return .dict(keys: [], values: []) }
      if name == "_rebuild_tensor_v2" {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        guard a.count >= 4, case .torchStorage(let key, let type) = a[0], let offset = a[1].intValue,
          case .tuple(let size) = a[2], case .tuple(let stride) = a[3]
        else { throw fail(at, "_rebuild_tensor_v2 needs (storage, offset, size, stride, …)") }
        let shape = size.compactMap { $0.intValue.map(Int.init) }, strides = stride.compactMap { $0.intValue.map(Int.init) }
        guard shape.count == size.count, strides.count == stride.count, shape.count == strides.count else {
          throw fail(at, "_rebuild_tensor_v2: size and stride must be integer tuples of one length")
        }
        return .torchTensor(.init(storageKey: key, storageType: type, offset: Int(offset), shape: shape, stride: strides))
      }
      if name == "encode" {
        // protocol 2 pickles bytes as _codecs.encode(text, 'latin1')
        guard let first = a.first, case .string(let text) = first else { throw fail(at, "_codecs.encode needs a string") }
        var out: [UInt8] = []
        for scalar in text.unicodeScalars {
          guard scalar.value < 256 else { throw fail(at, "_codecs.encode: character outside latin-1") }
          out.append(UInt8(scalar.value))
        }
        return .bytes(out)
      }
      if name == "dtype" {
        guard let first = a.first, case .string(let kind) = first else { throw fail(at, "numpy.dtype needs a type string") }
        return .numpyDType(kind: kind, byteOrder: "=")
      }
      // scalar(dtype, bytes)
      guard a.count == 2, case .numpyDType(let kind, let order) = a[0], case .bytes(let payload) = a[1] else {
        throw fail(at, "numpy scalar needs (dtype, bytes)")
      }
      return .numpyScalar(try Self.scalar(kind: kind, order: order, payload, fail: { fail(at, $0) }))
    }

    static func scalar(
      kind: String, order: String, _ payload: [UInt8], fail: (String) -> OmicsError
    ) throws -> PickleValue.NumpyScalar {
      var k = kind
      var bigEndian = order == ">"
      if let f = k.first, "<>|=".contains(f) {
        bigEndian = f == ">"
        k.removeFirst()
      }
      guard let width = Int(k.dropFirst()), let letter = k.first, [1, 2, 4, 8].contains(width) else {
        throw fail("unsupported numpy dtype '\(kind)'")
      }
      guard payload.count == width else {
        throw fail("numpy \(kind) scalar has \(payload.count) bytes, expected \(width)")
      }
      var bits: UInt64 = 0
      for i in 0..<width {
        let byte = UInt64(bigEndian ? payload[width - 1 - i] : payload[i])
        bits |= byte << (8 * UInt64(i))
      }
      switch letter {
      case "i":
        let shift = UInt64(64 - 8 * width)
        return .init(kind: k, integer: Int64(bitPattern: bits << shift) >> shift, floating: nil)
      case "u", "b":
        guard bits <= UInt64(Int64.max) else { throw fail("numpy \(kind) scalar does not fit in int64") }
        return .init(kind: k, integer: Int64(bits), floating: nil)
      case "f":
        switch width {
        case 8: return .init(kind: k, integer: nil, floating: Double(bitPattern: bits))
        case 4: return .init(kind: k, integer: nil, floating: Double(Float(bitPattern: UInt32(bits))))
        default: throw fail("unsupported numpy dtype '\(kind)'")
        }
      default:
        throw fail("unsupported numpy dtype '\(kind)'")
      }
    }
  }
}
