/// A minimal FlatBuffers encoder and decoder, enough for Arrow IPC metadata (Schema, RecordBatch).
///
/// Encoding is front-to-back: a node tree is laid out with every table's vtable immediately before
/// it and every child after its parent, so all `uoffset`s point forward as the format requires.
/// Scalars are aligned to their size relative to the buffer start.
indirect enum FBNode {
  /// A table; `fields[i]` is field id i (nil when absent).
  case table([FBField?])
  case string(String)
  case tables([FBNode])
  /// A vector of structs: raw little-endian bytes, element count and alignment.
  case structs(bytes: [UInt8], count: Int, alignment: Int)
  case longs([Int64])
}

enum FBField {
  case u8(UInt8)
  case bool(Bool)
  case i16(Int16)
  case i32(Int32)
  case i64(Int64)
  case offset(FBNode)

  var size: Int {
    switch self {
    case .u8, .bool: return 1
    case .i16: return 2
    case .i32, .offset: return 4
    case .i64: return 8
    }
  }
}

struct FBEncoder {
  private(set) var bytes: [UInt8] = []

  /// Encodes a root table; the result starts with the root uoffset.
  static func encode(_ root: FBNode) -> [UInt8] {
    var e = FBEncoder()
    e.bytes.reserveCapacity(512)
    e.put32(0)
    let pos = e.write(root)
    e.patch(at: 0, target: pos)
    return e.bytes
  }

  private mutating func align(_ n: Int) {
    while bytes.count % n != 0 { bytes.append(0) }
  }

  private mutating func put16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
  private mutating func put32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
  private mutating func put64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }

  private mutating func set32(at: Int, _ v: UInt32) {
    withUnsafeBytes(of: v.littleEndian) { for i in 0..<4 { bytes[at + i] = $0[i] } }
  }

  private mutating func patch(at: Int, target: Int) { set32(at: at, UInt32(target - at)) }

  /// Writes a node and its children; returns the position a uoffset to it must point at.
  private mutating func write(_ node: FBNode) -> Int {
    switch node {
    case .string(let s):
      align(4)
      let u = Array(s.utf8)
      let pos = bytes.count
      put32(UInt32(u.count))
      bytes.append(contentsOf: u)
      bytes.append(0)
      return pos
    case .longs(let values):
      // length (4 bytes) then 8-aligned elements: the length sits at 8k+4.
      align(8)
      bytes.append(contentsOf: [0, 0, 0, 0])
      let pos = bytes.count
      put32(UInt32(values.count))
      for v in values { put64(UInt64(bitPattern: v)) }
      return pos
    case .structs(let raw, let count, let alignment):
      align(max(4, alignment))
      if alignment > 4 { bytes.append(contentsOf: [0, 0, 0, 0]) }
      let pos = bytes.count
      put32(UInt32(count))
      bytes.append(contentsOf: raw)
      return pos
    case .tables(let items):
      align(4)
      let pos = bytes.count
      put32(UInt32(items.count))
      let slots = (0..<items.count).map { pos + 4 + 4 * $0 }
      for _ in items { put32(0) }
      for (slot, item) in zip(slots, items) {
        let target = write(item)
        patch(at: slot, target: target)
      }
      return pos
    case .table(let fields):
      // Field layout inside the table: soffset, then fields sorted by size (largest first) for alignment.
      let present = fields.enumerated().compactMap { i, f in f.map { (i, $0) } }
      let ordered = present.sorted { $0.1.size > $1.1.size }
      var fieldOffsets = [UInt16](repeating: 0, count: fields.count)
      var cursor = 4
      var layout: [(Int, FBField, Int)] = []
      let has8 = ordered.contains { $0.1.size == 8 }
      if has8 { cursor = 8 }  // keep 8-byte fields aligned: table starts 8-aligned, soffset + pad
      for (i, f) in ordered {
        while cursor % f.size != 0 { cursor += 1 }
        fieldOffsets[i] = UInt16(cursor)
        layout.append((i, f, cursor))
        cursor += f.size
      }
      let tableSize = (cursor + 3) / 4 * 4
      // vtable
      align(2)
      let vtableSize = 4 + 2 * fields.count
      var vtablePos = bytes.count
      // the table after the vtable must be aligned to 8 (or 4)
      let tableAlign = has8 ? 8 : 4
      while (vtablePos + vtableSize) % tableAlign != 0 {
        bytes.append(0)
        vtablePos += 1
      }
      put16(UInt16(vtableSize))
      put16(UInt16(tableSize))
      for o in fieldOffsets { put16(o) }
      let tablePos = bytes.count
      bytes.append(contentsOf: [UInt8](repeating: 0, count: tableSize))
      set32(at: tablePos, UInt32(bitPattern: Int32(tablePos - vtablePos)))
      var children: [(Int, FBNode)] = []
      for (_, f, off) in layout {
        let at = tablePos + off
        switch f {
        case .u8(let v): bytes[at] = v
        case .bool(let v): bytes[at] = v ? 1 : 0
        case .i16(let v): withUnsafeBytes(of: v.littleEndian) { for k in 0..<2 { bytes[at + k] = $0[k] } }
        case .i32(let v): set32(at: at, UInt32(bitPattern: v))
        case .i64(let v): withUnsafeBytes(of: v.littleEndian) { for k in 0..<8 { bytes[at + k] = $0[k] } }
        case .offset(let child): children.append((at, child))
        }
      }
      for (slot, child) in children {
        let target = write(child)
        patch(at: slot, target: target)
      }
      return tablePos
    }
  }
}

