import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

/// safetensors reader and writer: byte-identical rewrite of files written by `safetensors.torch.save_file`,
/// round trips, and one-line errors naming the file for malformed input.
@Suite struct SafeTensorsTests {
  func entries(of file: SafeTensorsFile) throws -> [SafeTensorsWriter.Entry] {
    try file.tensors.map { SafeTensorsWriter.Entry(name: $0.name, dtype: $0.dtype, shape: $0.shape, bytes: try file.rawBytes($0.name)) }
  }

  @Test(.enabled(if: FixturePaths.shared("scdeal") != nil, "needs ../shared/data/scdeal"),
        arguments: ["init_f32", "init_f64", "inputs_f32", "inputs_f64", "expected_f32", "expected_f64"])
  func rewritesPyTorchFilesByteForByte(name: String) throws {
    let path = try #require(FixturePaths.shared("scdeal/\(name).safetensors"))
    let original = try Data(contentsOf: URL(fileURLWithPath: path))
    let file = try SafeTensorsFile(path: path)
    #expect(file.metadata.isEmpty)
    #expect(!file.tensors.isEmpty)
    // save_file was called without metadata: no __metadata__ entry.
    let rewritten = try SafeTensorsWriter.encode(entries(of: file), metadata: nil)
    #expect(rewritten == original)
  }

  @Test(.enabled(if: FixturePaths.shared("scdeal") != nil, "needs ../shared/data/scdeal"))
  func readsValuesAndTypes() throws {
    let f = try SafeTensorsFile(path: try #require(FixturePaths.shared("scdeal/inputs_f64.safetensors")))
    #expect(try f.int64s("y_src") == [0, 1, 1, 0, 1, 0])
    #expect(f.info("X_src")?.shape == [6, 12])
    #expect(f.info("X_src")?.dtype == .F64)
    let mask = try f.doubles("dae_mask")
    #expect(mask.allSatisfy { $0 == 0 || $0 == 1 })
  }

  @Test func headerLayoutAsSafetensorsWritesIt() throws {
    let data = try SafeTensorsWriter.encode([
      .float32("b.weight", shape: [2], [1, 2]), .int64("a.count", shape: [], [3]),
      .float64("c", shape: [1, 1], [0.5]),
    ])
    let n = Int(data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
    #expect(n % 8 == 0)
    let header = try #require(String(data: data.subdata(in: 8..<(8 + n)), encoding: .utf8))
    #expect(header.trimmingCharacters(in: .whitespaces) == #"{"__metadata__":{"format":"pt"},"a.count":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"c":{"dtype":"F64","shape":[1,1],"data_offsets":[8,16]},"b.weight":{"dtype":"F32","shape":[2],"data_offsets":[16,24]}}"#)
    let f = try SafeTensorsFile(data: data, path: "mem")
    #expect(f.metadata == ["format": "pt"])
    #expect(try f.floats("b.weight") == [1, 2])
    #expect(try f.int64s("a.count") == [3])
    #expect(try f.doubles("c") == [0.5])
  }

  @Test func writeIsAtomicAndRoundTrips() throws {
    let dir = FixturePaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/m.safetensors"
    try SafeTensorsWriter.write([.float32("x", shape: [3], [1, -2, .pi])], to: path)
    #expect(try SafeTensorsFile(path: path).floats("x") == [1, -2, .pi])
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["m.safetensors"])
    #expect(throws: OmicsError.self) {
      try SafeTensorsWriter.write([.float32("x", shape: [2], [1]), .float32("y", shape: [1], [1])], to: dir + "/bad.safetensors")
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/bad.safetensors"))
  }

  /// Header bytes → file with that header and `dataBytes` zero bytes of data.
  func file(header: String, dataBytes: Int = 8) -> Data {
    var d = Data()
    withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { d.append(contentsOf: $0) }
    d.append(Data(header.utf8))
    d.append(Data(count: dataBytes))
    return d
  }

  @Test(arguments: [
    (#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#, "not valid JSON"),
    (#"[1,2]"#, "does not start with '{'"),
    (#"{"x":{"dtype":"Q7","shape":[2],"data_offsets":[0,8]}}"#, "unsupported dtype Q7"),
    (#"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, "needs 12"),
    (#"{"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, "invalid extent"),
    (#"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,80]}}"#, "outside the data section"),
    (#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, "gap or overlap"),
    (#"{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, "cover 4 of the 8"),
    (#"{"x":{"dtype":"F32","shape":[2]}}"#, "data_offsets must be two integers"),
    (#"{"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}"#, "overflows"),
    (#"{"__metadata__":{"a":1},"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}"#, "not a string"),
  ])
  func malformedHeadersGiveOneLineErrorsNamingTheFile(header: String, message: String) {
    do {
      _ = try SafeTensorsFile(data: file(header: header), path: "broken.safetensors")
      Issue.record("accepted \(header)")
    } catch let e as OmicsError {
      #expect(e.file == "broken.safetensors")
      #expect(e.description.contains(message), "\(e.description)")
      #expect(!e.description.contains("\n"))
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }

  @Test func truncatedAndOversizedLengths() {
    #expect(throws: OmicsError.self) { try SafeTensorsFile(data: Data([1, 2, 3]), path: "t") }
    var huge = Data()
    withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { huge.append(contentsOf: $0) }
    #expect(throws: OmicsError.self) { try SafeTensorsFile(data: huge, path: "t") }
    var short = Data()
    withUnsafeBytes(of: UInt64(64).littleEndian) { short.append(contentsOf: $0) }
    short.append(Data("{}".utf8))
    #expect(throws: OmicsError.self) { try SafeTensorsFile(data: short, path: "t") }
    #expect(throws: OmicsError.self) { try SafeTensorsFile(path: "/nonexistent/x.safetensors") }
  }
}
