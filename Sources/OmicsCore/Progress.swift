import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A progress bar on standard error, drawn only when standard error is a terminal and not silenced.
///
/// Cheap to call often: it redraws at most once per percent.
public final class ProgressBar: @unchecked Sendable {
  private let label: String
  private let total: Int
  private let enabled: Bool
  private var lastPercent = -1
  private var done = 0
  private let lock = NSLock()

  /// Set by the CLI's `--quiet`; when false no bar is ever drawn.
  nonisolated(unsafe) public static var isEnabledGlobally = true

  public init(_ label: String, total: Int) {
    self.label = label
    self.total = max(total, 1)
    self.enabled = ProgressBar.isEnabledGlobally && isatty(2) != 0
  }

  /// Adds `n` completed units (safe to call from several threads).
  public func advance(_ n: Int = 1) {
    lock.lock()
    defer { lock.unlock() }
    done += n
    draw(done)
  }

  /// Sets the number of completed units.
  public func update(_ completed: Int) {
    lock.lock()
    defer { lock.unlock() }
    draw(completed)
  }

  private func draw(_ completed: Int) {
    guard enabled else { return }
    let percent = min(100, completed * 100 / total)
    if percent == lastPercent { return }
    lastPercent = percent
    let width = 30
    let filled = percent * width / 100
    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    let line = "\r\(label) \(bar) \(percent)%"
    StandardError.write(line)
  }

  /// Clears the bar.
  public func finish() {
    guard enabled, lastPercent >= 0 else { return }
    StandardError.write("\r\u{1B}[2K")
  }
}

/// Unbuffered writes to standard error (file descriptor 2).
public enum StandardError {
  public static func write(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
  }

  /// Whether standard error is a terminal.
  public static var isTerminal: Bool { isatty(2) != 0 }
}
