import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

/// The pickle reader against Python's own pickles: Geneformer's eight dictionaries (compared entry by
/// entry with the TSVs made by a plain `pickle.load`), inline pickles of protocols 2 and 5, and errors.
@Suite struct PickleTests {
  static let shared = FixturePaths.shared("geneformer/derived_tsv")

  static let files: [(pkl: String, tsv: String, kind: String)] = [
    ("token_dictionary_gc104M.pkl", "token_dictionary_gc104M.tsv", "int"),
    ("gene_median_dictionary_gc104M.pkl", "gene_median_dictionary_gc104M.tsv", "float"),
    ("gene_name_id_dict_gc104M.pkl", "gene_name_id_dict_gc104M.tsv", "str"),
    ("ensembl_mapping_dict_gc104M.pkl", "ensembl_mapping_dict_gc104M.tsv", "str"),
    ("gene_dictionaries_30m/token_dictionary_gc30M.pkl", "token_dictionary_gc30M.tsv", "int"),
    ("gene_dictionaries_30m/gene_median_dictionary_gc30M.pkl", "gene_median_dictionary_gc30M.tsv", "float"),
    ("gene_dictionaries_30m/gene_name_id_dict_gc30M.pkl", "gene_name_id_dict_gc30M.tsv", "str"),
    ("gene_dictionaries_30m/ensembl_mapping_dict_gc30M.pkl", "ensembl_mapping_dict_gc30M.tsv", "str"),
  ]

  @Test(.enabled(if: shared != nil, "needs ../shared/data/geneformer (skipped: shared data absent)"), arguments: files.map(\.pkl))
  func geneformerDictionariesMatchPickleLoad(_ pkl: String) throws {
    let entry = try #require(Self.files.first { $0.pkl == pkl })
    let pklPath = try #require(FixturePaths.shared("geneformer/" + pkl))
    let tsvPath = try #require(FixturePaths.shared("geneformer/derived_tsv/" + entry.tsv))
    let (keys, values) = try PickleReader.readDictionary(path: pklPath)
    let lines = try String(contentsOfFile: tsvPath, encoding: .utf8).split(separator: "\n").dropFirst()
    #expect(keys.count == lines.count)
    for (i, line) in lines.enumerated() where i < keys.count {
      let parts = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      #expect(keys[i] == .string(parts[0]), "entry \(i)")
      switch entry.kind {
      case "int": #expect(values[i].intValue == Int64(parts[1]), "entry \(i)")
      case "float":
        // numpy.float64 scalars, bit-exact
        guard case .numpyScalar(let s) = values[i] else {
          Issue.record("entry \(i) is \(values[i].typeName)")
          continue
        }
        #expect(s.kind == "f8" && s.floating == Double(parts[1]), "entry \(i)")
      default: #expect(values[i] == .string(parts[1]), "entry \(i)")
      }
    }
  }

  @Test(.enabled(if: shared != nil, "needs ../shared/data/geneformer (skipped: shared data absent)"))
  func v1TokenValuesAreNumpyInt16() throws {
    let path = try #require(FixturePaths.shared("geneformer/gene_dictionaries_30m/token_dictionary_gc30M.pkl"))
    let (keys, values) = try PickleReader.readDictionary(path: path)
    #expect(keys[0] == .string("<pad>") && values[0] == .int(0))
    #expect(values[2].typeName == "numpy.int16" && values[2].intValue == 2)
  }

