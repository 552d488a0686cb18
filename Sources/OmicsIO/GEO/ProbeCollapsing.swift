import OmicsCore
import OrderedCollections

/// What to do with a probe annotated with several genes (`"DDR1 /// MIR4640"`).
public enum MultiGeneProbePolicy: String, Sendable, Equatable {
  /// Leave the probe out (it cannot be attributed to one gene).
  case drop
  /// Attribute it to the first gene listed.
  case first
  /// Attribute it to every gene listed.
  case explode
}

/// How to combine several probes of one gene.
public enum DuplicateProbePolicy: String, Sendable, Equatable {
  /// Keep the probe with the highest mean over samples (WGCNA `collapseRows` "MaxMean").
  case maxMean
  /// Average the probes sample by sample.
  case mean
}

/// Collapses a samples × probes matrix to samples × genes through a platform annotation.
///
/// The rule, in order:
/// 1. Each probe (var name) is looked up in `annotation` (exact id, then ignoring case) and mapped to its
///    gene symbols (or Entrez ids with `key: .entrez`). Probes absent from the platform, or whose cell is
///    empty or `---`, are dropped.
/// 2. A probe with several genes is dropped, given to its first gene, or given to every gene, per `multiGene`.
/// 3. Genes appear in the order of their first probe in the matrix.
/// 4. A gene with several probes gets, per `duplicates`:
///    - `.maxMean`: the values of the probe whose mean over samples (NaN ignored) is highest; ties go to
///      the earlier probe; a probe with no finite value counts as lowest;
///    - `.mean`: per sample, the mean of its probes' values ignoring NaN (NaN when all are NaN).
/// 5. X is dense, Float32 when the input was Float32 and Float64 otherwise; var has the gene names as
///    index and columns `probes` (the probe kept, or the probes averaged joined with `,`) and `n_probes`
///    (probes mapped to the gene, Int64). obs, obsm, obsp and uns are kept; layers, var-aligned slots and
///    raw are dropped.
///
/// Throws when the matrix has no X or when no probe maps to a gene.
public func collapseProbes(
  _ matrix: ExpressionMatrix, annotation: PlatformAnnotation, multiGene: MultiGeneProbePolicy = .drop,
  duplicates: DuplicateProbePolicy = .maxMean, key: PlatformAnnotation.GeneKey = .symbol
) throws -> ExpressionMatrix {
  guard let X = matrix.X else {
    throw OmicsError(file: annotation.source, "cannot collapse probes: the matrix has no X")
  }
  let nObs = matrix.nObs
  let nProbes = matrix.nVars
  var geneProbes: OrderedDictionary<String, [Int]> = [:]
  for (p, probe) in matrix.var.index.enumerated() {
    guard let genes = annotation.genes(forProbe: probe, key: key), !genes.isEmpty else { continue }
    let targets: [String]
    if genes.count == 1 {
      targets = genes
    } else {
      switch multiGene {
      case .drop: continue
      case .first: targets = [genes[0]]
      case .explode: targets = genes
      }
    }
    for g in targets { geneProbes[g, default: []].append(p) }
  }
  if geneProbes.isEmpty {
    let examples = matrix.var.index.prefix(3).joined(separator: ", ")
    let platform = annotation.platform.isEmpty ? "the platform" : "platform \(annotation.platform)"
    throw OmicsError(
      file: annotation.source,
      "none of the \(nProbes) probes (\(examples)…) maps to a gene \(key == .symbol ? "symbol" : "Entrez id") in \(platform) with multiGene: .\(multiGene.rawValue)")
  }
  let values = X.denseDoubles()  // nObs × nProbes, row-major
  let nGenes = geneProbes.count
  var out = [Double](repeating: .nan, count: nObs * nGenes)
  var probeColumn: [String] = []
  var counts: [Int64] = []
  for (g, (_, probes)) in geneProbes.enumerated() {
    counts.append(Int64(probes.count))
    switch duplicates {
    case .maxMean:
      var best = probes[0]
      var bestMean = -Double.infinity
      var bestHasValue = false
      for p in probes {
        var sum = 0.0
        var n = 0
        for s in 0..<nObs where !values[s * nProbes + p].isNaN {
          sum += values[s * nProbes + p]
          n += 1
        }
        guard n > 0 else { continue }
        let mean = sum / Double(n)
        if !bestHasValue || mean > bestMean {
          best = p
          bestMean = mean
          bestHasValue = true
        }
      }
      for s in 0..<nObs { out[s * nGenes + g] = values[s * nProbes + best] }
      probeColumn.append(matrix.var.index[best])
    case .mean:
      for s in 0..<nObs {
        var sum = 0.0
        var n = 0
        for p in probes where !values[s * nProbes + p].isNaN {
          sum += values[s * nProbes + p]
          n += 1
        }
        out[s * nGenes + g] = n > 0 ? sum / Double(n) : .nan
      }
      probeColumn.append(probes.map { matrix.var.index[$0] }.joined(separator: ","))
    }
  }
  let data: NumericArray = X.scalarType == .float32 ? .float32(out.map { Float($0) }) : .float64(out)
  var result = ExpressionMatrix(
    X: .dense(DenseArray(shape: [nObs, nGenes], values: data)), obs: matrix.obs,
    var: DataFrame(
      index: Array(geneProbes.keys),
      columns: [
        "probes": .stringArray(StringArray(probeColumn)),
        "n_probes": .array(DenseArray(shape: [nGenes], values: .int64(counts))),
      ]))
  result.obsm = matrix.obsm
  result.obsp = matrix.obsp
  result.uns = matrix.uns
  return result
}
