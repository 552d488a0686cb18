// libFuzzer harness for the h5ad reader on corrupted copies of the fixtures. Built and run by
// `scripts/fuzz.sh --h5ad`; see Fuzz/README.md.
//
// Each input is a whole file (seeds are the h5ad fixtures; libFuzzer flips, inserts and truncates
// bytes). It is written to a temporary file and read with H5ADReader and H5ADInspector. Errors are
// expected and must be OmicsErrors naming the file; crashes and sanitizer reports are findings.

import Foundation
import OmicsCore
import OmicsIO

let path = NSTemporaryDirectory() + "omics-h5ad-fuzz-\(getpid()).h5ad"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
  let bytes = Data(bytes: data, count: size)
  guard FileManager.default.createFile(atPath: path, contents: bytes) else { return 0 }
  for read in [{ _ = try H5ADReader.read(path, showProgress: false) }, { _ = try H5ADInspector.summary(path) }] {
    do {
      try read()
    } catch let error as OmicsError {
      if !error.description.hasPrefix(path) { fatalError("FUZZ FINDING: error does not name the file: \(error)") }
    } catch {
      fatalError("FUZZ FINDING: non-OmicsError thrown: \(error)")
    }
  }
  return 0
}