  static func bytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = hex.startIndex
    while i < hex.endIndex {
      let j = hex.index(i, offsetBy: 2)
      out.append(UInt8(hex[i..<j], radix: 16) ?? 0)
      i = j
    }
    return out
  }

  static let expectedMixed: PickleValue = .dict(
    keys: [.string("a"), .string("b"), .string("c"), .string("d")],
    values: [.int(1), .list([.float(1.5), .none, .bool(true)]), .tuple([.bytes([0x78]), .int(-300), .int(1 << 40)]), .string("é")])

  /// `pickle.dumps({'a': 1, 'b': [1.5, None, True], 'c': (b'x', -300, 2**40), 'd': 'é'}, protocol=2)`.
  @Test func protocol2() throws {
    let hex = "80027d71002858010000006171014b0158010000006271025d710328473ff80000000000004e88655801000000637104635f636f646563730a656e636f64650a7105580100000078710658060000006c6174696e3171078671085271094ad4feffff8a0600000000000187710a580100000064710b5802000000c3a9710c752e"
    #expect(try PickleReader.decode(Self.bytes(hex)) == Self.expectedMixed)
  }

  /// The same dict with `protocol=5`.
  @Test func protocol5() throws {
    let hex = "8005953e000000000000007d94288c0161944b018c0162945d9428473ff80000000000004e88658c016394430178944ad4feffff8a0600000000000187948c0164948c02c3a994752e"
    #expect(try PickleReader.decode(Self.bytes(hex)) == Self.expectedMixed)
  }

  @Test func refusesArbitraryObjects() throws {
    // a GLOBAL that would run code on load: b"\x80\x02cos\nsystem\nq\x00."
    let bytes: [UInt8] = [0x80, 0x02, 0x63] + Array("os\nsystem\n".utf8) + [0x71, 0x00, 0x2E]
    #expect(throws: OmicsError(file: "x.pkl", location: "byte 2", "refusing to load the Python object os.system (only plain data and numpy scalars are read)")) {
      try PickleReader.decode(bytes, file: "x.pkl")
    }
  }

  /// collections.OrderedDict (what torch.save writes a state dict as) is plain data: a dict.
  @Test func orderedDictIsADict() throws {
    // pickle.dumps(collections.OrderedDict(a=1), protocol=4)
    let hex = "80049529000000000000008c0b636f6c6c656374696f6e73948c0b4f726465726564446963749493942952948c0161944b01732e"
    #expect(try PickleReader.decode(Self.bytes(hex)) == .dict(keys: [.string("a")], values: [.int(1)]))
  }

  @Test func errors() throws {
    #expect(throws: OmicsError(file: "t.pkl", location: "byte 3", "pickle truncated (needs 1 more bytes)")) {
      try PickleReader.decode([0x80, 0x04, 0x7D, 0x8C], file: "t.pkl")
    }
    #expect(throws: OmicsError(file: "t.pkl", location: "byte 3", "pickle ends without STOP")) {
      try PickleReader.decode([0x80, 0x04, 0x7D], file: "t.pkl")
    }
    #expect(throws: OmicsError(file: "t.pkl", location: "byte 0", "unsupported pickle opcode 0xff (only plain data and numpy scalars are read)")) {
      try PickleReader.decode([0xFF], file: "t.pkl")
    }
    #expect(throws: OmicsError(file: "t.pkl", location: "byte 2", "pickle memo index 5 was never stored")) {
      try PickleReader.decode([0x80, 0x02, 0x68, 0x05, 0x2E], file: "t.pkl")
    }
    let dir = FixturePaths.temporaryDirectory()
    let list = dir + "/list.pkl"
    // pickle.dumps([1, 2], protocol=4)
    try Data(Self.bytes("80049509000000000000005d94284b014b02652e")).write(to: URL(fileURLWithPath: list))
    #expect(throws: OmicsError(file: list, "expected a pickled dict, found list")) { try PickleReader.readDictionary(path: list) }
    #expect(throws: OmicsError(file: dir + "/none.pkl", "cannot read the file (missing or not readable)")) {
      try PickleReader.read(path: dir + "/none.pkl")
    }
  }

  @Test func writerRoundTrips() throws {
    let long = String(repeating: "x", count: 300)
    let entries: [(key: String, value: PickleWriter.Value)] =
      (0..<2500).map { ("ENSG\($0)", .float(Double($0) / 7)) } + [("big", .int(1 << 40)), ("neg", .int(-5)), (long, .string("é"))]
    let decoded = try PickleReader.decode(PickleWriter.encodeDictionary(entries))
    guard case .dict(let keys, let values) = decoded else {
      Issue.record("not a dict")
      return
    }
    #expect(keys == entries.map { .string($0.key) })
    for (v, e) in zip(values, entries) {
      switch e.value {
      case .float(let d): #expect(v == .float(d))
      case .int(let i): #expect(v == .int(i))
      case .string(let s): #expect(v == .string(s))
      }
    }
    #expect(try PickleReader.decode(PickleWriter.encodeDictionary([])) == .dict(keys: [], values: []))
  }
}
