import ArgumentParser
import OmicsCore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
  @Flag(name: .shortAndLong, help: "Print no progress bars or summaries.")
  var quiet = false

  /// Applies `--quiet` to the progress machinery.
  func apply() {
    ProgressBar.isEnabledGlobally = !quiet
  }
}

/// Runs a command body, turning any error into one line on standard error and exit code 1.
func runReportingErrors(_ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as OmicsError {
    StandardError.write("error: \(error.description)\n")
    throw ExitCode(1)
  } catch let error as ExitCode {
    throw error
  } catch {
    StandardError.write("error: \(error)\n")
    throw ExitCode(1)
  }
}
