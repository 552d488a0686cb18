import Foundation
import OmicsTestSupport
import Testing

/// `omics xgsea` end to end on the seeded ``XGSEASimulation`` (mouse expression, human sets,
/// BioMart-style table), and its one-line errors that leave no output folder behind.
@Suite struct XGSEACLITests {
  static func lines(_ path: String) throws -> [[String]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
      $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
  }

  static func arguments(_ paths: (expression: String, sets: String, table: String), out: String) -> [String] {
    [
      "xgsea", "--expr", paths.expression, "--labels", "group", "--gene-sets", paths.sets, "--orthologs", paths.table,
      "--source-species", "mouse", "--target-species", "human", "--out", out, "--min-size", "10",
    ]
  }

  @Test func writesPredictionsSourceGSEAAndEmbedding() throws {
    let simulation = XGSEASimulation(seed: 7, effect: 2.0)
    let folder = FixturePaths.temporaryDirectory()
    let paths = try simulation.write(to: folder)
    let out = folder + "/out"
    let result = try CLIRunner.run(Self.arguments(paths, out: out) + ["--permutations", "1000", "--seed", "5", "--threads", "2"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("xgsea: 36 human sets: 36 predicted"), "\(result.stderr)")
    #expect(result.stderr.contains("; 5 sets with padj_D < 0.05;"), "\(result.stderr)")
    #expect(result.stderr.contains("36 sets tested, 1000 permutations; embedding: dim 5"), "\(result.stderr)")
    let rows = try Self.lines(out + "/xgsea.tsv")
    #expect(rows.first == [
      "pathway", "size", "sourceSize", "sourceES", "sourcePval", "pval_D", "padj_D", "ES_E", "pval_E", "padj_E", "ES_Epm",
      "pval_Epm", "padj_Epm",
    ])
    #expect(rows.count == 37)
    #expect(rows[1][0] == "M0_S1" && rows[1][1] == "22")  // gene-set file order; 22 human genes
    let planted = Set(simulation.plantedSetNames)
    for row in rows.dropFirst() {
      let padjD = Double(row[6])!, pE = Double(row[8])!
      if planted.contains(row[0]) {
        #expect(padjD < 0.05 && pE < 0.05, "\(row)")
      } else {
        #expect(padjD > 0.05, "\(row)")
      }
    }
    let source = try Self.lines(out + "/source_gsea.tsv")
    #expect(source.first?.prefix(3) == ["pathway", "pval", "padj"])
    #expect(source.count == 37)
    let embedding = try Self.lines(out + "/embedding.tsv")
    #expect(embedding.first == ["set", "species", "z1", "z2", "z3", "z4", "z5"])
    #expect(embedding.count == 73)
    #expect(embedding.filter { $0[1] == "target" }.count == 36)
  }

  @Test func sameFilesForAnyThreadCount() throws {
    let folder = FixturePaths.temporaryDirectory()
    let paths = try XGSEASimulation(seed: 3).write(to: folder)
    var outputs: [String] = []
    for threads in ["1", "3"] {
      let out = folder + "/out" + threads
      let result = try CLIRunner.run(
        Self.arguments(paths, out: out) + ["--permutations", "60", "--threads", threads, "--quiet", "--dim", "3", "--policy", "one-to-one"])
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stderr.isEmpty)
      outputs.append(try String(contentsOfFile: out + "/xgsea.tsv", encoding: .utf8) + String(contentsOfFile: out + "/embedding.tsv", encoding: .utf8))
    }
    #expect(outputs[0] == outputs[1])
  }

  @Test func clsLabelsGiveTheSameFilesAsTheObsColumn() throws {
    let simulation = XGSEASimulation(seed: 3)
    let folder = FixturePaths.temporaryDirectory()
    let paths = try simulation.write(to: folder)
    let cls = folder + "/group.cls"
    try "\(simulation.labels.count) 2 1\n# A B\n\(simulation.labels.joined(separator: " "))\n".write(toFile: cls, atomically: true, encoding: .utf8)
    var outputs: [String] = []
    for (i, useCls) in [false, true].enumerated() {
      var args = Self.arguments(paths, out: folder + "/out\(i)") + ["--permutations", "40", "--dim", "3", "--quiet"]
      if useCls {
        let at = args.firstIndex(of: "--labels")!
        args.replaceSubrange(at...(at + 1), with: ["--cls", cls])
      }
      let result = try CLIRunner.run(args)
      #expect(result.status == 0, "\(result.stderr)")
      outputs.append(try String(contentsOfFile: folder + "/out\(i)/xgsea.tsv", encoding: .utf8))
    }
    #expect(outputs[0] == outputs[1])
  }

  enum Case: String, CaseIterable {
    case unknownSpecies, sameSpecies, speciesNotInTable, tableMissingColumns, noSharedGenes, allUnmatchedSets, dimensionTooLarge
  }

  /// Each bad input: exit status 1, one line on stderr naming the problem, no output folder.
  @Test(arguments: Case.allCases)
  func badInputIsOneLineAndLeavesNothing(_ c: Case) throws {
    let folder = FixturePaths.temporaryDirectory()
    var paths = try XGSEASimulation(seed: 3).write(to: folder)
    let out = folder + "/out"
    var args = Self.arguments(paths, out: out) + ["--permutations", "20"]
    let expected: String
    switch c {
    case .unknownSpecies:
      args[args.firstIndex(of: "mouse")!] = "martian"
      expected = "error: --source-species: unknown species 'martian' (use a taxon id or one of: human, mouse"
    case .sameSpecies:
      args[args.firstIndex(of: "mouse")!] = "10090"
      args[args.firstIndex(of: "human")!] = "mus musculus"
      expected = "name the same species"
    case .speciesNotInTable:
      args[args.firstIndex(of: "mouse")!] = "rat"
      expected = "orthologs.csv: unknown target species 'rat': this table maps to mouse"
    case .tableMissingColumns:
      try "Gene stable ID,Gene name,Mouse gene name\nENSG1,GENE001,Gene1\n".write(toFile: paths.table, atomically: true, encoding: .utf8)
      expected = "orthologs.csv: line 1: missing the '<Species> gene stable ID' column"
    case .noSharedGenes:
      var csv = try String(contentsOfFile: paths.table, encoding: .utf8).split(separator: "\n").map(String.init)
      csv = [csv[0]] + csv.dropFirst().map { $0.replacingOccurrences(of: ",Gene", with: ",Zz") }
      try (csv.joined(separator: "\n") + "\n").write(toFile: paths.table, atomically: true, encoding: .utf8)
      expected = "no ortholog of the gene-set genes is a gene of the expression matrix"
    case .allUnmatchedSets:
      paths.sets = folder + "/alien.gmt"
      try "A\tna\tNOPE1\tNOPE2\tNOPE3\nB\tna\tNOPE4\tGENE240\n".write(toFile: paths.sets, atomically: true, encoding: .utf8)
      args = Self.arguments(paths, out: out) + ["--permutations", "20"]
      expected = "alien.gmt: none of the 2 gene sets has a gene with an ortholog in the table"
    case .dimensionTooLarge:
      args += ["--dim", "60"]
      expected = "--dim 60 must not exceed either"
    }
    let result = try CLIRunner.run(args)
    #expect(result.status == 1, "\(c): \(result.stderr)")
    #expect(result.stderr.contains(expected), "\(c): \(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1, "\(c): \(result.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out), "\(c)")
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".out") }
    #expect(leftovers.isEmpty, "\(c): \(leftovers)")
  }

  @Test func helpHasAnExample() throws {
    let result = try CLIRunner.run(["xgsea", "--help"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("omics xgsea --expr"))
    #expect(result.stdout.contains("--target-species"))
  }
}
