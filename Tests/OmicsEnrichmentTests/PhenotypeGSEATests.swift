import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

@testable import OmicsEnrichment

/// Phenotype-permutation GSEA against GSEApy 1.3.1 `gsea(permutation_type="phenotype")` on
/// Fixtures/gsea_phenotype (scripts/gsea_phenotype_fixture.py: 40 samples × 600 genes, classes
/// A/B, 12 sets of which 3 planted, 1000 permutations, GSEApy seed 7).
///
/// Exact (1e-10): the ranking metric of every gene and its order, ES, leading edges.
/// Monte Carlo (different random permutations): the null distributions agree by a two-sample
/// Kolmogorov–Smirnov test, NES within 4 standard errors of the same-sign null mean, nominal p
/// within 4 binomial standard errors, and the significance calls (FDR q < 0.05 / > 0.25) agree.
@Suite struct PhenotypeGSEATests {
  static func path(_ name: String) -> String { FixturePaths.fixture("gsea_phenotype/" + name) }

  static func rows(_ name: String) throws -> [[String]] {
    try String(contentsOfFile: path(name), encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
  }

  /// Results of the GSEApy run keyed by term: ES, NES, NOM p, FDR, FWER, Lead_genes.
  static func gseapy(_ name: String) throws -> [String: [String]] {
    var out: [String: [String]] = [:]
    for r in try rows(name).dropFirst() { out[r[0]] = Array(r.dropFirst()) }
    return out
  }

  static func run(
    column: String = "group", classes: [String]? = nil, metric: PhenotypeLabels.Metric? = nil, permutations: Int = 1000,
    seed: UInt64 = 11, threads: Int = 4
  ) throws -> PhenotypeGSEA.Report {
    let matrix = try MatrixFileReader.read(path("expr.h5ad"), options: .init(showProgress: false))
    let phenotype = try PhenotypeLabels(obs: matrix.obs, column: column, classes: classes, metric: metric)
    let expression = try PhenotypeGSEA.Expression(matrix: matrix, samples: phenotype.samples)
    let sets = try GeneSetReader.read(path: path("sets.gmt"))
    var options = PhenotypeGSEA.Options()
    options.permutations = permutations
    options.seed = seed
    options.threads = threads
    return try PhenotypeGSEA.run(expression: expression, phenotype: phenotype, sets: sets, options: options)
  }

  static func checkRanking(_ report: PhenotypeGSEA.Report, against file: String) throws {
    let expected = try rows(file)
    let input = report.prerank.input
    #expect(input.genes.count == expected.count)
    #expect(input.genes == expected.map { $0[0] })
    var worst = 0.0
    for (score, row) in zip(input.scores, expected) { worst = max(worst, Swift.abs(score - Double(row[1])!)) }
    #expect(worst <= 1e-10, "max |Δmetric| = \(worst)")
  }

  @Test func signalToNoiseRankingAndESMatchGSEApy() throws {
    let report = try Self.run()
    #expect(report.phenotype.kind == .classes(
      positive: "A", negative: "B", isPositive: (0..<40).map { $0 % 2 == 0 }))
    #expect(report.droppedGenes == ["G0591", "G0592"])  // constant and all-zero, as GSEApy drops them
    try Self.checkRanking(report, against: "s2n_ranking.tsv")
    let expected = try Self.gseapy("s2n_results.tsv")
    #expect(report.prerank.results.count == expected.count)
    for r in report.prerank.results {
      let e = try #require(expected[r.pathway])
      #expect(Swift.abs(r.es - Double(e[0])!) <= 1e-10, "\(r.pathway): ES \(r.es) vs \(e[0])")
      #expect(r.leadingEdge.joined(separator: ";") == e[5], "\(r.pathway) leading edge")
    }
  }

  @Test func tTestRankingAndESMatchGSEApy() throws {
    let report = try Self.run(metric: .tTest, permutations: 20)
    try Self.checkRanking(report, against: "ttest_ranking.tsv")
    let expected = try Self.gseapy("ttest_results.tsv")
    for r in report.prerank.results {
      let e = try #require(expected[r.pathway])
      #expect(Swift.abs(r.es - Double(e[0])!) <= 1e-10, "\(r.pathway): ES \(r.es) vs \(e[0])")
      #expect(r.leadingEdge.joined(separator: ";") == e[5], "\(r.pathway) leading edge")
    }
  }

  @Test func pearsonRankingMatchesNumpy() throws {
    let report = try Self.run(column: "dose", permutations: 50)
    #expect(report.phenotype.metric == .pearson)
    try Self.checkRanking(report, against: "pearson_ranking.tsv")
    // The dose-driven set leads the correlation ranking.
    let dose = try #require(report.prerank.results.first { $0.pathway == "DOSE_GENES" })
    #expect(dose.es > 0.8)
    #expect((dose.broad?.nominalP ?? 1) < 0.05)
  }

  /// The statistics pipeline on GSEApy's own null: NES and nominal p are GSEApy's (to rounding),
  /// which checks the formulas independently of the random permutations.
  @Test func broadStatisticsOnGSEApyNullReproduceGSEApy() throws {
    let expected = try Self.gseapy("s2n_results.tsv")
    let nullRows = try Self.rows("s2n_null.tsv")
    let terms = nullRows.map { $0[0] }
    let null = nullRows.map { $0.dropFirst().map { Double($0)! } }
    #expect(null.allSatisfy { $0.count == 1000 })
    let es = terms.map { Double(expected[$0]![0])! }
    let stats = BroadStatistics.compute(es: es, null: null)
    for (i, term) in terms.enumerated() {
      let e = expected[term]!
      #expect(Swift.abs(stats[i].nes - Double(e[1])!) <= 1e-10, "\(term): NES \(stats[i].nes) vs \(e[1])")
      #expect(Swift.abs(stats[i].nominalP - Double(e[2])!) <= 1e-12, "\(term): p \(stats[i].nominalP) vs \(e[2])")
    }
  }

  /// Our null (seeded xoshiro shuffles) against GSEApy's (Rust SmallRng shuffles): same
  /// distribution, by a two-sample KS test per set at α = 0.001 (critical D = 1.949·√(2/1000) = 0.0872).
  /// Then NES, nominal p and significance calls within the Monte Carlo error this allows.
  @Test func nullAndStatisticsAgreeWithGSEApyWithinMonteCarloError() throws {
    let report = try Self.run()
    let expected = try Self.gseapy("s2n_results.tsv")
    let theirNull = Dictionary(uniqueKeysWithValues: try Self.rows("s2n_null.tsv").map { ($0[0], $0.dropFirst().map { Double($0)! }) })
    for (i, r) in report.prerank.results.enumerated() {
      let ours = report.null[i].sorted()
      let theirs = try #require(theirNull[r.pathway]).sorted()
      let d = Self.ksStatistic(ours, theirs)
      #expect(d <= 0.0872, "\(r.pathway): KS D = \(d)")

      let e = try #require(expected[r.pathway])
      let broad = try #require(r.broad)
      // NES: ES / same-sign null mean; each mean has relative s.e. sd/(mean·√n).
      let sameSign = ours.filter { r.es >= 0 ? $0 >= 0 : $0 <= 0 }.map { Swift.abs($0) }
      let mean = sameSign.reduce(0, +) / Double(sameSign.count)
      let sd = (sameSign.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(sameSign.count - 1)).squareRoot()
      let relSE = sd / mean / Double(sameSign.count).squareRoot()
      let theirNES = Double(e[1])!
      #expect(Swift.abs(broad.nes / theirNES - 1) <= 4 * 2.0.squareRoot() * relSE, "\(r.pathway): NES \(broad.nes) vs \(theirNES)")
      // Nominal p: binomial, n = same-sign null count.
      let theirP = Double(e[2])!
      let pBar = (broad.nominalP + theirP) / 2
      let seP = (2 * max(pBar * (1 - pBar), 1.0 / Double(sameSign.count)) / Double(sameSign.count)).squareRoot()
      #expect(Swift.abs(broad.nominalP - theirP) <= 4 * seP, "\(r.pathway): p \(broad.nominalP) vs \(theirP)")
      // Calls: the planted sets are significant in both, the others are not.
      let theirFDR = Double(e[3])!
      if r.pathway.hasPrefix("PLANTED") {
        #expect(broad.fdr < 0.05 && theirFDR < 0.05, "\(r.pathway): FDR \(broad.fdr) vs \(theirFDR)")
        #expect(broad.nominalP == 0 && theirP == 0)
      } else {
        #expect(broad.fdr > 0.25 && theirFDR > 0.25, "\(r.pathway): FDR \(broad.fdr) vs \(theirFDR)")
      }
    }
  }

  static func ksStatistic(_ a: [Double], _ b: [Double]) -> Double {
    var i = 0, j = 0, d = 0.0
    while i < a.count && j < b.count {
      let x = min(a[i], b[j])
      while i < a.count && a[i] <= x { i += 1 }
      while j < b.count && b[j] <= x { j += 1 }
      d = max(d, Swift.abs(Double(i) / Double(a.count) - Double(j) / Double(b.count)))
    }
    return d
  }

  @Test func sameSeedSameNullWhateverTheThreads() throws {
    let one = try Self.run(permutations: 130, seed: 5, threads: 1)
    let many = try Self.run(permutations: 130, seed: 5, threads: 7)
    #expect(one.null == many.null)
    #expect(one.prerank.results.map(\.broad) == many.prerank.results.map(\.broad))
    let other = try Self.run(permutations: 130, seed: 6, threads: 7)
    #expect(one.null != other.null)
  }

  @Test func classesOptionPicksAndOrdersTheClasses() throws {
    // B positive: the metric flips sign.
    let ab = try Self.run(permutations: 10)
    let ba = try Self.run(classes: ["B", "A"], permutations: 10)
    let up = try #require(ab.prerank.results.first { $0.pathway == "PLANTED_UP_IN_A" })
    let upBA = try #require(ba.prerank.results.first { $0.pathway == "PLANTED_UP_IN_A" })
    #expect(up.es > 0.8 && upBA.es < -0.8)
    // Three classes: --classes keeps two, leaves the C samples out.
    let matrix = try MatrixFileReader.read(Self.path("expr.h5ad"), options: .init(showProgress: false))
    let p = try PhenotypeLabels(obs: matrix.obs, column: "group3", classes: ["A", "B"])
    #expect(p.samples.count == 32)
    #expect(throws: OmicsError.self) { try PhenotypeLabels(obs: matrix.obs, column: "group3") }
  }

  /// A GEO series matrix (phenotype from `!Sample_characteristics_ch1`) gives the same ranking and
  /// null as the same 12 samples taken from the h5ad.
  @Test func geoSeriesMatrixMatchesTheSameSamplesFromH5AD() throws {
    let geo = try MatrixFileReader.read(Self.path("GSE_phenotype_series_matrix.txt"), options: .init(showProgress: false))
    let geoLabels = try PhenotypeLabels(obs: geo.obs, column: "group")
    let h5ad = try MatrixFileReader.read(Self.path("expr.h5ad"), options: .init(showProgress: false))
    let h5adLabels = PhenotypeLabels(
      kind: .classes(positive: "A", negative: "B", isPositive: (0..<12).map { $0 % 2 == 0 }), samples: Array(0..<12),
      metric: .signalToNoise)
    #expect(geoLabels.kind == h5adLabels.kind)
    let sets = try GeneSetReader.read(path: Self.path("sets.gmt"))
    var options = PhenotypeGSEA.Options()
    options.permutations = 50
    let a = try PhenotypeGSEA.run(
      expression: PhenotypeGSEA.Expression(matrix: geo, samples: geoLabels.samples), phenotype: geoLabels, sets: sets,
      options: options)
    let b = try PhenotypeGSEA.run(
      expression: PhenotypeGSEA.Expression(matrix: h5ad, samples: h5adLabels.samples), phenotype: h5adLabels, sets: sets,
      options: options)
    #expect(a.prerank.input.genes == b.prerank.input.genes)
    #expect(a.prerank.input.scores == b.prerank.input.scores)
    #expect(a.null == b.null)
  }

  static func message(_ body: () throws -> Void) -> String {
    do { try body() } catch { return "\(error)" }
    return ""
  }

  @Test func badPhenotypesAreOneLineErrors() throws {
    let matrix = try MatrixFileReader.read(Self.path("expr.h5ad"), options: .init(showProgress: false))
    let missing = Self.message { _ = try PhenotypeLabels(obs: matrix.obs, column: "nope") }
    #expect(missing.contains("no column 'nope'") && missing.contains("group"), "\(missing)")
    let three = Self.message { _ = try PhenotypeLabels(obs: matrix.obs, column: "group3") }
    #expect(three.contains("3 classes") && three.contains("--classes"), "\(three)")
    let absent = Self.message { _ = try PhenotypeLabels(obs: matrix.obs, column: "group", classes: ["A", "Z"]) }
    #expect(absent.contains("'Z'"), "\(absent)")
    let pearsonOnLabels = Self.message { _ = try PhenotypeLabels(obs: matrix.obs, column: "group", metric: .pearson) }
    #expect(pearsonOnLabels.contains("numeric"), "\(pearsonOnLabels)")

    let one = try MatrixFileReader.read(Self.path("bad_one_class.h5ad"), options: .init(showProgress: false))
    let oneMessage = Self.message { _ = try PhenotypeLabels(obs: one.obs, column: "group") }
    #expect(oneMessage.contains("one class only (A)"), "\(oneMessage)")
    let small = try MatrixFileReader.read(Self.path("bad_small_class.h5ad"), options: .init(showProgress: false))
    let smallMessage = Self.message { _ = try PhenotypeLabels(obs: small.obs, column: "group") }
    #expect(smallMessage.contains("class 'B'") && smallMessage.contains("1 sample"), "\(smallMessage)")
    let nan = try MatrixFileReader.read(Self.path("bad_nan.h5ad"), options: .init(showProgress: false))
    let labels = try PhenotypeLabels(obs: nan.obs, column: "group")
    let nanMessage = Self.message { _ = try PhenotypeGSEA.Expression(matrix: nan, samples: labels.samples) }
    #expect(nanMessage.contains("1 NaN") && nanMessage.contains("sample S2") && nanMessage.contains("gene G0006"), "\(nanMessage)")
    for m in [missing, three, absent, pearsonOnLabels, oneMessage, smallMessage, nanMessage] { #expect(!m.contains("\n")) }
  }
}
