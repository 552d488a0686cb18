import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
@testable import OmicsPreprocessing
import Testing

/// t-digest medians against the exact median (numpy's definition: mean of the two middle values for
/// an even count): relative error under 1% for every gene with ≥ 100 non-zero values, in one pass
/// and after merging shards.
@Suite struct GeneMedianTests {
  static func exactMedian(_ v: [Double]) -> Double {
    let s = v.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
  }

  struct LCG: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return state ^ (state >> 29)
    }
  }

  /// Values like Geneformer's: small counts / n_counts × 10,000, plus smooth and heavy-tailed shapes.
  static func sample(_ kind: Int, _ n: Int, _ rng: inout LCG) -> [Double] {
    (0..<n).map { _ in
      switch kind {
      case 0:  // counts 1..k (negative binomial-ish) over varying library sizes
        let count = Double(1 + Int(-log(Double.random(in: 1e-12..<1, using: &rng)) * 2))
        let nc = Double(Int.random(in: 1_000...20_000, using: &rng))
        return count / nc * 10_000
      case 1: return exp(Double.random(in: -3...3, using: &rng) + Double.random(in: -3...3, using: &rng))
      case 2: return Double(Int.random(in: 1...3, using: &rng)) / 4_000 * 10_000  // very discrete
      default: return Double.random(in: 0.1...100, using: &rng)
      }
    }
  }

  @Test(arguments: [0, 1, 2, 3])
  func medianWithinOnePercent(_ kind: Int) {
    var rng = LCG(state: UInt64(kind + 1))
    for n in [1, 2, 7, 100, 101, 1_000, 10_000, 200_000] {
      let values = Self.sample(kind, n, &rng)
      var digest = TDigest(compression: 300)
      for v in values { digest.add(v) }
      let exact = Self.exactMedian(values)
      let estimate = digest.quantile(0.5) ?? .nan
      if n <= 100 {
        #expect(estimate == exact, "kind \(kind) n \(n): small samples are exact")
      } else {
        #expect(abs(estimate - exact) / exact < 0.01, "kind \(kind) n \(n): \(estimate) vs \(exact)")
      }
      // shards merged
      var merged = TDigest(compression: 300)
      for shard in 0..<7 {
        var d = TDigest(compression: 300)
        for i in stride(from: shard, to: n, by: 7) { d.add(values[i]) }
        merged.merge(d)
      }
      let m = merged.quantile(0.5) ?? .nan
      #expect(n <= 100 ? m == exact : abs(m - exact) / exact < 0.01, "kind \(kind) n \(n) merged: \(m) vs \(exact)")
    }
  }

  /// Files → sketch → merge → export, against exact per-gene medians computed here.
  @Test func sketchOfShardsMatchesExactMedians() throws {
    let dir = FixturePaths.temporaryDirectory()
    let genes = (0..<8).map { String(format: "ENSG%011d", $0) }
    var rng = LCG(state: 7)
    var shards: [String] = []
    var perGene = [[Double]](repeating: [], count: genes.count)
    for s in 0..<3 {
      var rows: [[Float]] = []
      var totals: [Double] = []
      for _ in 0..<400 {
        let row: [Float] = genes.indices.map { g in Int.random(in: 0...3, using: &rng) == 0 ? 0 : Float(Int.random(in: 1...(g + 2), using: &rng)) }
        let total = Double(row.reduce(0, +)) + 50
        for (g, v) in row.enumerated() where v != 0 { perGene[g].append(Double(v) / total * 10_000) }
        rows.append(row)
        totals.append(total)
      }
      shards.append(try TokenizerTestSupport.h5ad(dir, name: "s\(s).h5ad", ids: genes, rows: rows, nCounts: totals))
    }
    var one = GeneMedianSketch()
    for s in shards { try one.add(file: s) }
    var merged = GeneMedianSketch()
    for (i, s) in shards.enumerated() {
      var part = GeneMedianSketch()
      try part.add(file: s, options: .init(threads: 1 + i))
      try part.write(to: dir + "/p\(i).sketch")
      merged.merge(try GeneMedianSketch.read(dir + "/p\(i).sketch"))
    }
    #expect(one.cells == 1_200 && merged.cells == 1_200 && merged.files == 3)
    for sketch in [one, merged] {
      var s = sketch
      let medians = s.medians(minimumCount: 100)
      #expect(medians.map(\.gene) == genes)
      for (g, row) in medians.enumerated() {
        let exact = Self.exactMedian(perGene[g])
        #expect(row.count == perGene[g].count)
        #expect(abs(row.median - exact) / exact < 0.01, "\(row.gene): \(row.median) vs \(exact)")
      }
    }
    // export: TSV and a pickle our reader (and Python) loads
    let n = try merged.export(to: dir + "/m.tsv")
    #expect(n == genes.count)
    _ = try merged.export(to: dir + "/m.pkl")
    let fromTSV = try GeneDictionaryFile.medians(dir + "/m.tsv")
    let fromPickle = try GeneDictionaryFile.medians(dir + "/m.pkl")
    #expect(fromTSV == fromPickle && fromTSV.count == genes.count)
  }

  @Test func badSketchFiles() throws {
    let dir = FixturePaths.temporaryDirectory()
    try Data("hello".utf8).write(to: URL(fileURLWithPath: dir + "/x.sketch"))
    #expect(throws: OmicsError(file: dir + "/x.sketch", "not an omics median sketch (bad magic)")) {
      try GeneMedianSketch.read(dir + "/x.sketch")
    }
    var s = GeneMedianSketch()
    let genes = ["ENSG00000000001"]
    let input = try TokenizerTestSupport.h5ad(dir, ids: genes, rows: [[3], [4]])
    try s.add(file: input)  // one gene, two singleton centroids (16 bytes each)
    try s.write(to: dir + "/ok.sketch")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/ok.sketch"))
    try bytes.prefix(bytes.count - 4).write(to: URL(fileURLWithPath: dir + "/cut.sketch"))
    #expect(throws: OmicsError(file: dir + "/cut.sketch", location: "byte \(bytes.count - 32)", "truncated sketch")) {
      try GeneMedianSketch.read(dir + "/cut.sketch")
    }
  }
}
