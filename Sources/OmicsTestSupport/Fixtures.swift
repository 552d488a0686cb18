import Foundation

/// Paths to the repository's `Fixtures/` folder and to `../shared/data`, resolved from this file.
public enum FixturePaths {
  /// The repository root (the folder holding Package.swift).
  public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `Fixtures/<relative>`.
  public static func fixture(_ relative: String) -> String {
    repositoryRoot.appendingPathComponent("Fixtures").appendingPathComponent(relative).path
  }

  /// `../shared/data/<relative>` when the shared folder is present, else nil (tests skip with a message).
  public static func shared(_ relative: String) -> String? {
    let path = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
      .appendingPathComponent(relative).path
    return FileManager.default.fileExists(atPath: path) ? path : nil
  }

  /// A fresh empty temporary folder.
  public static func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "omics-test-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }
}