/// Reads FlatBuffers tables with bounds checks (every failure is nil).
struct FBReader {
  let bytes: [UInt8]
  let base: Int

  init(_ bytes: [UInt8], base: Int = 0) {
    self.bytes = bytes
    self.base = base
  }

  func u32(_ at: Int) -> UInt32? {
    guard at >= 0, at + 4 <= bytes.count else { return nil }
    return UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
  }

  func u16(_ at: Int) -> UInt16? {
    guard at >= 0, at + 2 <= bytes.count else { return nil }
    return UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
  }

  func i64(_ at: Int) -> Int64? {
    guard let lo = u32(at), let hi = u32(at + 4) else { return nil }
    return Int64(bitPattern: UInt64(lo) | UInt64(hi) << 32)
  }

  /// Position of the root table.
  var root: Int? { u32(base).map { base + Int($0) } }

  /// Position of field `id` inside the table at `table`, nil when absent.
  func field(_ table: Int, _ id: Int) -> Int? {
    guard let so = u32(table) else { return nil }
    let vtable = table - Int(Int32(bitPattern: so))
    guard let vsize = u16(vtable), 4 + 2 * id < Int(vsize), let off = u16(vtable + 4 + 2 * id), off != 0 else {
      return nil
    }
    return table + Int(off)
  }

  func indirect(_ at: Int?) -> Int? {
    guard let at, let o = u32(at) else { return nil }
    return at + Int(o)
  }

  func scalar8(_ table: Int, _ id: Int) -> UInt8 {
    guard let at = field(table, id), at < bytes.count else { return 0 }
    return bytes[at]
  }

  func scalar16(_ table: Int, _ id: Int) -> Int16 { field(table, id).flatMap { u16($0) }.map { Int16(bitPattern: $0) } ?? 0 }
  func scalar32(_ table: Int, _ id: Int) -> Int32 { field(table, id).flatMap { u32($0) }.map { Int32(bitPattern: $0) } ?? 0 }
  func scalar64(_ table: Int, _ id: Int) -> Int64 { field(table, id).flatMap { i64($0) } ?? 0 }

  func string(_ table: Int, _ id: Int) -> String? {
    guard let s = indirect(field(table, id)), let n = u32(s), s + 4 + Int(n) <= bytes.count else { return nil }
    return String(decoding: bytes[(s + 4)..<(s + 4 + Int(n))], as: UTF8.self)
  }

  /// Element positions of a vector of tables.
  func tables(_ table: Int, _ id: Int) -> [Int] {
    guard let v = indirect(field(table, id)), let n = u32(v), Int(n) < bytes.count else { return [] }
    return (0..<Int(n)).compactMap { indirect(v + 4 + 4 * $0) }
  }

  /// Start and count of a vector of structs/scalars.
  func vector(_ table: Int, _ id: Int) -> (start: Int, count: Int)? {
    guard let v = indirect(field(table, id)), let n = u32(v) else { return nil }
    return (v + 4, Int(n))
  }
}
