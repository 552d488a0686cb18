import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport

/// Readers for the reference files in ../shared/data/gsea_fixtures.
enum GSEAFixtures {
  static let example = FixturePaths.shared("gsea_fixtures/fgsea_example")
  static let cppRefs = FixturePaths.shared("gsea_fixtures/fgsea_cpp_refs")
  static let edb = FixturePaths.shared("gsea_fixtures/broad_gsea_edb")

  /// Rows of a TSV with a header, as dictionaries.
  static func table(_ path: String) throws -> [[String: String]] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    guard !lines.isEmpty else { return [] }
    let header = lines.removeFirst().split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    return lines.map { line in
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      var row: [String: String] = [:]
      for (i, name) in header.enumerated() where i < fields.count { row[name] = fields[i] }
      return row
    }
  }

  /// Lines of a headerless (or one-header-line) numeric column.
  static func numbers(_ path: String, skipHeader: Bool) throws -> [Double] {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    return lines.dropFirst(skipHeader ? 1 : 0).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
  }

  /// The fgsea example ranking and pathways.
  static func exampleInputs() throws -> (RankedList, GeneSetCollection) {
    let dir = try requireShared(example)
    return (try RNKReader.read(path: dir + "/naive.vs.th1.rnk"), try GeneSetReader.read(path: dir + "/mouse.reactome.gmt"))
  }

  static func requireShared(_ path: String?) throws -> String {
    guard let path else { throw OmicsError("../shared/data/gsea_fixtures is absent") }
    return path
  }

  /// One `<DTG …>` record of a Broad results.edb.
  struct EDBRecord {
    var geneSet: String
    var es: Double, nes: Double, np: Double, fdr: Double, fwer: Double
    var rndES: [Double]
  }

  static func edbRecords(_ path: String) throws -> [EDBRecord] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var records: [EDBRecord] = []
    for chunk in text.components(separatedBy: "<DTG ").dropFirst() {
      func attribute(_ name: String) -> String? {
        guard let start = chunk.range(of: " \(name)=\"") ?? chunk.range(of: "\(name)=\"") else { return nil }
        let rest = chunk[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
      }
      guard let set = attribute("GENESET"), let es = attribute("ES").flatMap(Double.init),
        let nes = attribute("NES").flatMap(Double.init), let np = attribute("NP").flatMap(Double.init),
        let fdr = attribute("FDR").flatMap(Double.init), let fwer = attribute("FWER").flatMap(Double.init),
        let rnd = attribute("RND_ES")
      else { continue }
      records.append(EDBRecord(
        geneSet: set, es: es, nes: nes, np: np, fdr: fdr, fwer: fwer,
        rndES: rnd.split(separator: " ").compactMap { Double($0) }))
    }
    return records
  }
}
