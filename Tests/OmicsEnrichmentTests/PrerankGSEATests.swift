import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

@testable import OmicsEnrichment

/// Enrichment scores and leading edges against fgsea (exact), NES/p-values against fgsea's stored
/// results (within Monte Carlo error), multilevel against fgsea's C++ output, Broad statistics
/// against a real results.edb.
@Suite struct PrerankGSEATests {
  static func es(_ positions1: [Int], stats: [Double]) -> EnrichmentScore {
    let positions = positions1.map { Int32($0 - 1) }
    return positions.withUnsafeBufferPointer { p in
      stats.map { Swift.abs($0) }.withUnsafeBufferPointer { w in
        EnrichmentScore.compute(positions: p, weights: w, geneCount: stats.count)
      }
    }
  }

  @Test func fgseaScalarChecks() {
    let stats = (-10...10).reversed().map(Double.init)
    #expect(Self.es(Array(1...5), stats: stats).es == 1)
    #expect(Self.es(Array(16...21), stats: stats).es == -1)
    #expect(Swift.abs(Self.es([2, 4, 6, 8, 10], stats: stats).es - 0.71) < 1e-12)
    let tie = Self.es([10, 11, 12], stats: stats)
    #expect(tie.es == 0)
    #expect(tie.peakHit == nil)
    #expect(tie.leadingEdgeHits(count: 3).isEmpty)
  }

  @Test(.enabled(if: GSEAFixtures.cppRefs != nil, "../shared/data/gsea_fixtures/fgsea_cpp_refs is absent"))
  func batchESMatchesFgseaCpp() throws {
    let dir = try GSEAFixtures.requireShared(GSEAFixtures.cppRefs)
    let stats = try GSEAFixtures.numbers(dir + "/inputs/stats.tsv", skipHeader: true)
    #expect(stats.count == 3000)
    let pathways = try String(contentsOfFile: dir + "/inputs/pathways.tsv", encoding: .utf8)
      .split(separator: "\n").map { $0.split(separator: "\t").compactMap { Int($0) } }
    let refs = try GSEAFixtures.table(dir + "/refs/ref_calcGseaStatBatchCpp.tsv")
    #expect(refs.count == 20 && pathways.count == 20)
    for (i, row) in refs.enumerated() {
      let expected = try #require(Double(row["ES"] ?? ""))
      let got = Self.es(pathways[i], stats: stats).es
      #expect(Swift.abs(got - expected) <= 1e-12, "pathway \(i): \(got) vs \(expected)")
    }
  }

  @Test(.enabled(if: GSEAFixtures.example != nil, "../shared/data/gsea_fixtures/fgsea_example is absent"))
  func exampleESAndLeadingEdgesMatchFgsea() throws {
    let (ranking, sets) = try GSEAFixtures.exampleInputs()
    let input = try PrerankInput(ranking: ranking, sets: sets, minSize: 15, maxSize: 500, weight: 1)
    let expected = try GSEAFixtures.table(GSEAFixtures.requireShared(GSEAFixtures.example) + "/expected_es_leading_edge_min15_max500.tsv")
    #expect(input.pathways.count == 586)
    #expect(expected.count == 586)
    let scores = input.enrichmentScores()
    var byName: [String: Int] = [:]
    for (i, p) in input.pathways.enumerated() { byName[p.name] = i }
    var maxDiff = 0.0
    var leadingEdgeMismatches = 0
    for row in expected {
      let name = try #require(row["pathway"])
      let i = try #require(byName[name], "\(name) not tested")
      let es = try #require(Double(row["ES"] ?? ""))
      #expect(Int(row["size"] ?? "") == input.pathways[i].positions.count)
      maxDiff = max(maxDiff, Swift.abs(scores[i].es - es))
      let le = scores[i].leadingEdgeHits(count: input.pathways[i].positions.count)
        .map { input.genes[Int(input.pathways[i].positions[$0])] }
      let expectedLE = (row["leading_edge"] ?? "").split(separator: ";").map(String.init)
      if le != expectedLE { leadingEdgeMismatches += 1 }
    }
    #expect(maxDiff <= 1e-10, "max |ΔES| = \(maxDiff)")
    #expect(leadingEdgeMismatches == 0)
    // fgsea's test suite (the 23rd pathway of examplePathways) and README values.
    for (name, value) in [
      ("5990978_M_G1_Transition", 0.5788464), ("5990979_Cell_Cycle,_Mitotic", 0.5595),
      ("5990980_Cell_Cycle", 0.5388), ("5991851_Mitotic_Prometaphase", 0.7253),
    ] {
      let i = try #require(byName[name], "\(name) not tested")
      let digits = value == 0.5788464 ? 5e-8 : 5e-5
      #expect(Swift.abs(scores[i].es - value) < digits, "\(name): \(scores[i].es)")
    }
  }

