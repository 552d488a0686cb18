import Foundation
import OmicsCore
import OmicsIO

/// XGSEA, cross-species gene set enrichment (Cai, Nguyen, Mamitsuka & Li 2021, Brief Bioinform
/// 22(5):bbaa406), reimplemented from its description: predicts the significance of gene sets of
/// a **target** species under a phenotype measured by expression in a **source** species.
///
/// 1. **Source GSEA.** Each target set becomes a source set, the union of the orthologs of its genes
///    (the original rule), and ``PhenotypeGSEA`` tests these on the source expression with
///    phenotype permutation: observed ES, the B permutation ES, p-values.
/// 2. **Domain adaptation.** Source and target sets are described by their membership
///    (``SetMembershipFeatures``) and linked by ``SetSimilarityGraph``. A projection W = [P; Q] with
///    WᵀW = I into `dimension` coordinates minimises MMD² between the two species' embedded sets plus
///    λ times the graph term (``DomainAdaptationObjective``), by ``StiefelGradientDescent``.
///    Start: P = the source sets' leading `dimension` principal directions, Q = the rotation of the
///    target features that best matches linked sets to them (orthogonal Procrustes on Wst), both
///    scaled by 1/√2 (the original starts at [I; I]/√2 in its QR basis). σ is the median of the
///    non-zero squared source–target distances at the start, then fixed.
/// 3. **Regression** of logit p (variant D) or of every ES column (E, Epm) on the embedding of the
///    tested source sets, applied to the target embeddings (``XGSEARegression``). Each variant's
///    p-values get a Benjamini–Hochberg adjustment over the predicted target sets.
public enum XGSEA {
  /// Run parameters.
  public struct Options: Sendable {
    /// Source GSEA: size range (source genes in the expression), weight, permutations, seed, threads.
    public var gsea = PhenotypeGSEA.Options()
    /// Embedding dimension (the original: 5).
    public var dimension = 5
    /// Weight λ of the graph term (the original: 0.01).
    public var lambda = 0.01
    /// Descent iterations at most.
    public var maxIterations = 200
    /// Relative-decrease and gradient tolerance of the descent.
    public var tolerance = 1e-6
    /// Target sets with fewer distinct genes are not predicted (the original drops sets below 2).
    public var targetMinSize = 2
    public init() {}
  }

  /// One predicted target set.
  public struct TargetResult: Sendable {
    public var pathway: String
    /// Distinct genes of the target set.
    public var size: Int
    /// Its orthologs among the ranked source genes (the source set's size).
    public var sourceSize: Int
    /// Source GSEA ES and p-value (nil / NaN when the source set was not tested: outside the size
    /// range, or no p-value).
    public var sourceES: Double?
    public var sourceP: Double
    public var pD: Double
    public var padjD: Double
    public var esE: Double
    public var pE: Double
    public var padjE: Double
    public var esEpm: Double
    public var pEpm: Double
    public var padjEpm: Double
  }

  /// The whole run.
  public struct Report: Sendable {
    /// Predicted target sets in gene-set file order.
    public var results: [TargetResult]
    /// The source GSEA (source sets named as their target sets).
    public var source: PhenotypeGSEA.Report
    /// Embedding rows: tested source sets (order of `source.prerank.results`) and predicted target sets.
    public var sourceEmbedding: DenseRowMatrix
    public var targetEmbedding: DenseRowMatrix
    /// Kernel width σ.
    public var sigma: Double
    /// Objective (MMD², graph term) before and after the descent.
    public var initialMMD: Double
    public var initialGraph: Double
    public var finalMMD: Double
    public var finalGraph: Double
    public var iterations: Int
    public var stopReason: String
    /// True when Epm equals E (a sign group had too few source sets).
    public var epmFellBack: Bool
    /// Target sets with fewer than `targetMinSize` genes (not predicted).
    public var skippedTargetSets: Int
    /// Target-set genes with at least one / without an ortholog (entries over all predicted sets).
    public var mappedEntries: Int
    public var unmappedEntries: Int
  }

