import Foundation
import OmicsCore
import OmicsIO
import OmicsNN

/// Where `omics encoder embed` puts its rows, by extension: `.npy` and `.csv` are written as the
/// cells stream through (memory does not grow with the number of cells), `.h5ad` collects the
/// rows (H floats per cell) and the attribute columns and writes at the end. Every format goes
/// to a temporary name first; `abandonIfUnfinished` removes it after a failure.
final class EmbeddingSink {
  enum Format { case npy, csv, h5ad }
  let path: String
  let format: Format
  let columns: Int
  let attributeNames: [String]
  private var npy: NPYStreamWriter?
  private var csv: FileHandle?
  private let temporary: String
  private var rowsWritten = 0
  private var values: [Float] = []
  private var attributes: [ArrowColumn] = []
  private var finished = false

  init(path: String, columns: Int, attributes: [String], streaming: Bool) throws {
    self.path = path
    self.columns = columns
    self.attributeNames = attributes
    let lower = path.lowercased()
    format = lower.hasSuffix(".npy") ? .npy : lower.hasSuffix(".csv") ? .csv : .h5ad
    temporary = AtomicFileWriter.temporaryPath(for: path)
    guard streaming else { return }
    switch format {
    case .npy: npy = try NPYStreamWriter(path: path, columns: columns)
    case .csv:
      guard FileManager.default.createFile(atPath: temporary, contents: nil), let h = FileHandle(forWritingAtPath: temporary) else {
        throw OmicsError(file: path, "cannot create the output file")
      }
      csv = h
      var header = "," + (0..<columns).map(String.init).joined(separator: ",")
      for name in attributes { header += "," + name }
      h.write(Data((header + "\n").utf8))
    case .h5ad: break
    }
  }

  /// Appends the rows of one chunk (and its attribute columns, in `attributeNames` order).
  func append(_ rows: ArraySlice<Float>, attributes chunk: [ArrowColumn]) throws {
    let n = rows.count / max(columns, 1)
    switch format {
    case .npy: try npy?.append(rows)
    case .csv:
      var text = ""
      for r in 0..<n {
        text += String(rowsWritten + r)
        let base = rows.startIndex + r * columns
        for j in 0..<columns { text += ",\(rows[base + j])" }
        for column in chunk { text += "," + Encoder.Embed.cell(column, r) }
        text += "\n"
      }
      csv?.write(Data(text.utf8))
    case .h5ad:
      values += rows
      attributes = attributes.isEmpty ? chunk : zip(attributes, chunk).map { ArrowStreamReader.append($0, $1) }
    }
    rowsWritten += n
  }

  /// Completes a streamed output.
  func finish() throws {
    switch format {
    case .npy: try npy?.finish()
    case .csv:
      csv?.closeFile()
      csv = nil
      guard rename(temporary, path) == 0 else { throw OmicsError(file: path, "cannot move the finished output into place") }
    case .h5ad:
      var obs = DataFrame(index: (0..<rowsWritten).map(String.init))
      for (name, column) in zip(attributeNames, attributes) {
        obs.columns[name] = try Encoder.Embed.element(column, count: rowsWritten, name: name)
      }
      try writeH5AD(obs: obs, values: values, rows: rowsWritten)
    }
    finished = true
  }

  /// Writes a whole matrix at once (gene mode: one row per token, named).
  func writeWhole(_ matrix: Tensor<Float>, rowNames: [String]) throws {
    let rows = matrix.shape[0]
    switch format {
    case .npy: try NPYWriter.write(rows: rows, cols: columns, values: matrix.scalars, to: path)
    case .csv:
      var text = "," + (0..<columns).map(String.init).joined(separator: ",") + "\n"
      for r in 0..<rows {
        text += rowNames[r]
        for j in 0..<columns { text += ",\(matrix.scalars[r * columns + j])" }
        text += "\n"
      }
      try AtomicFileWriter.write(Data(text.utf8), to: path)
    case .h5ad: try writeH5AD(obs: DataFrame(index: rowNames), values: matrix.scalars, rows: rows)
    }
    finished = true
  }

  private func writeH5AD(obs: DataFrame, values: [Float], rows: Int) throws {
    var matrix = ExpressionMatrix(obs: obs, var: DataFrame(index: []))
    matrix.obsm["X_geneformer"] = .array(DenseArray(shape: [rows, columns], values: .float32(values)))
    try H5ADWriter.write(matrix, to: path)
  }

  /// Removes a partial output after a failure.
  func abandonIfUnfinished() {
    guard !finished else { return }
    npy?.abandon()
    csv?.closeFile()
    unlink(temporary)
  }
}
