import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

@testable import OmicsEnrichment

/// XGSEA end to end on ``XGSEASimulation``: the mouse orthologs of one human gene module are raised
/// in class A; the human sets of that module must be called significant from the mouse data, the
/// sets of the other modules and the random sets must not.
@Suite struct XGSEASimulationTests {
  struct Inputs {
    var expression: PhenotypeGSEA.Expression
    var phenotype: PhenotypeLabels
    var sets: GeneSetCollection
    var mapper: OrthologMapper
    var simulation: XGSEASimulation
  }

  static func inputs(seed: UInt64 = 7, effect: Double = 2.0) throws -> Inputs {
    let simulation = XGSEASimulation(seed: seed, effect: effect)
    let folder = FixturePaths.temporaryDirectory()
    let paths = try simulation.write(to: folder)
    let table = try OrthologTable.read(path: paths.table, from: "human", to: "mouse")
    let mapper = OrthologMapper(table: table, policy: .minimumSupport(1))
    let g = simulation.sourceGenes.count, s = simulation.labels.count
    var geneMajor = [Double](repeating: 0, count: g * s)
    for i in 0..<s { for j in 0..<g { geneMajor[j * s + i] = simulation.values[i * g + j] } }
    let expression = PhenotypeGSEA.Expression(genes: simulation.sourceGenes, sampleCount: s, values: geneMajor)
    let phenotype = PhenotypeLabels(
      kind: .classes(positive: "A", negative: "B", isPositive: simulation.labels.map { $0 == "A" }), samples: Array(0..<s),
      metric: .signalToNoise)
    let sets = try GeneSetReader.read(path: paths.sets)
    return Inputs(expression: expression, phenotype: phenotype, sets: sets, mapper: mapper, simulation: simulation)
  }

  static func options() -> XGSEA.Options {
    var options = XGSEA.Options()
    options.gsea.minSize = 10
    options.gsea.permutations = 1000
    options.gsea.seed = 5
    options.gsea.threads = 2
    return options
  }

  @Test func plantedModuleIsSignificantAndOthersAreNot() throws {
    let inputs = try Self.inputs()
    let report = try XGSEA.run(
      expression: inputs.expression, phenotype: inputs.phenotype, targetSets: inputs.sets, orthologs: inputs.mapper,
      options: Self.options())
    #expect(report.results.count == 36)
    #expect(report.source.prerank.results.count == 36)
    #expect(report.sourceEmbedding.rows == 36 && report.targetEmbedding.rows == 36 && report.sourceEmbedding.cols == 5)
    #expect(report.finalMMD + report.finalGraph <= report.initialMMD + report.initialGraph)
    // D: called significant = padj_D < 0.05: the five planted sets and none of the other 31.
    // E, Epm: the planted sets have the five largest predicted ES and nominal p < 0.05.
    // Margins measured over simulation seeds 1–7 (GSEA seed + 100): planted padj_D ≤ 0.037, others
    // ≥ 0.19; planted p_E ≤ 0.024, p_Epm ≤ 0.015. E and Epm are not checked on the other sets: their
    // p-values come from regressed nulls and reach 0.006 (E) and 0.002 (Epm) for some of them.
    let planted = Set(inputs.simulation.plantedSetNames)
    for r in report.results {
      let line = "\(r.pathway): source p \(r.sourceP), D \(r.pD) (\(r.padjD)), E \(r.pE), Epm \(r.pEpm)"
      if planted.contains(r.pathway) {
        #expect(r.padjD < 0.05 && r.pE < 0.05 && r.pEpm < 0.05, "\(line)")
      } else {
        #expect(r.padjD > 0.05, "\(line)")
      }
    }
    #expect(Set(report.results.sorted { $0.esE > $1.esE }.prefix(5).map(\.pathway)) == planted)
    #expect(Set(report.results.sorted { $0.esEpm > $1.esEpm }.prefix(5).map(\.pathway)) == planted)
  }

  @Test func sameSeedSameResultsForAnyThreadCount() throws {
    let inputs = try Self.inputs(seed: 9)
    var a = Self.options(), b = Self.options()
    a.gsea.threads = 1
    b.gsea.threads = 3
    a.gsea.permutations = 50
    b.gsea.permutations = 50
    let ra = try XGSEA.run(expression: inputs.expression, phenotype: inputs.phenotype, targetSets: inputs.sets, orthologs: inputs.mapper, options: a)
    let rb = try XGSEA.run(expression: inputs.expression, phenotype: inputs.phenotype, targetSets: inputs.sets, orthologs: inputs.mapper, options: b)
    #expect(ra.results.map(\.pD) == rb.results.map(\.pD))
    #expect(ra.results.map(\.pEpm) == rb.results.map(\.pEpm))
    #expect(ra.targetEmbedding == rb.targetEmbedding)
  }