  /// Runs the three steps. `orthologs` maps target-species genes (as in `targetSets`) to source-
  /// species genes (as in `expression.genes`).
  public static func run(
    expression: PhenotypeGSEA.Expression, phenotype: PhenotypeLabels, targetSets: GeneSetCollection,
    orthologs: OrthologMapper, options: Options
  ) throws -> Report {
    let dim = options.dimension
    guard dim >= 1 else { throw OmicsError("--dim must be at least 1, got \(dim)") }
    guard options.lambda >= 0, options.lambda.isFinite else { throw OmicsError("--lambda must be a finite number ≥ 0, got \(options.lambda)") }
    guard options.maxIterations >= 0 else { throw OmicsError("--iterations must be ≥ 0, got \(options.maxIterations)") }
    let file = targetSets.source

    // Target sets to predict, and their source sets.
    var kept: [GeneSet] = []
    var skipped = 0
    for set in targetSets.sets {
      var seen = Set<String>()
      let genes = set.genes.filter { seen.insert($0).inserted }
      if genes.count >= options.targetMinSize {
        kept.append(GeneSet(name: set.name, description: set.description, genes: genes))
      } else {
        skipped += 1
      }
    }
    guard !kept.isEmpty else {
      throw OmicsError(file: file, "no gene set has at least \(options.targetMinSize) genes (\(targetSets.count) sets)")
    }
    let keptCollection = try GeneSetCollection(kept, source: file)
    let (mapped, counts) = try orthologs.map(keptCollection)
    let mappedEntries = counts.reduce(0) { $0 + $1.mapped }
    let unmappedEntries = counts.reduce(0) { $0 + $1.dropped }
    guard mappedEntries > 0 else {
      throw OmicsError(
        file: file,
        "none of the \(kept.count) gene sets has a gene with an ortholog in the table under this policy (\(unmappedEntries) gene entries looked up, e.g. \(kept[0].genes.prefix(3).joined(separator: ", ")))")
    }
    let expressionGenes = Set(expression.genes)
    let orthologGenes = Set(mapped.sets.flatMap(\.genes))
    guard orthologGenes.contains(where: expressionGenes.contains) else {
      let some = orthologGenes.sorted().prefix(3).joined(separator: ", ")
      let matrix = expression.genes.prefix(3).joined(separator: ", ")
      throw OmicsError(
        file: file,
        "no ortholog of the gene-set genes is a gene of the expression matrix (\(orthologGenes.count) orthologs, e.g. \(some); matrix genes, e.g. \(matrix))")
    }

    // 1. Source GSEA with phenotype permutation.
    let source = try PhenotypeGSEA.run(expression: expression, phenotype: phenotype, sets: mapped, options: options.gsea)
    let input = source.prerank.input
    let tested = source.prerank.results
    let sourceSets: [[Int32]] = input.pathways.map(\.positions)
    var rankOf: [String: Int32] = [:]
    for (i, g) in input.genes.enumerated() { rankOf[g] = Int32(i) }

    // Target gene universe and the ortholog graph into the ranked source genes.
    var targetIndex: [String: Int32] = [:]
    var targetGenes: [String] = []
    let targetMembers: [[Int32]] = kept.map { set in
      set.genes.map { g in
        if let i = targetIndex[g] { return i }
        let i = Int32(targetGenes.count)
        targetIndex[g] = i
        targetGenes.append(g)
        return i
      }
    }
    let orthologIndex: [[Int32]] = targetGenes.map { g in orthologs.targets(of: g).targets.compactMap { rankOf[$0] } }

    // 2. Domain adaptation.
    let fs = try SetMembershipFeatures.spectral(sets: sourceSets, geneCount: input.geneCount)
    let ft = try SetMembershipFeatures.spectral(sets: targetMembers, geneCount: targetGenes.count)
    guard fs.rows >= dim, ft.rows >= dim else {
      throw OmicsError(
        file: file,
        "the set memberships span \(fs.rows) (source, \(sourceSets.count) tested sets) and \(ft.rows) (target, \(kept.count) sets) dimensions; --dim \(dim) must not exceed either")
    }
    let graph = SetSimilarityGraph(
      sourceSets: sourceSets, sourceGeneCount: input.geneCount, targetSets: targetMembers, targetGeneCount: targetGenes.count,
      orthologs: orthologIndex)
    let start = initialProjection(sourceFeatures: fs, targetFeatures: ft, crossWeights: graph.crossWeights, dimension: dim)
    let sigma = medianCrossDistance(
      DomainAdaptationObjective(sourceFeatures: fs, targetFeatures: ft, laplacian: graph.laplacian, sigma: 1, lambda: 0)
        .embedding(start), sourceCount: fs.cols)
    let objective = DomainAdaptationObjective(
      sourceFeatures: fs, targetFeatures: ft, laplacian: graph.laplacian, sigma: sigma, lambda: options.lambda,
      threads: options.gsea.threads)
    let descent = StiefelGradientDescent(maxIterations: options.maxIterations, tolerance: options.tolerance)
    let (w, trace) = options.maxIterations == 0
      ? (start, StiefelGradientDescent.Trace(iterations: 0, initial: objective.value(start), final: objective.value(start), stopReason: "no iterations asked"))
      : descent.minimize(objective, from: start)
    let z = objective.embedding(w)
    let ns = sourceSets.count
    let zs = z.rows(0..<ns), zt = z.rows(ns..<z.rows)

    // 3. Regression.
    let columns = source.prerank.options.permutations + 1
    var esMatrix = DenseRowMatrix(rows: ns, cols: columns)
    for i in 0..<ns {
      esMatrix[i, 0] = tested[i].es
      for b in 1..<columns { esMatrix[i, b] = source.null[i][b - 1] }
    }
    let predictions = try XGSEARegression.predict(
      sourceEmbedding: zs, sourceP: tested.map(\.pval), sourceES: esMatrix, targetEmbedding: zt)
    let padjD = SpecialFunctions.benjaminiHochberg(predictions.pD)
    let padjE = SpecialFunctions.benjaminiHochberg(predictions.pE)
    let padjEpm = SpecialFunctions.benjaminiHochberg(predictions.pEpm)
    var testedIndex: [String: Int] = [:]
    for (i, r) in tested.enumerated() { testedIndex[r.pathway] = i }
    var results: [TargetResult] = []
    for (j, set) in kept.enumerated() {
      let s = testedIndex[set.name]
      let sourceSize = s.map { tested[$0].size } ?? Set(mapped.sets[j].genes.compactMap { rankOf[$0] }).count
      results.append(TargetResult(
        pathway: set.name, size: set.genes.count, sourceSize: sourceSize, sourceES: s.map { tested[$0].es },
        sourceP: s.map { tested[$0].pval } ?? .nan, pD: predictions.pD[j], padjD: padjD[j], esE: predictions.esE[j],
        pE: predictions.pE[j], padjE: padjE[j], esEpm: predictions.esEpm[j], pEpm: predictions.pEpm[j], padjEpm: padjEpm[j]))
    }
    return Report(
      results: results, source: source, sourceEmbedding: zs, targetEmbedding: zt, sigma: sigma,
      initialMMD: trace.initial.mmd, initialGraph: trace.initial.graph, finalMMD: trace.final.mmd, finalGraph: trace.final.graph,
      iterations: trace.iterations, stopReason: trace.stopReason, epmFellBack: predictions.epmFellBack,
      skippedTargetSets: skipped, mappedEntries: mappedEntries, unmappedEntries: unmappedEntries)
  }

