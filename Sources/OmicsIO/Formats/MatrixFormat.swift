import Foundation
import OmicsCore

/// The matrix file formats omics reads, and detection from a path and its first bytes.
public enum MatrixFormat: String, Sendable, CaseIterable {
  case h5ad
  case tenXH5 = "10x-h5"
  case loom
  case tenXMEX = "10x-mex"
  case matrixMarket = "mtx"
  case delimited = "tsv"
  case geoSeriesMatrix = "geo-series-matrix"
  case geoSOFT = "geo-soft"

  /// Detects the format of `path` (a file or a 10x MEX folder).
  public static func detect(_ path: String) throws -> MatrixFormat {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw OmicsError(file: path, "no such file or folder")
    }
    if isDirectory.boolValue { return .tenXMEX }
    let lower = path.lowercased()
    let bare = lower.hasSuffix(".gz") ? String(lower.dropLast(3)) : lower
    let head = try firstBytes(path, 8)
    let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
    if head == hdf5Signature || bare.hasSuffix(".h5ad") || bare.hasSuffix(".h5") || bare.hasSuffix(".loom") || bare.hasSuffix(".hdf5") {
      if bare.hasSuffix(".loom") { return .loom }
      if bare.hasSuffix(".h5ad") { return .h5ad }
      let file = try HDF5File.open(path)
      let root = try file.root()
      if TenXH5Reader.looksLikeTenX(root) { return .tenXH5 }
      if root.kind(of: "matrix") == .dataset { return .loom }
      return .h5ad
    }
    if bare.hasSuffix(".mtx") { return .matrixMarket }
    if bare.hasSuffix(".soft") { return .geoSOFT }
    if bare.hasSuffix("series_matrix.txt") { return .geoSeriesMatrix }
    if bare.hasSuffix(".tsv") || bare.hasSuffix(".csv") || bare.hasSuffix(".txt") || bare.hasSuffix(".tab") {
      let text = try TextFile(path: path)
      var firstLine = ""
      try text.forEachLine { line, _ in
        firstLine = line
        return false
      }
      if firstLine.hasPrefix("%%MatrixMarket") { return .matrixMarket }
      if firstLine.hasPrefix("!Series_") { return .geoSeriesMatrix }
      if firstLine.hasPrefix("^") { return .geoSOFT }
      return .delimited
    }
    throw OmicsError(
      file: path,
      "unknown file type; expected .h5ad, .h5 (10x), .loom, .mtx, a 10x folder, a GEO series matrix or SOFT file, or .tsv/.csv")
  }

  static func firstBytes(_ path: String, _ n: Int) throws -> [UInt8] {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw OmicsError(file: path, "cannot open") }
    defer { try? handle.close() }
    return [UInt8]((try? handle.read(upToCount: n)) ?? Data())
  }
}
