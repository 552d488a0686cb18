import Foundation
import OmicsCore

/// Writes an output file under a temporary name in the same folder and renames it into place on
/// success, so a failed run never leaves a half-written file.
public enum AtomicFileWriter {
  /// A temporary path next to `path` (same folder, so the rename is atomic).
  public static func temporaryPath(for path: String) -> String {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent().path
    return dir + "/." + url.lastPathComponent + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
  }

  /// Runs `write` with a temporary path, then renames it to `path`; removes the temporary on failure.
  public static func write<T>(to path: String, _ write: (String) throws -> T) throws -> T {
    let temporary = temporaryPath(for: path)
    do {
      let result = try write(temporary)
      if rename(temporary, path) != 0 {
        let reason = String(cString: strerror(errno))
        throw OmicsError(file: path, "cannot move the finished output into place: \(reason)")
      }
      return result
    } catch {
      unlink(temporary)
      throw error
    }
  }

  /// Writes bytes atomically.
  public static func write(_ data: Data, to path: String) throws {
    try write(to: path) { temporary in
      do { try data.write(to: URL(fileURLWithPath: temporary)) } catch {
        throw OmicsError(file: path, "cannot write: \(error.localizedDescription)")
      }
    }
  }
}
