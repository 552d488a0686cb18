import Foundation
import OmicsCore
import OmicsIO

/// Benchmark driver: `omics-bench read-h5ad FILE [--repeat N]` reads the whole h5ad file
/// (X, obs, var, …) and prints the best wall time in seconds and the in-memory size of X.
let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "read-dataset", arguments.count == 3 {
  // Times one dataset read: omics-bench read-dataset FILE /X/data
  let file = try HDF5File.open(arguments[arguments.startIndex + 1])
  var group = try file.root()
  let parts = arguments[arguments.startIndex + 2].split(separator: "/").map(String.init)
  for p in parts.dropLast() { group = try group.group(p) }
  let d = try group.dataset(parts.last!)
  var best = Double.infinity
  for _ in 0..<5 {
    let start = DispatchTime.now().uptimeNanoseconds
    let n = try d.readNumbers()
    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    precondition(n.count == d.count)
  }
  print(String(format: "seconds=%.4f", best))
  exit(0)
}
guard arguments.first == "read-h5ad", arguments.count >= 2 else {
  StandardError.write("usage: omics-bench read-h5ad FILE [--repeat N]\n")
  exit(2)
}
let path = arguments[arguments.startIndex + 1]
var repeats = 3
if let r = arguments.firstIndex(of: "--repeat"), r + 1 < arguments.endIndex, let n = Int(arguments[r + 1]) { repeats = n }
var best = Double.infinity
var bytes = 0
for _ in 0..<repeats {
  let start = DispatchTime.now().uptimeNanoseconds
  do {
    let m = try H5ADReader.read(path, showProgress: false)
    switch m.X {
    case .sparse(let s)?: bytes = s.byteCount
    case .dense(let d)?: bytes = d.values.byteCount
    case nil: bytes = 0
    }
  } catch {
    StandardError.write("error: \(error)\n")
    exit(1)
  }
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  best = min(best, seconds)
}
print(String(format: "seconds=%.4f bytes=%d", best, bytes))
