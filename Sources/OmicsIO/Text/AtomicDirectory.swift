import Foundation
import OmicsCore

/// Builds an output folder under a temporary sibling name and renames it into place only when
/// everything in it was written, so a failed run leaves no folder (and an earlier one intact).
public enum AtomicDirectory {
  /// Runs `fill` with an empty temporary folder, then moves it to `path` (replacing one that
  /// exists); removes the temporary folder on any failure. Non-OmicsError failures become a
  /// one-line error naming `path`.
  public static func write(to path: String, _ fill: (String) throws -> Void) throws {
    let fm = FileManager.default
    let temporary = AtomicFileWriter.temporaryPath(for: path)
    try? fm.removeItem(atPath: temporary)
    do {
      try fm.createDirectory(atPath: temporary, withIntermediateDirectories: true)
      try fill(temporary)
      if fm.fileExists(atPath: path) { try fm.removeItem(atPath: path) }
      try fm.moveItem(atPath: temporary, toPath: path)
    } catch let error as OmicsError {
      try? fm.removeItem(atPath: temporary)
      throw error
    } catch {
      try? fm.removeItem(atPath: temporary)
      throw OmicsError(file: path, "cannot write the output folder: \(error.localizedDescription)")
    }
  }
}
