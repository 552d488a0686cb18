import OmicsCore
import OmicsIO

/// A tokenized single-cell dataset (a Hugging Face `datasets` folder as `omics tokenize` or
/// Geneformer's tokenizer writes it): one token sequence per cell plus the other columns.
public struct TokenizedCorpus {
  public let path: String
  /// The token ids of each cell, without padding.
  public let cells: [[Int32]]
  /// Every column of the dataset (for labels and attributes).
  public let table: ArrowStreamReader.Table

  /// Reads `folder`; `maxCells` keeps only the first cells. Errors name the folder and column.
  public static func read(_ folder: String, maxCells: Int? = nil) throws -> TokenizedCorpus {
    let table = try ArrowStreamReader.readDatasetFolder(folder)
    guard let idsIndex = table.schema.fields.firstIndex(where: { $0.name == "input_ids" }) else {
      throw OmicsError(file: folder, location: "input_ids", "column missing: not a tokenized dataset")
    }
    guard case .list(let offsets, let child) = table.columns[idsIndex], let flat = child.integers else {
      throw OmicsError(file: folder, location: "input_ids", "is not a list of integers")
    }
    let n = min(table.rowCount, maxCells ?? Int.max)
    var cells: [[Int32]] = []
    cells.reserveCapacity(n)
    for i in 0..<n {
      let cell = flat[offsets[i]..<offsets[i + 1]]
      if let bad = cell.first(where: { $0 < 0 || $0 > Int64(Int32.max) }) {
        throw OmicsError(file: folder, location: "input_ids row \(i)", "token id \(bad) is not a valid id")
      }
      cells.append(cell.map { Int32($0) })
    }
    return TokenizedCorpus(path: folder, cells: cells, table: table)
  }

  /// Throws, naming the first offending cell, unless every token id is below `vocabulary` and
  /// every cell has between 1 and `maxLength` tokens.
  public func validate(vocabulary: Int, maxLength: Int) throws {
    for (i, cell) in cells.enumerated() {
      if cell.isEmpty { throw OmicsError(file: path, location: "input_ids row \(i)", "the cell has no tokens") }
      if cell.count > maxLength {
        throw OmicsError(file: path, location: "input_ids row \(i)",
                         "\(cell.count) tokens exceed the model's max_position_embeddings \(maxLength)")
      }
      if let bad = cell.first(where: { Int($0) >= vocabulary }) {
        throw OmicsError(file: path, location: "input_ids row \(i)", "token id \(bad) is outside the model's vocabulary of \(vocabulary)")
      }
    }
  }

  /// The column `name`, or an error listing the available ones.
  public func column(_ name: String) throws -> ArrowColumn {
    guard let k = table.schema.fields.firstIndex(where: { $0.name == name }) else {
      throw OmicsError(file: path, location: name, "column missing (available: \(table.schema.fields.map(\.name).joined(separator: ", ")))")
    }
    return table.columns[k]
  }

  /// The column `name` as one string per cell (numbers printed, missing → nil).
  public func labels(_ name: String) throws -> [String?] {
    let column = try self.column(name)
    let n = cells.count
    switch column {
    case .utf8(let a): return Array(a.prefix(n))
    case .bool(let a): return a.prefix(n).map { $0 ? "True" : "False" }
    case .float32(let a): return a.prefix(n).map { $0.isFinite ? "\($0)" : nil }
    case .float64(let a): return a.prefix(n).map { $0.isFinite ? "\($0)" : nil }
    default:
      guard let ints = column.integers else { throw OmicsError(file: path, location: name, "a list column cannot be a label") }
      return ints.prefix(n).map { String($0) }
    }
  }
}
