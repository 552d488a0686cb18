import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

/// Bad inputs to `omics adapt`: one line on stderr, exit 1, and no output folder (nor a temporary one).
@Suite struct AdaptBadInputTests {
  /// Writes a small h5ad: `rows × genes.count` values (row r, gene j → sin(r + 3j) + 1), obs `response`.
  static func write(_ path: String, rows: Int, genes: [String], response: [Double]? = nil, poison: Float? = nil) throws {
    var x = [Float](repeating: 0, count: rows * genes.count)
    for r in 0..<rows { for j in genes.indices { x[r * genes.count + j] = Float(sin(Double(r + 3 * j)) + 1) } }
    if let poison, !x.isEmpty { x[x.count / 2] = poison }
    var obs = DataFrame(index: (0..<rows).map { "s\($0)" })
    if let response { obs.columns["response"] = .array(DenseArray(shape: [rows], values: .float64(response))) }
    let m = ExpressionMatrix(X: .dense(DenseArray(shape: [rows, genes.count], values: .float32(x))), obs: obs,
                             var: DataFrame(index: genes))
    try H5ADWriter.write(m, to: path)
  }

  static let genes = (0..<8).map { "g\($0)" }
  static func alternating(_ n: Int) -> [Double] { (0..<n).map { Double($0 % 2) } }

  enum Case: String, CaseIterable {
    case oneClass, noSharedGenes, missingLabelColumn, nanInSource, infiniteInTarget, tooFewCells, emptyTarget
  }

  @Test(arguments: Case.allCases)
  func failsWithOneLineAndNoOutput(_ c: Case) throws {
    let dir = FixturePaths.temporaryDirectory()
    let source = dir + "/source.h5ad", target = dir + "/target.h5ad"
    var label = "response"
    var expected: String
    switch c {
    case .oneClass:
      try Self.write(source, rows: 40, genes: Self.genes, response: Array(repeating: 1, count: 40))
      try Self.write(target, rows: 30, genes: Self.genes)
      expected = "obs/response: labels need two classes, found 1 ('1')"
    case .noSharedGenes:
      try Self.write(source, rows: 40, genes: Self.genes, response: Self.alternating(40))
      try Self.write(target, rows: 30, genes: Self.genes.map { $0.uppercased() })
      expected = "SOURCE and TARGET share no gene ids (8 and 8 genes; e.g. 'g0' vs 'G0')"
    case .missingLabelColumn:
      try Self.write(source, rows: 40, genes: Self.genes, response: Self.alternating(40))
      try Self.write(target, rows: 30, genes: Self.genes)
      label = "drug_response"
      expected = "no label column 'drug_response'"
    case .nanInSource:
      try Self.write(source, rows: 40, genes: Self.genes, response: Self.alternating(40), poison: .nan)
      try Self.write(target, rows: 30, genes: Self.genes)
      expected = "source.h5ad: X: non-finite value nan at row 's20', gene 'g0'"
    case .infiniteInTarget:
      try Self.write(source, rows: 40, genes: Self.genes, response: Self.alternating(40))
      try Self.write(target, rows: 30, genes: Self.genes, poison: .infinity)
      expected = "target.h5ad: X: non-finite value inf at row 's15', gene 'g0'"
    case .tooFewCells:
      try Self.write(source, rows: 40, genes: Self.genes, response: Self.alternating(40))
      try Self.write(target, rows: 6, genes: Self.genes)
      expected = "6 cells are too few: the 80/20 split gives 5/1 and each part needs at least 2 (10 cells or more)"
    case .emptyTarget:
      try Self.write(source, rows: 40, genes: Self.genes, response: Self.alternating(40))
      try Self.write(target, rows: 0, genes: Self.genes)
      expected = "the target has no cells"
    }
    let out = dir + "/run"
    let r = try CLIRunner.run(["adapt", source, target, "--label", label, "--out", out, "--quiet", "--bulk-epochs", "2",
                               "--adapt-epochs", "2", "--hidden", "8,4", "--latent", "2", "--predictor-hidden", "3,2"])
    #expect(r.status == 1)
    #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    #expect(r.stderr.hasPrefix("error: "), "\(r.stderr)")
    #expect(r.stderr.contains(expected), "\(c): \(r.stderr)")
    let left = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    #expect(left == ["source.h5ad", "target.h5ad"], "no output or temporary folder may remain: \(left)")
  }
}
