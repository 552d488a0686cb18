import Foundation
import OmicsNN
import OmicsPreprocessing
import OmicsTestSupport
import OmicsTransfer
import Testing

/// Ensemble assembly (background §7.1.5–6): pooling order, group means, label round trip, and
/// recovery of planted structure by the k-means pooling.
@Suite struct DeepProfileEnsembleTests {
  @Test func poolingOrderIsLatentOuterRunInnerUnitInnermost() {
    let ids = DeepProfileEnsemble.variables(latents: [2, 3], runs: 2).map(\.id)
    #expect(ids == ["L2_run0_z0", "L2_run0_z1", "L2_run1_z0", "L2_run1_z1",
                    "L3_run0_z0", "L3_run0_z1", "L3_run0_z2", "L3_run1_z0", "L3_run1_z1", "L3_run1_z2"])
    // two samples; run embeddings hold (sample + 1) × 100 + variable position
    let order = DeepProfileEnsemble.runOrder(latents: [2, 3], runs: 2)
    var position = 0
    var embeddings: [[Double]] = []
    for (d, _) in order {
      var e = [Double](repeating: 0, count: 2 * d)
      for i in 0..<2 { for k in 0..<d { e[i * d + k] = Double((i + 1) * 100 + position + k) } }
      embeddings.append(e)
      position += d
    }
    let pooled = DeepProfileEnsemble.pool(embeddings, latents: order.map(\.latent), samples: 2)
    var expected: [Double] = []
    for i in 0..<2 { for k in 0..<10 { expected.append(Double((i + 1) * 100 + k)) } }
    #expect(pooled == expected)
  }

  @Test func nodeEmbeddingAndGeneWeightsAreGroupMeans() {
    // 2 samples × 4 variables; labels [1, 0, 1, 1]
    let e: [Double] = [1, 2, 3, 5, 10, 20, 30, 50]
    let labels = [1, 0, 1, 1]
    #expect(DeepProfileEnsemble.nodeEmbedding(e, samples: 2, labels: labels, nodes: 2) == [2, 3, 20, 30])
    // 4 variables × 2 genes
    let w: [Double] = [1, 4, 7, 7, 2, 5, 3, 6]
    #expect(DeepProfileEnsemble.nodeGeneWeights(w, genes: 2, labels: labels, nodes: 2) == [7, 7, 2, 5])
  }

  @Test func labelsRoundTripInUpstreamFormat() throws {
    let labels = [0, 149, 7, 12, 7]
    let text = DeepProfileEnsemble.labelsText(labels)
    #expect(text.hasPrefix("0.000000000000000000e+00\n1.490000000000000000e+02\n"))
    #expect(try DeepProfileEnsemble.parseLabels(text, file: "labels.txt") == labels)
    #expect(throws: (any Error).self) { try DeepProfileEnsemble.parseLabels("1.5e+00\n", file: "labels.txt") }
  }

  /// §7.1.6: three hidden sample-level signals, 60 latent variables each a noisy copy (σ = 0.1) of
  /// one signal; k-means (k = 3, n_init 10) groups the copies exactly (ARI = 1) and the node means
  /// correlate > 0.99 with the signals.
  @Test func plantedStructureIsRecovered() throws {
    var rng = SeededGenerator(seed: 11)
    let n = 200, v = 60
    let signals = (0..<3).map { _ in (0..<n).map { _ in rng.normal() } }
    let truth = (0..<v).map { $0 % 3 }
    var e = [Double](repeating: 0, count: n * v)
    for k in 0..<v { for i in 0..<n { e[i * v + k] = signals[truth[k]][i] + 0.1 * rng.normal() } }
    let labels = try DeepProfileEnsemble.cluster(e, samples: n, variables: v, nodes: 3, seed: 123)
    #expect(adjustedRandIndex(labels, truth) == 1)
    let nodes = DeepProfileEnsemble.nodeEmbedding(e, samples: n, labels: labels, nodes: 3)
    for s in 0..<3 {
      let node = labels[truth.firstIndex(of: s)!]
      let column = (0..<n).map { nodes[$0 * 3 + node] }
      #expect(pearson(column, signals[s]) > 0.99)
    }
  }

  @Test func defaultComponentsFollowTheSampleCount() {
    #expect(DeepProfileFrontEnd.defaultComponents(samples: 5000, genes: 20000) == 1000)
    #expect(DeepProfileFrontEnd.defaultComponents(samples: 1000, genes: 20000) == 500)
    #expect(DeepProfileFrontEnd.defaultComponents(samples: 600, genes: 20000) == 500)
    #expect(DeepProfileFrontEnd.defaultComponents(samples: 500, genes: 20000) == 499)  // at most samples − 1
    #expect(DeepProfileFrontEnd.defaultComponents(samples: 499, genes: 20000) == 250)
    #expect(DeepProfileFrontEnd.defaultComponents(samples: 100, genes: 20000) == 99)
    #expect(DeepProfileFrontEnd.defaultComponents(samples: 100, genes: 40) == 40)
  }

  @Test func pcaFrontEndReproducesScoresOnTrainingData() throws {
    var rng = SeededGenerator(seed: 5)
    let n = 30, g = 12
    var z = (0..<(n * g)).map { _ in rng.normal() }
    try GeneStandardization.standardizeTraining(&z, samples: (0..<n).map { "s\($0)" }, genes: (0..<g).map { "g\($0)" }, file: "test")
    let fe = try DeepProfileFrontEnd.fitPCA(z, samples: (0..<n).map { "s\($0)" }, genes: (0..<g).map { "g\($0)" }, components: 4)
    let scores = fe.transform(z, samples: n)
    // scores are orthogonal with decreasing variance; the largest |loading| of each component is positive
    var variances: [Double] = []
    for c in 0..<4 {
      variances.append((0..<n).map { scores[$0 * 4 + c] * scores[$0 * 4 + c] }.reduce(0, +))
      let row = Array(fe.loadings[(c * g)..<((c + 1) * g)])
      #expect(row[row.indices.max { abs(row[$0]) < abs(row[$1]) }!] > 0)
    }
    #expect(variances == variances.sorted(by: >))
    let cross = (0..<n).map { scores[$0 * 4] * scores[$0 * 4 + 1] }.reduce(0, +)
    #expect(abs(cross) < 1e-8 * variances[0])
  }

  func adjustedRandIndex(_ a: [Int], _ b: [Int]) -> Double {
    var table: [[Int]: Int] = [:]
    for (x, y) in zip(a, b) { table[[x, y], default: 0] += 1 }
    func c2(_ k: Int) -> Double { Double(k * (k - 1)) / 2 }
    let rows = Dictionary(grouping: a, by: { $0 }).mapValues(\.count), cols = Dictionary(grouping: b, by: { $0 }).mapValues(\.count)
    let index = table.values.map(c2).reduce(0, +)
    let ra = rows.values.map(c2).reduce(0, +), rb = cols.values.map(c2).reduce(0, +)
    let expected = ra * rb / c2(a.count), maxIndex = (ra + rb) / 2
    return (index - expected) / (maxIndex - expected)
  }

  func pearson(_ a: [Double], _ b: [Double]) -> Double {
    let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for (x, y) in zip(a, b) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
    return sab / (saa * sbb).squareRoot()
  }
}

