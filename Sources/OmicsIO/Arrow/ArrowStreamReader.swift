import Foundation
import OmicsCore

/// A column read back from an Arrow stream, all record batches concatenated.
public indirect enum ArrowColumn: Sendable, Equatable {
  case bool([Bool])
  case int8([Int8])
  case int16([Int16])
  case int32([Int32])
  case int64([Int64])
  case float32([Float])
  case float64([Double])
  case utf8([String?])
  /// Row i is `child[offsets[i]..<offsets[i+1]]`.
  case list(offsets: [Int], child: ArrowColumn)

  public var count: Int {
    switch self {
    case .bool(let a): return a.count
    case .int8(let a): return a.count
    case .int16(let a): return a.count
    case .int32(let a): return a.count
    case .int64(let a): return a.count
    case .float32(let a): return a.count
    case .float64(let a): return a.count
    case .utf8(let a): return a.count
    case .list(let o, _): return max(0, o.count - 1)
    }
  }

  /// Integer values of an integer column (nil otherwise).
  public var integers: [Int64]? {
    switch self {
    case .int8(let a): return a.map(Int64.init)
    case .int16(let a): return a.map(Int64.init)
    case .int32(let a): return a.map(Int64.init)
    case .int64(let a): return a
    default: return nil
    }
  }

  static func empty(_ t: ArrowType) -> ArrowColumn {
    switch t {
    case .bool: return .bool([])
    case .int8: return .int8([])
    case .int16: return .int16([])
    case .int32: return .int32([])
    case .int64: return .int64([])
    case .float32: return .float32([])
    case .float64: return .float64([])
    case .utf8: return .utf8([])
    case .list: return .list(offsets: [0], child: .int64([]))
    }
  }
}

/// Reads an Arrow IPC stream written by `ArrowStreamWriter` or pyarrow (uncompressed; the types
/// of `ArrowType`). Used by tests and for reading corpora back.
public enum ArrowStreamReader {
  public struct Table: Sendable {
    public var schema: ArrowSchema
    public var columns: [ArrowColumn]
    public var rowCount: Int
    public var batchCount: Int
  }

  /// Reads the whole stream at `path` into one table (every record batch appended).
  public static func read(path: String) throws -> Table {
    var columns: [ArrowColumn] = []
    var rows = 0, batches = 0
    let schema = try forEachBatch(path: path) { schema, batch, length in
      if columns.isEmpty { columns = schema.fields.map { ArrowColumn.empty($0.type) } }
      for i in batch.indices { columns[i] = append(columns[i], batch[i]) }
      rows += length
      batches += 1
    }
    if columns.isEmpty { columns = schema.fields.map { ArrowColumn.empty($0.type) } }
    return Table(schema: schema, columns: columns, rowCount: rows, batchCount: batches)
  }

