import Foundation
import OmicsCore

/// The three files of a 10x Genomics MEX folder, found on disk.
///
/// Cell Ranger ≥ 3 writes `matrix.mtx.gz`, `features.tsv.gz`, `barcodes.tsv.gz`; Cell Ranger 1–2 wrote
/// `matrix.mtx`, `genes.tsv`, `barcodes.tsv` (inside a per-genome subfolder). Each file is accepted
/// with or without `.gz`, behind an optional prefix (GEO's `GSM123_matrix.mtx.gz`). As in scanpy, the
/// folder is legacy (v2) when `<prefix>genes.tsv[.gz]` exists. When the folder itself holds no matrix
/// but exactly one subfolder (up to two levels down, e.g. `filtered_gene_bc_matrices/GRCh38`) does,
/// that subfolder is used.
public struct MEXFiles: Sendable, Equatable {
  /// The folder the files were found in.
  public var folder: String
  public var matrix: String
  /// `features.tsv[.gz]` (v3) or `genes.tsv[.gz]` (v2).
  public var features: String
  public var barcodes: String
  /// True for the Cell Ranger 1–2 layout (`genes.tsv`, no feature types).
  public var isLegacy: Bool

  public init(folder: String, matrix: String, features: String, barcodes: String, isLegacy: Bool) {
    self.folder = folder
    self.matrix = matrix
    self.features = features
    self.barcodes = barcodes
    self.isLegacy = isLegacy
  }

  /// Finds the files in `folder`; the error names the folder and the names that were looked for.
  public static func locate(_ folder: String, prefix: String = "") throws -> MEXFiles {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) else {
      throw OmicsError(file: folder, "no such folder")
    }
    guard isDirectory.boolValue else {
      throw OmicsError(file: folder, "is a file; a 10x MEX reader expects the folder holding matrix.mtx[.gz]")
    }
    if let found = try find(in: folder, prefix: prefix) { return found }
    var candidates: [MEXFiles] = []
    for sub in subfolders(folder) {
      if let found = try find(in: sub, prefix: prefix) {
        candidates.append(found)
      } else {
        for subsub in subfolders(sub) {
          if let found = try find(in: subsub, prefix: prefix) { candidates.append(found) }
        }
      }
    }
    if candidates.count == 1, let only = candidates.first { return only }
    if candidates.count > 1 {
      let names = candidates.map { $0.folder }.joined(separator: ", ")
      throw OmicsError(file: folder, "holds several 10x matrices (\(names)); name the one to read")
    }
    throw OmicsError(file: folder, "no 10x matrix found: expected \(prefix)matrix.mtx.gz or \(prefix)matrix.mtx")
  }

  private static func find(in folder: String, prefix: String) throws -> MEXFiles? {
    guard let matrix = existing(folder, prefix + "matrix.mtx") else { return nil }
    let legacy = existing(folder, prefix + "genes.tsv")
    let features = legacy ?? existing(folder, prefix + "features.tsv")
    guard let features else {
      throw OmicsError(
        file: folder, "has \(prefix)matrix.mtx but neither \(prefix)features.tsv[.gz] nor \(prefix)genes.tsv[.gz]")
    }
    guard let barcodes = existing(folder, prefix + "barcodes.tsv") else {
      throw OmicsError(file: folder, "has \(prefix)matrix.mtx but no \(prefix)barcodes.tsv[.gz]")
    }
    return MEXFiles(folder: folder, matrix: matrix, features: features, barcodes: barcodes, isLegacy: legacy != nil)
  }

  /// `folder/name.gz` or `folder/name`, whichever exists (gzip first).
  private static func existing(_ folder: String, _ name: String) -> String? {
    let base = (folder as NSString).appendingPathComponent(name)
    for candidate in [base + ".gz", base] {
      var isDirectory: ObjCBool = false
      if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
        return candidate
      }
    }
    return nil
  }

  private static func subfolders(_ folder: String) -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.sorted().compactMap { name in
      if name.hasPrefix(".") { return nil }
      let path = (folder as NSString).appendingPathComponent(name)
      var isDirectory: ObjCBool = false
      return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        ? path : nil
    }
  }
}