  @Test func setsWithoutOrthologsAreStillPredicted() throws {
    let inputs = try Self.inputs()
    // One more human set made only of genes with no mouse ortholog (GENE235…240): it has no source
    // set, but its membership places it in the embedding.
    var sets = inputs.sets.sets
    sets.append(GeneSet(name: "NO_ORTHOLOGS", genes: (235...240).map { String(format: "GENE%03d", $0) }))
    sets.append(GeneSet(name: "TOO_SMALL", genes: ["GENE001"]))
    let collection = try GeneSetCollection(sets, source: "sets.gmt")
    var options = Self.options()
    options.gsea.permutations = 50
    let report = try XGSEA.run(
      expression: inputs.expression, phenotype: inputs.phenotype, targetSets: collection, orthologs: inputs.mapper, options: options)
    #expect(report.skippedTargetSets == 1)
    let lonely = try #require(report.results.first { $0.pathway == "NO_ORTHOLOGS" })
    #expect(lonely.sourceES == nil && lonely.sourceP.isNaN && lonely.sourceSize == 0)
    #expect(lonely.pD > 0 && lonely.pD < 1 && !lonely.pE.isNaN)
    #expect(report.unmappedEntries >= 6)
  }

  /// Bad input: one-line errors, nothing computed.
  @Test func badInputErrors() throws {
    let inputs = try Self.inputs()
    func message(_ sets: GeneSetCollection, expression: PhenotypeGSEA.Expression? = nil, options: XGSEA.Options = Self.options()) -> String {
      do {
        _ = try XGSEA.run(
          expression: expression ?? inputs.expression, phenotype: inputs.phenotype, targetSets: sets, orthologs: inputs.mapper,
          options: options)
        return "no error"
      } catch { return "\(error)" }
    }
    let unmatched = try GeneSetCollection(
      [GeneSet(name: "X", genes: ["NOPE1", "NOPE2"]), GeneSet(name: "Y", genes: ["GENE240", "NOPE3"])], source: "alien.gmt")
    let m1 = message(unmatched)
    #expect(m1.hasPrefix("alien.gmt: none of the 2 gene sets has a gene with an ortholog"), "\(m1)")
    let renamed = PhenotypeGSEA.Expression(
      genes: inputs.expression.genes.map { "x" + $0 }, sampleCount: inputs.expression.sampleCount, values: inputs.expression.values)
    let m2 = message(inputs.sets, expression: renamed)
    #expect(m2.contains("no ortholog of the gene-set genes is a gene of the expression matrix"), "\(m2)")
    var big = Self.options()
    big.dimension = 40
    let m3 = message(inputs.sets, options: big)
    #expect(m3.contains("--dim 40 must not exceed either"), "\(m3)")
    var wide = Self.options()
    wide.gsea.minSize = 300
    let m4 = message(inputs.sets, options: wide)
    #expect(m4.contains("no gene set has between 300 and 500 genes"), "\(m4)")
    for m in [m1, m2, m3, m4] { #expect(!m.contains("\n")) }
  }
}

/// XGSEA with a numeric phenotype (Pearson ranking, the original's step 1).
@Suite struct XGSEANumericPhenotypeTests {
  @Test func numericPhenotypeFindsThePlantedModule() throws {
    let inputs = try XGSEASimulationTests.inputs()
    // Class A ↦ 1, B ↦ 0, plus a small deterministic jitter.
    let values = inputs.simulation.labels.enumerated().map { (i, l) in (l == "A" ? 1.0 : 0.0) + 0.01 * Double(i % 3) }
    let phenotype = PhenotypeLabels(kind: .numeric(values), samples: Array(0..<values.count), metric: .pearson)
    var options = XGSEASimulationTests.options()
    options.gsea.permutations = 500
    let report = try XGSEA.run(
      expression: inputs.expression, phenotype: phenotype, targetSets: inputs.sets, orthologs: inputs.mapper, options: options)
    let planted = Set(inputs.simulation.plantedSetNames)
    let top = report.results.sorted { $0.pD < $1.pD }.prefix(5).map(\.pathway)
    #expect(Set(top) == planted, "\(top)")
    for r in report.results where planted.contains(r.pathway) { #expect(r.padjD < 0.05, "\(r.pathway): \(r.padjD)") }
  }
}