  /// W₀ = [E; Q₀]/√2: E the first `dimension` coordinates of the source features (their leading
  /// principal directions), Q₀ = M(MᵀM)^{-½} with M = Ft Wstᵀ Zs₀ the orthonormal map of the target
  /// features that best aligns linked target sets with the source start embedding Zs₀ = FsᵀE
  /// (orthogonal Procrustes); Q₀ = E when M has rank below `dimension` (no usable links).
  static func initialProjection(
    sourceFeatures fs: DenseRowMatrix, targetFeatures ft: DenseRowMatrix, crossWeights wst: DenseRowMatrix, dimension dim: Int
  ) -> DenseRowMatrix {
    let e = DenseRowMatrix.identityColumns(rows: fs.rows, cols: dim)
    let zs0 = DenseRowMatrix.product(fs, transposeA: true, e)
    let m = DenseRowMatrix.product(ft, DenseRowMatrix.product(wst, transposeA: true, zs0))
    var q = DenseRowMatrix.identityColumns(rows: ft.rows, cols: dim)
    if let (values, vectors) = try? SymmetricEigenDecomposition.decompose(DenseRowMatrix.product(m, transposeA: true, m)),
      let largest = values.first, largest > 0, values.allSatisfy({ $0 > 1e-10 * largest })
    {
      // (MᵀM)^{-½} = V Λ^{-½} Vᵀ
      var inverseRoot = DenseRowMatrix(rows: dim, cols: dim)
      for i in 0..<dim {
        for j in 0..<dim {
          var s = 0.0
          for k in 0..<dim { s += vectors[i, k] * vectors[j, k] / values[k].squareRoot() }
          inverseRoot[i, j] = s
        }
      }
      q = StiefelManifold.qFactor(DenseRowMatrix.product(m, inverseRoot))
    }
    return DenseRowMatrix.stacked(e, q).scaled(by: 1 / 2.0.squareRoot())
  }

  /// The median of the non-zero squared distances between source rows (the first `sourceCount`)
  /// and target rows of an embedding; 1 when all are zero.
  static func medianCrossDistance(_ z: DenseRowMatrix, sourceCount ns: Int) -> Double {
    var distances: [Double] = []
    distances.reserveCapacity(ns * (z.rows - ns))
    for i in 0..<ns {
      for j in ns..<z.rows {
        var d = 0.0
        for k in 0..<z.cols { let e = z[i, k] - z[j, k]; d += e * e }
        if d > 0 { distances.append(d) }
      }
    }
    guard !distances.isEmpty else { return 1 }
    distances.sort()
    let n = distances.count
    return n % 2 == 1 ? distances[n / 2] : 0.5 * (distances[n / 2 - 1] + distances[n / 2])
  }
}
