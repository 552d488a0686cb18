import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

@testable import OmicsEnrichment

/// Hypergeometric ORA against Fixtures/ora/expected.tsv (scripts/ora_make_fixture.py: exact
/// rational tails, scipy.stats.hypergeom.sf, statsmodels and scipy BH).
@Suite struct ORATests {
  struct Expected {
    var term: String
    var k: Int, M: Int, n: Int, N: Int
    var exact: Double, log10Exact: Double, scipy: Double, padjStatsmodels: Double, padjScipy: Double
    var genes: String
  }

  static func expected() throws -> [Expected] {
    let text = try String(contentsOfFile: FixturePaths.fixture("ora/expected.tsv"), encoding: .utf8)
    let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.dropFirst()
    return lines.map { line in
      let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      return Expected(term: f[0], k: Int(f[1])!, M: Int(f[2])!, n: Int(f[3])!, N: Int(f[4])!, exact: Double(f[5])!,
        log10Exact: Double(f[6])!, scipy: Double(f[7])!, padjStatsmodels: Double(f[8])!, padjScipy: Double(f[9])!, genes: f[10])
    }
  }

  static func relative(_ a: Double, _ b: Double) -> Double { a == b ? 0 : abs(a - b) / max(abs(a), abs(b)) }

  @Test func matchesScipyAndExactTails() throws {
    let expected = try Self.expected()
    #expect(expected.count == 38)
    let query = try GRPReader.read(path: FixturePaths.fixture("ora/genes.txt")).sets[0].genes
    let universe = try GRPReader.read(path: FixturePaths.fixture("ora/universe.txt")).sets[0].genes
    let sets = try GMTReader.read(path: FixturePaths.fixture("ora/sets.gmt"))
    let (results, summary) = OverRepresentation.run(query: query, universe: universe, sets: sets, minSize: 5, maxSize: 500)
    #expect(summary.tested == 38 && summary.queryOutsideUniverse == 20 && summary.queryGenes == 200)
    #expect(Set(results.map(\.term)) == Set(expected.map(\.term)))
    var worstExact = 0.0, worstScipy = 0.0, worstLog = 0.0, worstBH = 0.0
    for e in expected {
      let r = try #require(results.first { $0.term == e.term })
      #expect(r.overlap == e.k && r.setSize == e.M && r.querySize == e.n && r.universeSize == e.N, "\(e.term)")
      #expect(r.genes.joined(separator: ";") == e.genes, "\(e.term)")
      worstExact = max(worstExact, Self.relative(r.pValue, e.exact))
      worstScipy = max(worstScipy, Self.relative(r.pValue, e.scipy))
      worstLog = max(worstLog, abs(r.logPValue / Foundation.log(10.0) - e.log10Exact) / max(1, abs(e.log10Exact)))
      worstBH = max(worstBH, Self.relative(r.adjustedPValue, e.padjStatsmodels), Self.relative(r.adjustedPValue, e.padjScipy))
    }
    // Measured: p vs exact 8.0e-14 and vs scipy 8.1e-14 relative (exp of ln p costs |ln p|·eps, ln p
    // down to −556 here), log10 p 1.6e-15 relative, padj vs statsmodels and scipy 7.0e-14.
    #expect(worstExact < 1e-12, "\(worstExact)")
    #expect(worstScipy < 1e-12, "\(worstScipy)")
    #expect(worstLog < 1e-14, "\(worstLog)")
    #expect(worstBH < 1e-12, "\(worstBH)")
    // Sorted by p-value.
    #expect(results.map(\.logPValue) == results.map(\.logPValue).sorted())
  }

  @Test func hypergeometricEdgesAndBH() {
    // P(X ≥ 0) = 1; k beyond min(n, M) has probability 0; all-in-set draws.
    #expect(Hypergeometric.upperTail(k: 0, N: 10, M: 3, n: 4) == 1)
    #expect(Hypergeometric.upperTail(k: 4, N: 10, M: 3, n: 4) == 0)
    #expect(abs(Hypergeometric.upperTail(k: 3, N: 10, M: 3, n: 4) - 4.0 / 120) < 1e-15)  // C(7,1)/C(10,4)·... = 4/120
    // Far below the double range stays finite in log space: P(X ≥ 500) with N = 20000, M = n = 500.
    // ln(1/C(20000, 500)) = −2334.1232322987153 (Python math.comb + mpmath).
    let logP = Hypergeometric.logUpperTail(k: 500, N: 20000, M: 500, n: 500)
    #expect(abs(logP - -2334.1232322987153) < 1e-12 * 2334, "\(logP)")
    // statsmodels multipletests([0.01, 0.04, 0.03, 0.2], method="fdr_bh") = 0.04, 0.0533…, 0.0533…, 0.2
    let bh = OverRepresentation.logBenjaminiHochberg([0.01, 0.04, 0.03, 0.2].map { Foundation.log($0) }).map { Foundation.exp($0) }
    for (a, b) in zip(bh, [0.04, 0.05333333333333334, 0.05333333333333334, 0.2]) { #expect(abs(a - b) < 1e-15) }
  }
}
