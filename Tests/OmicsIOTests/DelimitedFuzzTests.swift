import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

/// Mutated inputs for every text reader: errors are fine, crashes are not.
@Suite struct DelimitedFuzzTests {
  struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  static let alphabet = Array("0123456789 \t\n\r\"!^#%=:-.,eE+/NAnul".utf8) + [0xFF, 0xC3]

  func mutations(of text: String, count: Int, seed: UInt64) -> [Data] {
    var rng = SplitMix(state: seed)
    let original = Array(text.utf8)
    return (0..<count).map { _ in
      var bytes = original
      for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
        let i = Int.random(in: 0..<bytes.count, using: &rng)
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: bytes[i] = Self.alphabet.randomElement(using: &rng) ?? 0
        case 1: bytes.remove(at: i)
        case 2: bytes.insert(Self.alphabet.randomElement(using: &rng) ?? 0, at: i)
        default: bytes.removeSubrange(i...)
        }
      }
      return Data(bytes)
    }
  }

  func fixture(_ name: String) throws -> String {
    try String(contentsOfFile: FixturePaths.fixture(name), encoding: .utf8)
  }

  @Test func matrixMarketNeverCrashes() throws {
    for name in ["mtx/general_real.mtx", "mtx/symmetric_pattern.mtx", "mtx/array_integer.mtx"] {
      for (k, data) in mutations(of: try fixture(name), count: 300, seed: 1).enumerated() {
        var options = MatrixMarketReader.Options(precision: k % 2 == 0 ? .float32 : .float64, transpose: k % 3 == 0)
        options.sliceCount = k % 4 + 1
        if let m = try? MatrixMarketReader.parseSparse(TextFile(name: "f.mtx", contents: data), options: options) {
          #expect(m.validate() == nil)
        }
      }
    }
  }

  @Test func delimitedNeverCrashes() {
    let text = "gene,c1,\"c,2\",c3\nCD3D,1,0,2.5\nNKG7,NA,4,\n\"G\"\"3\",1e3,-2,0\n"
    for data in mutations(of: text, count: 500, seed: 2) {
      for name in ["f.csv", "f.txt"] {
        if let m = try? DelimitedMatrixReader.parse(TextFile(name: name, contents: data)) {
          #expect(m.validateShapes() == nil)
        }
      }
    }
  }

  @Test func geoReadersNeverCrash() throws {
    for data in mutations(of: try fixture("geo/GSE900001_series_matrix.txt"), count: 400, seed: 3) {
      if let m = try? GEOSeriesMatrixReader.parse(TextFile(name: "s.txt", contents: data)) {
        #expect(m.validateShapes() == nil)
      }
    }
    for data in mutations(of: try fixture("geo/GSE900002_family.soft"), count: 400, seed: 4) {
      if let soft = try? SOFTReader.parse(TextFile(name: "f.soft", contents: data)),
        let m = try? soft.expressionMatrix()
      {
        #expect(m.validateShapes() == nil)
      }
      _ = try? PlatformAnnotation.platformTable(TextFile(name: "f.soft", contents: data), platform: nil)
    }
    for data in mutations(of: try fixture("geo/GPL900001.annot"), count: 400, seed: 5) {
      if let (table, _) = try? PlatformAnnotation.platformTable(TextFile(name: "a.annot", contents: data), platform: nil),
        let gpl = try? PlatformAnnotation(table: table)
      {
        _ = gpl.genes(forProbe: "1007_s_at")
      }
    }
  }
}
