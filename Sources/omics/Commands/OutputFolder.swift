import Foundation
import OmicsCore
import OmicsIO

/// Writes a command's finished output files into a folder with no partial result left on failure:
/// a new folder is assembled under a temporary name and renamed into place; into an existing folder
/// each file is written under a temporary name and renamed.
enum OutputFolder {
  /// Writes `files` (relative name, contents) into `path`.
  static func write(_ files: [(name: String, contents: String)], to path: String) throws {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    let existed = fm.fileExists(atPath: path, isDirectory: &isDirectory)
    if existed && !isDirectory.boolValue { throw OmicsError(file: path, "exists and is not a folder") }
    let target = existed ? path : AtomicFileWriter.temporaryPath(for: path)
    do {
      try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
      for (name, contents) in files {
        try AtomicFileWriter.write(Data(contents.utf8), to: (target as NSString).appendingPathComponent(name))
      }
      if !existed { try fm.moveItem(atPath: target, toPath: path) }
    } catch {
      if !existed { try? fm.removeItem(atPath: target) }
      throw error
    }
  }
}
