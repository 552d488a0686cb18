import Foundation
import OmicsCore
import OmicsIO

/// A sample annotation table (`--labels FILE`) for sources without an obs column (TSV matrices):
/// a header line, then one line per sample; the first column holds the sample names; fields
/// separated by tabs (commas for `.csv`). Quotes around a field are removed.
public enum LabelTable {
  /// The values of `column` for each of `samples` (nil where the sample is absent or the field empty).
  public static func read(_ path: String, column: String, samples: [String]) throws -> [String?] {
    var lines = try TextFile(path: path).lines().map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\r")) }
      .filter { !$0.isEmpty }
    guard !lines.isEmpty else { throw OmicsError(file: path, "the label table is empty") }
    let sep: Character = path.lowercased().hasSuffix(".csv") || path.lowercased().hasSuffix(".csv.gz") ? "," : "\t"
    func fields(_ l: String) -> [String] {
      l.split(separator: sep, omittingEmptySubsequences: false).map {
        $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
      }
    }
    let header = fields(lines.removeFirst())
    guard let c = header.firstIndex(of: column), c > 0 else {
      throw OmicsError(file: path, location: "header", "no column '\(column)' (columns: \(header.dropFirst().prefix(8).joined(separator: ", ")))")
    }
    var byName: [String: String] = [:]
    for (i, l) in lines.enumerated() {
      let f = fields(l)
      guard f.count > c else { throw OmicsError(file: path, location: "line \(i + 2)", "\(f.count) fields, the header has \(header.count)") }
      byName[f[0]] = f[c]
    }
    return samples.map { byName[$0] }
  }
}