  /// Decodes the stream at `path` one record batch at a time: `body(schema, columns, rowCount)`
  /// sees each batch and can drop it, so memory holds the file's bytes and one decoded batch.
  /// Returns the schema.
  @discardableResult
  public static func forEachBatch(path: String, bytesRead: (Int) -> Void = { _ in },
                                  _ body: (ArrowSchema, [ArrowColumn], Int) throws -> Void) throws -> ArrowSchema {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw OmicsError(file: path, "cannot read the file (missing or not readable)")
    }
    let bytes = [UInt8](data)
    var p = 0
    func fail(_ m: String) -> OmicsError { OmicsError(file: path, location: "byte \(p)", m) }
    func u32(_ at: Int) -> UInt32? { FBReader(bytes).u32(at) }
    var schema: ArrowSchema?
    while true {
      guard var size = u32(p) else { throw fail("truncated Arrow stream (no end-of-stream marker)") }
      p += 4
      if size == 0xFFFF_FFFF {
        guard let s = u32(p) else { throw fail("truncated Arrow stream") }
        size = s
        p += 4
      }
      if size == 0 { break }
      let metaStart = p
      guard metaStart + Int(size) <= bytes.count else { throw fail("message metadata runs past the end") }
      let fb = FBReader(bytes, base: metaStart)
      guard let message = fb.root else { throw fail("bad message") }
      let headerType = fb.scalar8(message, 1)
      let bodyLength = Int(fb.scalar64(message, 3))
      guard let header = fb.indirect(fb.field(message, 2)) else { throw fail("message without header") }
      p = metaStart + Int(size)
      let bodyStart = p
      guard bodyLength >= 0, bodyStart + bodyLength <= bytes.count else { throw fail("message body runs past the end") }
      p = bodyStart + bodyLength
      switch headerType {
      case 1:
        schema = try parseSchema(fb, header, fail)
      case 3:
        guard let schema else { throw fail("record batch before schema") }
        let length = Int(fb.scalar64(header, 0))
        guard let nodesVec = fb.vector(header, 1), let buffersVec = fb.vector(header, 2) else {
          throw fail("record batch without nodes or buffers")
        }
        var nodeIndex = 0
        var bufferIndex = 0
        func nextBuffer() throws -> ArraySlice<UInt8> {
          guard bufferIndex < buffersVec.count, let o = fb.i64(buffersVec.start + 16 * bufferIndex),
            let l = fb.i64(buffersVec.start + 16 * bufferIndex + 8), o >= 0, l >= 0, o <= Int64(bodyLength),
            l <= Int64(bodyLength) - o
          else { throw fail("bad buffer \(bufferIndex)") }
          bufferIndex += 1
          return bytes[(bodyStart + Int(o))..<(bodyStart + Int(o + l))]
        }
        func decode(_ t: ArrowType) throws -> ArrowColumn {
          guard nodeIndex < nodesVec.count, let n = fb.i64(nodesVec.start + 16 * nodeIndex),
            let nulls = fb.i64(nodesVec.start + 16 * nodeIndex + 8)
          else { throw fail("bad field node \(nodeIndex)") }
          nodeIndex += 1
          guard n >= 0, n <= Int64(bodyLength) * 8 + 1 else { throw fail("bad length \(n) in field node \(nodeIndex - 1)") }
          let count = Int(n)
          _ = nulls
          _ = try nextBuffer()  // validity (nulls in primitive columns are read as stored values)
          func prim<T>(_ type: T.Type) throws -> [T] {
            let b = try nextBuffer()
            guard b.count >= count * MemoryLayout<T>.size else { throw fail("values buffer too short") }
            return b.withUnsafeBytes { raw in (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) } }
          }
          switch t {
          case .bool:
            let b = try nextBuffer()
            guard b.count * 8 >= count else { throw fail("bool buffer too short") }
            return .bool((0..<count).map { b[b.startIndex + $0 >> 3] & (1 << UInt8($0 & 7)) != 0 })
          case .int8: return .int8(try prim(Int8.self))
          case .int16: return .int16(try prim(Int16.self))
          case .int32: return .int32(try prim(Int32.self))
          case .int64: return .int64(try prim(Int64.self))
          case .float32: return .float32(try prim(Float.self))
          case .float64: return .float64(try prim(Double.self))
          case .utf8:
            throw fail("lists of strings are not supported")
          case .list(let inner):
            let ob = try nextBuffer()
            guard ob.count >= (count + 1) * 4 else { throw fail("list offsets too short") }
            let offsets = ob.withUnsafeBytes { raw in (0...count).map { Int(raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) } }
            let child = try decode(inner)
            for i in 0..<count where offsets[i] < 0 || offsets[i] > offsets[i + 1] || offsets[i + 1] > child.count {
              throw fail("bad list offsets at row \(i)")
            }
            return .list(offsets: offsets, child: child)
          }
        }
        func decodeTop(_ t: ArrowType) throws -> ArrowColumn {
          if case .utf8 = t {
            guard nodeIndex < nodesVec.count, let n = fb.i64(nodesVec.start + 16 * nodeIndex),
              let nulls = fb.i64(nodesVec.start + 16 * nodeIndex + 8)
            else { throw fail("bad field node \(nodeIndex)") }
            nodeIndex += 1
            guard n >= 0, n <= Int64(bodyLength) else { throw fail("bad length \(n) in field node \(nodeIndex - 1)") }
            let count = Int(n)
            let validity = try nextBuffer()
            let ob = try nextBuffer()
            let data = try nextBuffer()
            guard ob.count >= (count + 1) * 4 else { throw fail("string offsets too short") }
            let offsets = ob.withUnsafeBytes { raw in (0...count).map { Int(raw.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) } }
            var out: [String?] = []
            for i in 0..<count {
              guard offsets[i] >= 0 else { throw fail("bad string offsets") }
              if nulls > 0 && !validity.isEmpty && validity[validity.startIndex + i >> 3] & (1 << UInt8(i & 7)) == 0 {
                out.append(nil)
                continue
              }
              guard offsets[i] <= offsets[i + 1], offsets[i + 1] <= data.count else { throw fail("bad string offsets") }
              out.append(String(decoding: data[(data.startIndex + offsets[i])..<(data.startIndex + offsets[i + 1])], as: UTF8.self))
            }
            return .utf8(out)
          }
          return try decode(t)
        }
        let batch = try schema.fields.map { try decodeTop($0.type) }
        try body(schema, batch, length)
        bytesRead(p)
      default:
        throw fail("unsupported message type \(headerType)")
      }
    }
    guard let schema else { throw OmicsError(file: path, "Arrow stream without a schema") }
    return schema
  }

  /// `b` appended to `a` (same type).
  public static func append(_ a: ArrowColumn, _ b: ArrowColumn) -> ArrowColumn {
    switch (a, b) {
    case (.bool(let x), .bool(let y)): return .bool(x + y)
    case (.int8(let x), .int8(let y)): return .int8(x + y)
    case (.int16(let x), .int16(let y)): return .int16(x + y)
    case (.int32(let x), .int32(let y)): return .int32(x + y)
    case (.int64(let x), .int64(let y)): return .int64(x + y)
    case (.float32(let x), .float32(let y)): return .float32(x + y)
    case (.float64(let x), .float64(let y)): return .float64(x + y)
    case (.utf8(let x), .utf8(let y)): return .utf8(x + y)
    case (.list(let xo, let xc), .list(let yo, let yc)):
      if xo.count <= 1 { return b }
      let base = xo.last ?? 0
      return .list(offsets: xo + yo.dropFirst().map { $0 + base - (yo.first ?? 0) }, child: append(xc, yc))
    default: return b
    }
  }

  static func parseSchema(_ fb: FBReader, _ schema: Int, _ fail: (String) -> OmicsError) throws -> ArrowSchema {
    func type(_ field: Int) throws -> ArrowType {
      let tt = fb.scalar8(field, 2)
      guard let tt_table = fb.indirect(fb.field(field, 3)) else { throw fail("field without type") }
      switch tt {
      case 2:
        let width = fb.scalar32(tt_table, 0)
        switch width {
        case 8: return .int8
        case 16: return .int16
        case 32: return .int32
        case 64: return .int64
        default: throw fail("unsupported int width \(width)")
        }
      case 3: return fb.scalar16(tt_table, 0) == 1 ? .float32 : .float64
      case 5: return .utf8
      case 6: return .bool
      case 12:
        guard let child = fb.tables(field, 5).first else { throw fail("list without child") }
        return .list(try type(child))
      default: throw fail("unsupported Arrow type id \(tt)")
      }
    }
    var fields: [ArrowField] = []
    for f in fb.tables(schema, 1) {
      fields.append(ArrowField(fb.string(f, 0) ?? "", try type(f), nullable: fb.scalar8(f, 1) != 0))
    }
    var metadata: [ArrowKeyValue] = []
    for kv in fb.tables(schema, 2) {
      metadata.append(ArrowKeyValue(fb.string(kv, 0) ?? "", fb.string(kv, 1) ?? ""))
    }
    return ArrowSchema(fields: fields, metadata: metadata)
  }
}

