import Foundation

/// Runs the built `omics` executable and captures what it printed, for end-to-end CLI tests.
public enum CLIRunner {
  /// The result of one run.
  public struct Result: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
  }

  /// The `omics` binary next to the test bundle (SwiftPM builds every product before testing).
  public static var executable: URL {
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0])
    var dir = testBinary.deletingLastPathComponent()
    // xctest bundles live one level deeper on some layouts.
    for _ in 0..<3 {
      let candidate = dir.appendingPathComponent("omics")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return FixturePaths.repositoryRoot.appendingPathComponent(".build/debug/omics")
  }

  /// Runs `omics` with `arguments` in `directory` (the repository root by default).
  public static func run(_ arguments: [String], in directory: String? = nil) throws -> Result {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory ?? FixturePaths.repositoryRoot.path)
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }
}
