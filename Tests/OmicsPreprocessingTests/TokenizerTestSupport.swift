import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
@testable import OmicsPreprocessing

/// Small synthetic inputs for tokenizer tests: an h5ad written by H5ADWriter and TSV dictionaries.
enum TokenizerTestSupport {
  /// Writes `key<TAB>value` lines (with a header) and returns the path.
  static func tsv(_ dir: String, _ name: String, header: String, _ rows: [(String, String)]) throws -> String {
    let path = dir + "/" + name
    let text = ([header] + rows.map { "\($0.0)\t\($0.1)" }).joined(separator: "\n") + "\n"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// Token dictionary with the four specials then genes G0…G(n-1) → 4…; medians all `median` unless given.
  static func dictionaries(_ dir: String, genes: [String], medians: [String: Double] = [:]) throws -> (String, String) {
    var tokens: [(String, String)] = [("<pad>", "0"), ("<mask>", "1"), ("<cls>", "2"), ("<eos>", "3")]
    for (i, g) in genes.enumerated() { tokens.append((g, "\(i + 4)")) }
    let t = try tsv(dir, "tokens.tsv", header: "key\ttoken_id", tokens)
    let m = try tsv(dir, "medians.tsv", header: "ensembl_id\tnonzero_median", genes.map { ($0, "\(medians[$0] ?? 1.0)") })
    return (t, m)
  }

  /// Writes an h5ad with CSR float32 X from dense rows.
  static func h5ad(
    _ dir: String, name: String = "in.h5ad", ids: [String], rows: [[Float]], nCounts: [Double]? = nil,
    filterPass: [Int64]? = nil, extraObs: [(String, Element)] = [], idColumn: String = "ensembl_id",
    keepZeros: Bool = false
  ) throws -> String {
    var indptr: [Int64] = [0]
    var indices: [Int32] = []
    var data: [Float] = []
    for r in rows {
      for (j, v) in r.enumerated() where v != 0 || keepZeros {
        indices.append(Int32(j))
        data.append(v)
      }
      indptr.append(Int64(indices.count))
    }
    let X = SparseMatrix(layout: .csr, rows: rows.count, cols: ids.count, indptr: indptr, indices: indices, data: .float32(data))
    var obs = DataFrame(index: (0..<rows.count).map { "c\($0)" })
    let totals = nCounts ?? rows.map { Double($0.reduce(0, +)) }
    obs.columns["n_counts"] = .array(DenseArray(shape: [rows.count], values: .float64(totals)))
    if let filterPass { obs.columns["filter_pass"] = .array(DenseArray(shape: [rows.count], values: .int64(filterPass))) }
    for (k, v) in extraObs { obs.columns[k] = v }
    var v = DataFrame(index: ids.enumerated().map { "v\($0.offset)" })
    v.columns[idColumn] = .stringArray(StringArray(ids))
    let path = dir + "/" + name
    try H5ADWriter.write(ExpressionMatrix(X: .sparse(X), obs: obs, var: v), to: path)
    return path
  }

  /// Reads the dataset folder back: schema and columns of all its Arrow files.
  static func readDataset(_ folder: String) throws -> ArrowStreamReader.Table {
    try ArrowStreamReader.readDatasetFolder(folder)
  }

  /// Rows of `input_ids` as Int64 lists.
  static func inputIDs(_ t: ArrowStreamReader.Table) -> [[Int64]] {
    guard case .list(let offsets, let child) = t.columns[0], let values = child.integers else { return [] }
    return (0..<(offsets.count - 1)).map { Array(values[offsets[$0]..<offsets[$0 + 1]]) }
  }
}
