import Foundation
import OmicsCore
import OmicsIO
@testable import OmicsPreprocessing
import Testing

/// k-means over genes against scikit-learn's `KMeans(n_clusters=k, n_init=n, random_state=0)` inertia.
@Suite struct KMeansTests {
  @Test(arguments: [(6, 1), (6, 10), (12, 1), (12, 10)])
  func inertiaWithinOnePercentOfScikitLearn(_ k: Int, _ nInit: Int) throws {
    let m = try PreprocessingReference.matrix("kmeans_genes")
    let ref = try #require(try PreprocessingReference.json("kmeans_genes")["k\(k)_n_init\(nInit)"] as? [String: Any])
    let sklearn = try #require(ref["inertia"] as? Double)
    let (result, centroids) = try Clustering.clusterGenes(m, layer: nil, KMeans.Options(k: k, nInit: nInit, seed: 0))
    #expect(result.inertia <= sklearn * 1.01, "omics \(result.inertia) vs sklearn \(sklearn)")
    #expect(result.labels.count == m.nVars && Set(result.labels).count == k)
    // the inertia is what the labels and centres say it is
    let X = try #require(m.X).denseDoubles()
    var inertia = 0.0
    for (g, c) in result.labels.enumerated() {
      for s in 0..<m.nObs {
        let e = X[s * m.nVars + g] - result.centers[c * m.nObs + s]
        inertia += e * e
      }
    }
    #expect(abs(inertia - result.inertia) <= 1e-9 * inertia)
    #expect(centroids.nObs == m.nObs && centroids.nVars == k && centroids.obs == m.obs)
  }

  @Test func sixWellSeparatedClustersAreFoundExactly() throws {
    let m = try PreprocessingReference.matrix("kmeans_genes")
    let ref = try #require(try PreprocessingReference.json("kmeans_genes")["k6_n_init10"] as? [String: Any])
    let sklearnLabels = PreprocessingReference.ints(ref["labels"])
    let (result, _) = try Clustering.clusterGenes(m, layer: nil, KMeans.Options(k: 6, nInit: 10, seed: 0))
    // same partition up to the names of the clusters
    var mapping: [Int: Int] = [:]
    for (a, b) in zip(result.labels, sklearnLabels) {
      if let existing = mapping[a] { #expect(existing == b) } else { mapping[a] = b }
    }
    #expect(Set(mapping.values).count == 6)
  }

  @Test func deterministicForASeed() throws {
    let m = try PreprocessingReference.matrix("kmeans_genes")
    let a = try Clustering.clusterGenes(m, layer: nil, KMeans.Options(k: 12, nInit: 3, seed: 42)).0
    let b = try Clustering.clusterGenes(m, layer: nil, KMeans.Options(k: 12, nInit: 3, seed: 42)).0
    #expect(a.labels == b.labels && a.inertia == b.inertia && a.centers == b.centers)
  }

  @Test func kLargerThanGenesIsRefused() throws {
    let m = try PreprocessingReference.matrix("kmeans_genes")
    #expect(throws: OmicsError("k = 181 is larger than the number of genes (180)")) {
      _ = try Clustering.clusterGenes(m, layer: nil, KMeans.Options(k: 181))
    }
    #expect(throws: OmicsError("k = 31 is larger than the number of cells (30)")) {
      _ = try Clustering.clusterCells(m, layer: nil, obsm: nil, KMeans.Options(k: 31))
    }
  }

  @Test func nanAndMissingSlotsAreRefused() throws {
    let m = try PreprocessingReference.matrix("mad_nan")
    #expect(throws: OmicsError("X holds a NaN or infinite value at obs 's5', var 'g7'; k-means needs finite numbers")) {
      _ = try Clustering.clusterGenes(m, layer: nil, KMeans.Options(k: 2))
    }
    #expect(throws: OmicsError("no obsm entry named 'X_pca' (the file has no obsm entries)")) {
      _ = try Clustering.clusterCells(m, layer: nil, obsm: "X_pca", KMeans.Options(k: 2))
    }
    #expect(throws: OmicsError("no layer named 'counts' (the file has no layers)")) {
      _ = try Clustering.clusterGenes(m, layer: "counts", KMeans.Options(k: 2))
    }
  }

  @Test func cellClusteringOnSparseEqualsDense() throws {
    let m = try PreprocessingReference.matrix("qc_counts")
    let X = try #require(m.X)
    var dense = m
    dense.X = .dense(DenseArray(shape: [X.rows, X.cols], values: .float64(X.denseDoubles())))
    let a = try Clustering.clusterCells(m, layer: nil, obsm: nil, KMeans.Options(k: 4, seed: 1))
    let b = try Clustering.clusterCells(dense, layer: nil, obsm: nil, KMeans.Options(k: 4, seed: 1))
    #expect(a.labels == b.labels)
    #expect(abs(a.inertia - b.inertia) <= 1e-9 * b.inertia)
  }
}
