/// An error caused by input data or the environment, reported to the user in one line.
///
/// Every error names the file it concerns and, where known, the place inside it: an HDF5 element path
/// (`/obs/cell_type/codes`) or a line number (`line 12`). The CLI prints `description` and exits non-zero.
public struct OmicsError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The file (or folder) the error is about; empty when no file is involved.
  public var file: String
  /// Where inside the file: an element path, `line N`, or empty.
  public var location: String
  /// What went wrong, and what was expected.
  public var message: String

  public init(file: String = "", location: String = "", _ message: String) {
    self.file = file
    self.location = location
    self.message = message
  }

  /// A line-located error (1-based line numbers).
  public static func line(_ line: Int, file: String, _ message: String) -> OmicsError {
    OmicsError(file: file, location: "line \(line)", message)
  }

  /// Fills in the file name if the error does not already carry one.
  public func inFile(_ name: String) -> OmicsError {
    var copy = self
    if copy.file.isEmpty { copy.file = name }
    return copy
  }

  public var description: String {
    var parts: [String] = []
    if !file.isEmpty { parts.append(file) }
    if !location.isEmpty { parts.append(location) }
    parts.append(message)
    return parts.joined(separator: ": ")
  }
}