extension ArrowStreamReader {
  /// Reads every `data-*.arrow` file of a Hugging Face datasets folder, in name order, as one table.
  /// The `.arrow` files of a `datasets` folder in order (the shards of one table).
  public static func datasetFiles(_ folder: String) throws -> [String] {
    let names: [String]
    do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
      throw OmicsError(file: folder, "cannot list the folder: \(error.localizedDescription)")
    }
    let files = names.filter { $0.hasSuffix(".arrow") }.sorted().map { folder + "/" + $0 }
    guard !files.isEmpty else { throw OmicsError(file: folder, "no .arrow files in the folder") }
    return files
  }

  public static func readDatasetFolder(_ folder: String) throws -> Table {
    let names: [String]
    do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
      throw OmicsError(file: folder, "cannot list the folder: \(error.localizedDescription)")
    }
    var table: Table?
    for name in names.filter({ $0.hasSuffix(".arrow") }).sorted() {
      let t = try read(path: folder + "/" + name)
      if var acc = table {
        guard acc.schema.fields == t.schema.fields else {
          throw OmicsError(file: folder + "/" + name, "schema differs from the folder's first Arrow file")
        }
        acc.columns = zip(acc.columns, t.columns).map { append($0, $1) }
        acc.rowCount += t.rowCount
        acc.batchCount += t.batchCount
        table = acc
      } else {
        table = t
      }
    }
    guard let table else { throw OmicsError(file: folder, "no .arrow files in the folder") }
    return table
  }
}
