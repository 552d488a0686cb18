/// XGSEA's graph between the gene sets of both species, whose Laplacian L = D − K enters the
/// domain-adaptation objective as tr(Zᵀ L Z) (linked sets are pulled together).
///
/// K = [[Wss, Wst], [Wstᵀ, Wtt]] over the source sets (first) and the target sets:
/// - within a species, W(i, j) = |A ∩ B| / max(|A|, |B|);
/// - across species, with G the ortholog graph, W1 = |G(A) ∩ B| / |B| (target genes of B with an
///   ortholog in source set A) and W2 = |A ∩ G(B)| / |A| (source genes of A with an ortholog in B),
///   Wst = min(W1, W2).
/// The diagonal is 0 (self-loops cancel in D − K anyway).
struct SetSimilarityGraph: Sendable {
  /// The weights K, (ns + nt) × (ns + nt).
  let weights: DenseRowMatrix
  let sourceCount: Int

  /// Builds K. `sourceSets` index `sourceGeneCount` source genes, `targetSets` index
  /// `targetGeneCount` target genes, `orthologs[t]` lists the source genes of target gene t.
  init(sourceSets: [[Int32]], sourceGeneCount: Int, targetSets: [[Int32]], targetGeneCount: Int, orthologs: [[Int32]]) {
    let ns = sourceSets.count, nt = targetSets.count, n = ns + nt
    sourceCount = ns
    var k = DenseRowMatrix(rows: n, cols: n)
    Self.fillWithin(sets: sourceSets, geneCount: sourceGeneCount, offset: 0, into: &k)
    Self.fillWithin(sets: targetSets, geneCount: targetGeneCount, offset: ns, into: &k)
    // W1 numerators: for each source set A, mark its genes; count target genes of each B with an ortholog marked.
    var w1 = [Double](repeating: 0, count: ns * nt)
    var stamp = [Int32](repeating: -1, count: sourceGeneCount)
    for (i, a) in sourceSets.enumerated() {
      for g in a { stamp[Int(g)] = Int32(i) }
      for (j, b) in targetSets.enumerated() {
        var hits = 0
        for t in b where orthologs[Int(t)].contains(where: { stamp[Int($0)] == Int32(i) }) { hits += 1 }
        w1[i * nt + j] = b.isEmpty ? 0 : Double(hits) / Double(b.count)
      }
    }
    // W2 numerators: for each target set B, mark G(B); count genes of each A marked.
    var mark = [Int32](repeating: -1, count: sourceGeneCount)
    for (j, b) in targetSets.enumerated() {
      for t in b { for s in orthologs[Int(t)] { mark[Int(s)] = Int32(j) } }
      for (i, a) in sourceSets.enumerated() {
        var hits = 0
        for g in a where mark[Int(g)] == Int32(j) { hits += 1 }
        let w2 = a.isEmpty ? 0 : Double(hits) / Double(a.count)
        let w = Swift.min(w1[i * nt + j], w2)
        k[i, ns + j] = w
        k[ns + j, i] = w
      }
    }
    weights = k
  }

  private static func fillWithin(sets: [[Int32]], geneCount: Int, offset: Int, into k: inout DenseRowMatrix) {
    var stamp = [Int32](repeating: -1, count: geneCount)
    for (i, a) in sets.enumerated() {
      for g in a { stamp[Int(g)] = Int32(i) }
      for j in (i + 1)..<Swift.max(i + 1, sets.count) {
        let b = sets[j]
        var shared = 0
        for g in b where stamp[Int(g)] == Int32(i) { shared += 1 }
        let w = shared == 0 ? 0 : Double(shared) / Double(Swift.max(a.count, b.count))
        k[offset + i, offset + j] = w
        k[offset + j, offset + i] = w
      }
    }
  }

  /// L = D − K with D the row sums of K.
  var laplacian: DenseRowMatrix {
    let n = weights.rows
    var l = weights.scaled(by: -1)
    for i in 0..<n {
      var d = 0.0
      for j in 0..<n { d += weights.values[i * n + j] }
      l.values[i * n + i] += d
    }
    return l
  }

  /// The cross-species block Wst (ns × nt).
  var crossWeights: DenseRowMatrix {
    let ns = sourceCount, n = weights.rows, nt = n - ns
    var w = DenseRowMatrix(rows: ns, cols: nt)
    for i in 0..<ns { for j in 0..<nt { w.values[i * nt + j] = weights.values[i * n + ns + j] } }
    return w
  }
}
