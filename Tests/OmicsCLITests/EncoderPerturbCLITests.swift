import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

/// `omics encoder perturb` against InSilicoPerturber's definitions computed with transformers on the
/// micro model (`scripts/encoder_perturb_fixture.py` → `Fixtures/encoder/perturb_reference.json`).
@Suite(.enabled(if: FixturePaths.shared("bert/micro") != nil, "needs ../shared/data/bert/micro (the micro model)"))
struct EncoderPerturbCLITests {
  static var model: String { (FixturePaths.shared("bert/micro") ?? "") + "/model" }

  static func reference() throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: FixturePaths.fixture("encoder/perturb_reference.json")))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
  }

  /// The reference's cells as a dataset with a `state` column (cells 1 and 2 are the goal).
  static func dataset(in dir: String) throws -> String {
    let cells = try #require(try reference()["cells"] as? [[Int]])
    var offsets: [Int32] = [0], values: [Int32] = []
    for c in cells { values += c.map(Int32.init); offsets.append(Int32(values.count)) }
    let path = dir + "/cells.dataset"
    let writer = try HFDatasetWriter(destination: path, fields: [ArrowField("input_ids", .list(.int32)), ArrowField("state", .utf8)])
    try writer.write(columns: [.list(offsets: offsets, child: .primitive(.int32(values), count: values.count)),
                               .strings(["start", "goal", "goal"])])
    try writer.finish()
    return path
  }

  static func table(_ path: String) throws -> [[String]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
      .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
  }

  @Test(arguments: ["delete_one", "delete_two", "overexpress"])
  func perCellEffectsEqualTheReference(_ name: String) throws {
    let dir = FixturePaths.temporaryDirectory()
    let data = try Self.dataset(in: dir)
    let cases = try #require(try Self.reference()["cases"] as? [String: Any])
    let c = try #require(cases[name] as? [String: Any])
    let genes = try #require(c["genes"] as? [Int]).map(String.init).joined(separator: ",")
    let r = try CLIRunner.run(["encoder", "perturb", Self.model, data, "--genes", genes, "--mode", try #require(c["kind"] as? String),
                               "--goal-state", "state=goal", "--out", dir + "/p.tsv", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let rows = try Self.table(dir + "/p.tsv")
    #expect(rows[0] == ["cell", "perturbed", "cos_sim", "goal_shift"])
    let effects = try #require(c["effects"] as? [Any])
    #expect(rows.count == effects.count + 1)
    for (i, e) in effects.enumerated() {
      guard let e = e as? [String: Double] else {
        #expect(rows[i + 1] == ["\(i)", "0", "", ""], "cell \(i) has none of the genes")
        continue
      }
      let cosSim = try #require(Double(rows[i + 1][2])), shift = try #require(Double(rows[i + 1][3]))
      #expect(abs(cosSim - e["cos_sim"]!) <= 1e-5, "\(name) cell \(i): \(cosSim) vs \(e["cos_sim"]!)")
      #expect(abs(shift - e["goal_shift"]!) <= 1e-5, "\(name) cell \(i) shift: \(shift) vs \(e["goal_shift"]!)")
    }
  }

  @Test func eachGeneDeletedInTurnEqualsTheReference() throws {
    let dir = FixturePaths.temporaryDirectory()
    let data = try Self.dataset(in: dir)
    let r = try CLIRunner.run(["encoder", "perturb", Self.model, data, "--genes", "all", "--out", dir + "/all.tsv", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let rows = try Self.table(dir + "/all.tsv")
    #expect(rows[0] == ["gene", "token", "cells", "mean_cos_sim"])
    let expected = try #require(try Self.reference()["all_delete"] as? [[String: Any]])
    #expect(rows.count == expected.count + 1)
    for (row, e) in zip(rows.dropFirst(), expected) {
      #expect(row[1] == "\(e["token"] as! Int)" && row[2] == "\(e["cells"] as! Int)")
      #expect(abs(Double(row[3])! - (e["mean_cos_sim"] as! Double)) <= 1e-5, "gene \(row[1])")
    }
  }

  @Test func badPerturbationInputIsOneLine() throws {
    let dir = FixturePaths.temporaryDirectory()
    let data = try Self.dataset(in: dir)
    let gene = try CLIRunner.run(["encoder", "perturb", Self.model, data, "--genes", "ENSG0001", "--out", dir + "/p.tsv"])
    #expect(gene.status != 0 && gene.stderr == "error: --genes: 'ENSG0001' is neither a token id of the model nor a gene of the token dictionary\n", "\(gene.stderr)")
    let goal = try CLIRunner.run(["encoder", "perturb", Self.model, data, "--genes", "47", "--goal-state", "state=healthy", "--out", dir + "/p.tsv"])
    #expect(goal.status != 0 && goal.stderr.contains("no cell has the value 'healthy'"), "\(goal.stderr)")
    #expect(!FileManager.default.fileExists(atPath: dir + "/p.tsv"))
  }
}
