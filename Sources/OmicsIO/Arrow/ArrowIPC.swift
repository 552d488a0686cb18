import Foundation
import OmicsCore

/// Arrow logical types the writer supports (what a tokenized corpus needs).
public indirect enum ArrowType: Sendable, Equatable {
  case bool, int8, int16, int32, int64, float32, float64, utf8
  case list(ArrowType)

  /// The Hugging Face `datasets` dtype name of a primitive type.
  public var datasetsDType: String {
    switch self {
    case .bool: return "bool"
    case .int8: return "int8"
    case .int16: return "int16"
    case .int32: return "int32"
    case .int64: return "int64"
    case .float32: return "float32"
    case .float64: return "float64"
    case .utf8: return "string"
    case .list(let t): return "list<\(t.datasetsDType)>"
    }
  }

  var bitWidth: Int {
    switch self {
    case .int8: return 8
    case .int16: return 16
    case .int32, .float32: return 32
    case .int64, .float64: return 64
    default: return 0
    }
  }
}

public struct ArrowField: Sendable, Equatable {
  public var name: String
  public var type: ArrowType
  public var nullable: Bool

  public init(_ name: String, _ type: ArrowType, nullable: Bool = true) {
    self.name = name
    self.type = type
    self.nullable = nullable
  }
}

public struct ArrowSchema: Sendable, Equatable {
  public var fields: [ArrowField]
  /// Schema-level custom metadata (key, value) in order.
  public var metadata: [ArrowKeyValue]

  public init(fields: [ArrowField], metadata: [ArrowKeyValue] = []) {
    self.fields = fields
    self.metadata = metadata
  }
}

public struct ArrowKeyValue: Sendable, Equatable {
  public var key: String
  public var value: String
  public init(_ key: String, _ value: String) {
    self.key = key
    self.value = value
  }
}

/// One Arrow buffer, kept in its element type so no byte copy is needed to write it.
public enum ArrowBuffer: Sendable, Equatable {
  case empty
  case bytes([UInt8])
  case int16([Int16])
  case int32([Int32])
  case int64([Int64])
  case float32([Float])
  case float64([Double])

  public var byteCount: Int {
    switch self {
    case .empty: return 0
    case .bytes(let a): return a.count
    case .int16(let a): return a.count * 2
    case .int32(let a): return a.count * 4
    case .int64(let a): return a.count * 8
    case .float32(let a): return a.count * 4
    case .float64(let a): return a.count * 8
    }
  }

  func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    switch self {
    case .empty: return try body(UnsafeRawBufferPointer(start: nil, count: 0))
    case .bytes(let a): return try a.withUnsafeBytes(body)
    case .int16(let a): return try a.withUnsafeBytes(body)
    case .int32(let a): return try a.withUnsafeBytes(body)
    case .int64(let a): return try a.withUnsafeBytes(body)
    case .float32(let a): return try a.withUnsafeBytes(body)
    case .float64(let a): return try a.withUnsafeBytes(body)
    }
  }
}

/// One column of a record batch: its buffers (validity first, as Arrow orders them) and children.
public struct ArrowArrayData: Sendable, Equatable {
  public var length: Int
  public var nullCount: Int
  public var buffers: [ArrowBuffer]
  public var children: [ArrowArrayData]

  public init(length: Int, nullCount: Int = 0, buffers: [ArrowBuffer], children: [ArrowArrayData] = []) {
    self.length = length
    self.nullCount = nullCount
    self.buffers = buffers
    self.children = children
  }

  /// A primitive column without nulls.
  public static func primitive(_ values: ArrowBuffer, count: Int) -> ArrowArrayData {
    ArrowArrayData(length: count, buffers: [.empty, values])
  }

  /// A boolean column without nulls.
  public static func bools(_ values: [Bool]) -> ArrowArrayData {
    var bits = [UInt8](repeating: 0, count: (values.count + 7) / 8)
    for (i, v) in values.enumerated() where v { bits[i >> 3] |= 1 << UInt8(i & 7) }
    return ArrowArrayData(length: values.count, buffers: [.empty, .bytes(bits)])
  }

  /// A string column; `nil` entries are nulls.
  public static func strings(_ values: [String?]) -> ArrowArrayData {
    var offsets: [Int32] = [0]
    offsets.reserveCapacity(values.count + 1)
    var data: [UInt8] = []
    var validity = [UInt8](repeating: 0, count: (values.count + 7) / 8)
    var nulls = 0
    for (i, v) in values.enumerated() {
      if let v {
        data.append(contentsOf: v.utf8)
        validity[i >> 3] |= 1 << UInt8(i & 7)
      } else {
        nulls += 1
      }
      offsets.append(Int32(truncatingIfNeeded: data.count))
    }
    return ArrowArrayData(
      length: values.count, nullCount: nulls, buffers: [nulls == 0 ? .empty : .bytes(validity), .int32(offsets), .bytes(data)])
  }

  /// A list column without nulls: `offsets` (count + 1 entries) into a primitive child.
  public static func list(offsets: [Int32], child: ArrowArrayData) -> ArrowArrayData {
    ArrowArrayData(length: offsets.count - 1, buffers: [.empty, .int32(offsets)], children: [child])
  }
}

enum ArrowMetadata {
  static let continuation: UInt32 = 0xFFFF_FFFF
  static let version: Int16 = 4  // MetadataVersion.V5

  static func typeNode(_ t: ArrowType) -> (UInt8, FBNode) {
    switch t {
    case .bool: return (6, .table([]))
    case .utf8: return (5, .table([]))
    case .list: return (12, .table([]))
    case .float32: return (3, .table([.i16(1)]))
    case .float64: return (3, .table([.i16(2)]))
    case .int8, .int16, .int32, .int64: return (2, .table([.i32(Int32(t.bitWidth)), .bool(true)]))
    }
  }

