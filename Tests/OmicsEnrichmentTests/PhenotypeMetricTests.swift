import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

@testable import OmicsEnrichment

/// GSEApy's other ranking metrics (abs_signal_to_noise, ratio_of_classes, diff_of_classes,
/// log2_ratio_of_classes) against GSEApy 1.3.1 `gsea(permutation_type="phenotype")` on positive
/// data (Fixtures/gsea_phenotype/metrics_*, scripts/gsea_phenotype_metrics_fixture.py: 24 samples ×
/// 300 genes, 8 sets, 1000 permutations, GSEApy seed 7).
///
/// Exact: every gene's metric (relative 1e-12) and the ranking order; ES (1e-10) and leading edges
/// of the 8 sets. Monte Carlo: the planted sets are significant (nominal p ≤ 0.01) in both runs and
/// our NES is within 10% of GSEApy's for them.
@Suite struct PhenotypeMetricTests {
  static func path(_ name: String) -> String { FixturePaths.fixture("gsea_phenotype/" + name) }

  static func rows(_ name: String) throws -> [[String]] {
    try String(contentsOfFile: path(name), encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
  }

  static func run(
    _ metric: PhenotypeLabels.Metric, file: String = "metrics_expr.h5ad", sets: String = "metrics_sets.gmt", permutations: Int = 300
  ) throws
    -> PhenotypeGSEA.Report
  {
    let matrix = try MatrixFileReader.read(path(file), options: .init(showProgress: false))
    let phenotype = try PhenotypeLabels(obs: matrix.obs, column: "group", metric: metric)
    let expression = try PhenotypeGSEA.Expression(matrix: matrix, samples: phenotype.samples)
    var options = PhenotypeGSEA.Options()
    options.minSize = 10
    options.permutations = permutations
    options.seed = 3
    options.threads = 2
    return try PhenotypeGSEA.run(
      expression: expression, phenotype: phenotype, sets: try GeneSetReader.read(path: path(sets)), options: options)
  }

  @Test(arguments: [
    PhenotypeLabels.Metric.absSignalToNoise, .ratioOfClasses, .diffOfClasses, .log2RatioOfClasses,
  ])
  func rankingESAndLeadingEdgesMatchGSEApy(metric: PhenotypeLabels.Metric) throws {
    let report = try Self.run(metric)
    let expected = try Self.rows("metrics_\(metric.rawValue)_ranking.tsv")
    let input = report.prerank.input
    #expect(input.genes == expected.map { $0[0] }, "\(metric) order")
    var worst = 0.0
    for (score, row) in zip(input.scores, expected) {
      let e = Double(row[1])!
      worst = max(worst, Swift.abs(score - e) / max(1, Swift.abs(e)))
    }
    #expect(worst <= 1e-12, "\(metric): max relative |Δmetric| = \(worst)")
    var gseapy: [String: [String]] = [:]
    for r in try Self.rows("metrics_\(metric.rawValue)_results.tsv").dropFirst() { gseapy[r[0]] = Array(r.dropFirst()) }
    #expect(report.prerank.results.count == gseapy.count)
    for r in report.prerank.results {
      let e = try #require(gseapy[r.pathway])
      #expect(Swift.abs(r.es - Double(e[0])!) <= 1e-10, "\(metric) \(r.pathway): ES \(r.es) vs \(e[0])")
      #expect(r.leadingEdge.joined(separator: ";") == e[5], "\(metric) \(r.pathway) leading edge")
      if ["UP_IN_A", "UP_IN_B"].contains(r.pathway) {
        let broad = try #require(r.broad)
        #expect(broad.nominalP <= 0.01 && Double(e[2])! <= 0.01, "\(metric) \(r.pathway): p \(broad.nominalP) vs \(e[2])")
        #expect(Swift.abs(broad.nes / Double(e[1])! - 1) < 0.1, "\(metric) \(r.pathway): NES \(broad.nes) vs \(e[1])")
      }
    }
  }

  @Test func ratioMetricsRefuseNegativeValues() throws {
    // expr.h5ad (the signal-to-noise fixture) is log-scale with negative values.
    for metric in [PhenotypeLabels.Metric.ratioOfClasses, .log2RatioOfClasses] {
      let message: String
      do {
        _ = try Self.run(metric, file: "expr.h5ad", sets: "sets.gmt", permutations: 5)
        message = "no error"
      } catch { message = "\(error)" }
      #expect(message.hasPrefix("--metric \(metric.rawValue) needs non-negative expression; gene G"), "\(message)")
    }
    // …while diff_of_classes ranks them.
    let diff = try Self.run(.diffOfClasses, file: "expr.h5ad", sets: "sets.gmt", permutations: 5)
    #expect(diff.prerank.input.geneCount == 598)
  }

  @Test func ratioOfAZeroClassIsLargeButFinite() {
    // Gene 0: class B all zero; gene 1: both classes zero.
    let values: [Double] = [2, 4, 0, 0, 0, 0, 0, 0]
    let isPositive = [true, true, false, false]
    var out = [Double](repeating: 0, count: 2)
    for metric in [PhenotypeLabels.Metric.ratioOfClasses, .log2RatioOfClasses] {
      values.withUnsafeBufferPointer { v in
        isPositive.withUnsafeBufferPointer { p in
          PhenotypeGSEA.twoClassMetric(
            values: v.baseAddress!, geneCount: 2, sampleCount: 4, isPositive: p.baseAddress!, metric: metric, out: &out)
        }
      }
      #expect(out[0].isFinite && out[0] == (metric == .ratioOfClasses ? 3e8 : Foundation.log2(3e8)))
      #expect(out[1] == (metric == .ratioOfClasses ? 1 : 0))
    }
  }
}
