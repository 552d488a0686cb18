import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

/// Arrow IPC stream writer and reader, and the Hugging Face datasets folder writer.
@Suite struct ArrowTests {
  static let fields = [
    ArrowField("input_ids", .list(.int32)), ArrowField("label", .utf8), ArrowField("score", .float64),
    ArrowField("small", .int16), ArrowField("flag", .bool), ArrowField("length", .int64),
  ]

  static func batch(_ start: Int, _ n: Int) -> [ArrowArrayData] {
    var offsets: [Int32] = [0]
    var values: [Int32] = []
    for i in start..<(start + n) {
      values += (0..<(i % 7)).map { Int32(i * 10 + $0) }
      offsets.append(Int32(values.count))
    }
    return [
      .list(offsets: offsets, child: .primitive(.int32(values), count: values.count)),
      .strings((start..<(start + n)).map { $0 % 5 == 0 ? nil : "cell \($0) é" }),
      .primitive(.float64((start..<(start + n)).map { Double($0) / 3 }), count: n),
      .primitive(.int16((start..<(start + n)).map { Int16($0 % 100) }), count: n),
      .bools((start..<(start + n)).map { $0 % 3 == 0 }),
      .primitive(.int64((start..<(start + n)).map { Int64($0 % 7) }), count: n),
    ]
  }

  @Test func streamRoundTrips() throws {
    let dir = FixturePaths.temporaryDirectory()
    let path = dir + "/x.arrow"
    let schema = ArrowSchema(fields: Self.fields, metadata: [ArrowKeyValue("k", "v")])
    let writer = try ArrowStreamWriter(path: path, schema: schema)
    try writer.write(columns: Self.batch(0, 13))
    try writer.write(columns: Self.batch(13, 1))
    try writer.write(columns: Self.batch(14, 30))
    try writer.finish()
    let table = try ArrowStreamReader.read(path: path)
    #expect(table.schema == schema)
    #expect(table.rowCount == 44 && table.batchCount == 3)
    let whole = Self.batch(0, 44)
    guard case .list(let offsets, let child) = table.columns[0], case .int32(let values) = child else {
      Issue.record("input_ids")
      return
    }
    #expect(whole[0].buffers[1] == .int32(offsets.map { Int32($0) }))
    #expect(whole[0].children[0].buffers[1] == .int32(values))
    #expect(table.columns[1] == .utf8((0..<44).map { $0 % 5 == 0 ? nil : "cell \($0) é" }))
    #expect(table.columns[2] == .float64((0..<44).map { Double($0) / 3 }))
    #expect(table.columns[3] == .int16((0..<44).map { Int16($0 % 100) }))
    #expect(table.columns[4] == .bool((0..<44).map { $0 % 3 == 0 }))
    #expect(table.columns[5] == .int64((0..<44).map { Int64($0 % 7) }))
  }

  @Test func datasetFolderLayout() throws {
    let dir = FixturePaths.temporaryDirectory()
    let out = dir + "/corpus.dataset"
    let writer = try HFDatasetWriter(destination: out, fields: Self.fields, maxShardBytes: 1_000)
    for k in 0..<5 { try writer.write(columns: Self.batch(k * 20, 20)) }
    try writer.finish()
    let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
    #expect(names == (0..<5).map { String(format: "data-%05d-of-00005.arrow", $0) } + ["dataset_info.json", "state.json"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["corpus.dataset"])
    let table = try ArrowStreamReader.readDatasetFolder(out)
    #expect(table.rowCount == 100)
    let meta = try #require(table.schema.metadata.first)
    #expect(meta.key == "huggingface")
    #expect(meta.value.hasPrefix("{\"info\": {\"features\": {\"input_ids\": {\"feature\": {\"dtype\": \"int32\", \"_type\": \"Value\"}, \"_type\": \"List\"}, \"label\": {\"dtype\": \"string\", \"_type\": \"Value\"}"))
    let info = try String(contentsOfFile: out + "/dataset_info.json", encoding: .utf8)
    #expect(info.contains("\"length\": {\n      \"dtype\": \"int64\",\n      \"_type\": \"Value\"\n    }"))
    let state = try String(contentsOfFile: out + "/state.json", encoding: .utf8)
    #expect(state.contains("\"filename\": \"data-00004-of-00005.arrow\""))
  }

  @Test func abandonedFolderLeavesNothing() throws {
    let dir = FixturePaths.temporaryDirectory()
    let writer = try HFDatasetWriter(destination: dir + "/x.dataset", fields: Self.fields)
    try writer.write(columns: Self.batch(0, 3))
    #expect(throws: OmicsError.self) { try writer.write(columns: Array(Self.batch(0, 3).prefix(2))) }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
  }

  @Test func refusesAnExistingDestination() throws {
    let dir = FixturePaths.temporaryDirectory()
    try FileManager.default.createDirectory(atPath: dir + "/x.dataset", withIntermediateDirectories: false)
    let writer = try HFDatasetWriter(destination: dir + "/x.dataset", fields: Self.fields)
    #expect(throws: OmicsError(file: dir + "/x.dataset", "already exists; remove it or choose another --out")) { try writer.finish() }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["x.dataset"])
  }

  @Test func readerRejectsTruncatedStreams() throws {
    let dir = FixturePaths.temporaryDirectory()
    let path = dir + "/x.arrow"
    let writer = try ArrowStreamWriter(path: path, schema: ArrowSchema(fields: Self.fields))
    try writer.write(columns: Self.batch(0, 3))
    try writer.finish()
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    try bytes.prefix(bytes.count - 8).write(to: URL(fileURLWithPath: path))
    #expect(throws: OmicsError.self) { try ArrowStreamReader.read(path: path) }
  }
}