  static func fieldNode(_ f: ArrowField) -> FBNode {
    let (typeType, typeTable) = typeNode(f.type)
    var children: [FBNode] = []
    if case .list(let inner) = f.type { children = [fieldNode(ArrowField("item", inner))] }
    return .table([.offset(.string(f.name)), .bool(f.nullable), .u8(typeType), .offset(typeTable), nil, .offset(.tables(children))])
  }

  static func schemaMessage(_ s: ArrowSchema) -> [UInt8] {
    var schemaFields: [FBField?] = [.i16(0), .offset(.tables(s.fields.map(fieldNode)))]
    if !s.metadata.isEmpty {
      schemaFields.append(.offset(.tables(s.metadata.map { .table([.offset(.string($0.key)), .offset(.string($0.value))]) })))
    }
    let message: FBNode = .table([.i16(version), .u8(1), .offset(.table(schemaFields)), .i64(0)])
    return FBEncoder.encode(message)
  }

  static func recordBatchMessage(length: Int, nodes: [(Int, Int)], buffers: [(Int, Int)], bodyLength: Int) -> [UInt8] {
    var nodeBytes: [UInt8] = []
    for (l, n) in nodes {
      withUnsafeBytes(of: Int64(l).littleEndian) { nodeBytes.append(contentsOf: $0) }
      withUnsafeBytes(of: Int64(n).littleEndian) { nodeBytes.append(contentsOf: $0) }
    }
    var bufferBytes: [UInt8] = []
    for (o, l) in buffers {
      withUnsafeBytes(of: Int64(o).littleEndian) { bufferBytes.append(contentsOf: $0) }
      withUnsafeBytes(of: Int64(l).littleEndian) { bufferBytes.append(contentsOf: $0) }
    }
    let batch: FBNode = .table([
      .i64(Int64(length)), .offset(.structs(bytes: nodeBytes, count: nodes.count, alignment: 8)),
      .offset(.structs(bytes: bufferBytes, count: buffers.count, alignment: 8)),
    ])
    let message: FBNode = .table([.i16(version), .u8(3), .offset(batch), .i64(Int64(bodyLength))])
    return FBEncoder.encode(message)
  }
}

/// Writes an Arrow IPC *stream* (what `pyarrow.ipc.open_stream` and Hugging Face `datasets` read):
/// schema message, record batches, end-of-stream marker. Buffers are 8-byte aligned and padded.
public final class ArrowStreamWriter {
  public let path: String
  public let schema: ArrowSchema
  private var file: UnsafeMutablePointer<FILE>?
  /// Bytes written so far.
  public private(set) var bytesWritten = 0
  public private(set) var rowsWritten = 0

  public init(path: String, schema: ArrowSchema) throws {
    self.path = path
    self.schema = schema
    guard let f = fopen(path, "wb") else {
      throw OmicsError(file: path, "cannot create: \(String(cString: strerror(errno)))")
    }
    file = f
    setvbuf(f, nil, _IOFBF, 1 << 20)
    try writeMessage(ArrowMetadata.schemaMessage(schema), body: [])
  }

  deinit { if let file { fclose(file) } }

  private func put(_ raw: UnsafeRawBufferPointer) throws {
    guard raw.count > 0, let base = raw.baseAddress else { return }
    guard let file, fwrite(base, 1, raw.count, file) == raw.count else {
      throw OmicsError(file: path, "write failed: \(String(cString: strerror(errno)))")
    }
    bytesWritten += raw.count
  }

  private func pad(to alignment: Int) throws {
    let n = (alignment - bytesWritten % alignment) % alignment
    if n > 0 { try [UInt8](repeating: 0, count: n).withUnsafeBytes { try put($0) } }
  }

  private func writeMessage(_ metadata: [UInt8], body: [ArrowBuffer]) throws {
    let padded = (metadata.count + 8 + 7) / 8 * 8 - 8
    var header: [UInt8] = []
    withUnsafeBytes(of: ArrowMetadata.continuation.littleEndian) { header.append(contentsOf: $0) }
    withUnsafeBytes(of: Int32(padded).littleEndian) { header.append(contentsOf: $0) }
    try header.withUnsafeBytes { try put($0) }
    try metadata.withUnsafeBytes { try put($0) }
    try pad(to: 8)
    for b in body {
      try b.withBytes { try put($0) }
      try pad(to: 8)
    }
  }

  /// Writes one record batch; `columns` follow the schema's fields.
  public func write(columns: [ArrowArrayData]) throws {
    guard columns.count == schema.fields.count else {
      throw OmicsError(file: path, "record batch has \(columns.count) columns, schema has \(schema.fields.count)")
    }
    let length = columns.first?.length ?? 0
    var nodes: [(Int, Int)] = []
    var buffers: [(Int, Int)] = []
    var body: [ArrowBuffer] = []
    var offset = 0
    func visit(_ a: ArrowArrayData) {
      nodes.append((a.length, a.nullCount))
      for b in a.buffers {
        buffers.append((offset, b.byteCount))
        body.append(b)
        offset += (b.byteCount + 7) / 8 * 8
      }
      a.children.forEach(visit)
    }
    columns.forEach(visit)
    try writeMessage(
      ArrowMetadata.recordBatchMessage(length: length, nodes: nodes, buffers: buffers, bodyLength: offset), body: body)
    rowsWritten += length
  }

  /// Writes the end-of-stream marker and closes the file.
  public func finish() throws {
    try [UInt8]([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]).withUnsafeBytes { try put($0) }
    guard let f = file else { return }
    file = nil
    if fclose(f) != 0 { throw OmicsError(file: path, "close failed: \(String(cString: strerror(errno)))") }
  }
}