  @Test(.enabled(if: GSEAFixtures.example != nil, "../shared/data/gsea_fixtures/fgsea_example is absent"))
  func nesAndPValuesAgreeWithFgseaWithinMonteCarloError() throws {
    let (ranking, sets) = try GSEAFixtures.exampleInputs()
    var options = PrerankGSEA.Options()
    options.permutations = 1000
    options.seed = 7
    options.eps = 1e-12  // bounds the multilevel ladder (debug builds); fgsea's stored p are all > 1e-5
    let report = try PrerankGSEA.run(ranking: ranking, sets: sets, options: options)
    let reference = try GSEAFixtures.table(GSEAFixtures.requireShared(GSEAFixtures.example) + "/fgsea_res.tsv")
    var byID: [String: PrerankGSEA.Result] = [:]
    for r in report.results { byID[String(r.pathway.prefix { $0 != "_" })] = r }
    #expect(reference.count == 586)
    var nesOutside = 0
    var pOutside: [String] = []
    var maxNESRel = 0.0
    var maxZ = 0.0
    for row in reference {
      let id = try #require(row["pathway"])
      let r = try #require(byID[id])
      let nes = try #require(Double(row["NES"] ?? ""))
      let p = try #require(Double(row["pval"] ?? ""))
      let nMoreExtreme = try #require(Int(row["nMoreExtreme"] ?? ""))
      #expect(Swift.abs(r.es - (Double(row["ES"] ?? "") ?? .nan)) < 1e-10)
      // NES: the mean of ~500 same-sign null ES has a relative s.e. near 1.5%; allow 5%.
      let rel = Swift.abs(r.nes - nes) / Swift.abs(nes)
      maxNESRel = max(maxNESRel, rel)
      if rel > 0.05 { nesOutside += 1 }
      // Both are estimates of log2 p with s.d. log2err (fgsea's from its 1e5 permutations, ours
      // from our permutations or multilevel run): require agreement within 4 combined s.d.
      // (fgsea's nMoreExtreme = 0 rows report 1/(1+#same sign), below the truth: for
      // 5992049 (size 25, ES 0.689) fgsea gives 1.5e-5, 3e6 of our permutations give 2.5e-5.)
      let refErr = PrerankGSEA.simpleError(nMoreExtreme, 100_000)
      let ourErr = r.log2err.isNaN ? 1.0 : r.log2err
      let signed = Foundation.log2(r.pval / p) / (refErr * refErr + ourErr * ourErr).squareRoot()
      // With nMoreExtreme = 0 fgsea only bounds p from above: only ours being larger counts.
      let z = nMoreExtreme == 0 ? max(0, signed) : Swift.abs(signed)
      maxZ = max(maxZ, z)
      if z > 4 { pOutside.append("\(id): \(r.pval) vs \(p) (z = \(z))") }
    }
    #expect(nesOutside == 0, "max relative NES difference \(maxNESRel)")
    #expect(pOutside.isEmpty, "\(pOutside)")
    #expect(maxZ < 4)
    #expect(report.multilevelSets > 100)
    // Significant sets as fgsea (78 at padj < 0.01 in its 1e4 run, 77 at 1e5).
    let significant = report.results.filter { $0.padj < 0.01 }.count
    #expect((72...84).contains(significant), "\(significant) sets at padj < 0.01")
  }

  @Test(.enabled(if: GSEAFixtures.example != nil, "../shared/data/gsea_fixtures/fgsea_example is absent"))
  func sameSeedSameResultsWhateverTheThreadCount() throws {
    let (ranking, sets) = try GSEAFixtures.exampleInputs()
    var options = PrerankGSEA.Options()
    options.permutations = 300
    options.threads = 1
    let one = try PrerankGSEA.run(ranking: ranking, sets: sets, options: options)
    options.threads = 3
    let three = try PrerankGSEA.run(ranking: ranking, sets: sets, options: options)
    #expect(one.results.map(\.nes) == three.results.map(\.nes))
    #expect(one.results.map(\.pval).map { $0.bitPattern } == three.results.map(\.pval).map { $0.bitPattern })
    options.seed = 43
    let other = try PrerankGSEA.run(ranking: ranking, sets: sets, options: options)
    #expect(one.results.map(\.nes) != other.results.map(\.nes))
  }

  @Test(.enabled(if: GSEAFixtures.cppRefs != nil, "../shared/data/gsea_fixtures/fgsea_cpp_refs is absent"))
  func multilevelAgreesWithFgseaCpp() throws {
    let dir = try GSEAFixtures.requireShared(GSEAFixtures.cppRefs)
    let refs = try GSEAFixtures.table(dir + "/refs/ref_fgseaMultilevelCpp.tsv")
    #expect(refs.count == 10)
    let ranks = (1...3000).map(Double.init)
    for row in refs {
      let size = try #require(Int(row["pathwaySize"] ?? ""))
      let es = try #require(Double(row["ES"] ?? ""))
      let expected = try #require(Double(row["cppMPval"] ?? ""))
      let err = Double(row["log2err"] ?? "") ?? 0.5
      var ruler = MultilevelRuler(weights: es > 0 ? ranks : Array(ranks.reversed()), sampleSize: 101, pathwaySize: size)
      ruler.extend(to: Swift.abs(es), seed: 1, stream: UInt64(size), eps: 0)
      let got = ruler.pValue(for: Swift.abs(es)).p
      // Two independent estimates, each with s.d. ≈ log2err in log2 units.
      let diff = Swift.abs(Foundation.log2(got) - Foundation.log2(expected))
      #expect(diff <= 4 * err * 2.0.squareRoot() + 0.1, "size \(size) ES \(es): \(got) vs \(expected)")
    }
  }

  @Test(.enabled(if: GSEAFixtures.edb != nil, "../shared/data/gsea_fixtures/broad_gsea_edb is absent"))
  func broadStatisticsReproduceResultsEdb() throws {
    let dir = try GSEAFixtures.requireShared(GSEAFixtures.edb)
    let records = try GSEAFixtures.edbRecords(dir + "/results.edb")
    #expect(records.count == 7)
    #expect(records.allSatisfy { $0.rndES.count == 1000 })
    let stats = BroadStatistics.compute(es: records.map(\.es), null: records.map(\.rndES))
    for (record, got) in zip(records, stats) {
      #expect(Swift.abs(got.nominalP - record.np) <= 5.0001e-5, "\(record.geneSet) NP \(got.nominalP) vs \(record.np)")
      #expect(Swift.abs(got.fdr - record.fdr) <= 5.0001e-5, "\(record.geneSet) FDR \(got.fdr) vs \(record.fdr)")
      #expect(Swift.abs(got.fwer - record.fwer) <= 5.0001e-5, "\(record.geneSet) FWER \(got.fwer) vs \(record.fwer)")
      // ES and RND_ES are stored to 4 decimals: NES can differ by |NES|·5e-5/|ES| plus its own rounding.
      let bound = Swift.abs(record.nes) * 5e-5 / Swift.abs(record.es) * 1.05 + 5e-5
      #expect(Swift.abs(got.nes - record.nes) <= bound, "\(record.geneSet) NES \(got.nes) vs \(record.nes)")
    }
  }

  @Test func benjaminiHochbergMatchesR() {
    // p.adjust(c(0.01, 0.04, 0.03, 0.2, NA), "BH") = 0.04 0.05333333 0.05333333 0.2 NA
    let adjusted = SpecialFunctions.benjaminiHochberg([0.01, 0.04, 0.03, 0.2, .nan])
    #expect(Swift.abs(adjusted[0] - 0.04) < 1e-12 && Swift.abs(adjusted[1] - 0.16 / 3) < 1e-12)
    #expect(Swift.abs(adjusted[2] - 0.16 / 3) < 1e-12 && Swift.abs(adjusted[3] - 0.2) < 1e-12 && adjusted[4].isNaN)
  }

  @Test func specialFunctionsMatchKnownValues() {
    // digamma(1) = -γ, trigamma(1) = π²/6.
    #expect(Swift.abs(SpecialFunctions.digamma(1) + 0.5772156649015329) < 1e-13)
    #expect(Swift.abs(SpecialFunctions.trigamma(1) - Double.pi * Double.pi / 6) < 1e-12)
    #expect(Swift.abs(SpecialFunctions.trigamma(0.5) - Double.pi * Double.pi / 2) < 1e-12)
  }

  @Test func noSetInRangeIsAnErrorWithCounts() throws {
    let ranking = try RankedList(name: "r", genes: ["a", "b", "c", "d"], scores: [4, 3, 2, 1])
    let sets = try GeneSetCollection([GeneSet(name: "S1", genes: ["a", "b"]), GeneSet(name: "S2", genes: ["x"])], source: "sets.gmt")
    #expect(throws: OmicsError(file: "sets.gmt",
      "no gene set has between 15 and 500 genes in the ranked list (2 sets: 1 share no gene with it, 1 outside the size range)")) {
      _ = try PrerankGSEA.run(ranking: ranking, sets: sets, options: PrerankGSEA.Options())
    }
  }
}
