// libFuzzer harness for the omics text parsers. Built and run by scripts/fuzz.sh; see Fuzz/README.md.
//
// The first input byte picks a parser (modulo the number of targets); the rest is the file content.
// Errors are expected; crashes, sanitizer reports and broken invariants are findings. For the gene-set
// readers the harness also checks that every thrown error is an OmicsError naming the file, that
// ranked lists are sorted with finite, unique entries, and that GMT text written by GMTWriter reads
// back to the same sets.
//
// Optional targets are compiled in only when scripts/fuzz.sh finds their readers in the tree:
// FUZZ_MATRIX_MARKET, FUZZ_GEO (series matrix + SOFT), FUZZ_DELIMITED.

import Foundation
import OmicsCore
import OmicsIO

enum FuzzTarget: CaseIterable {
  case gmt, gmtRoundTrip, gmx, grp, rnk, rnkLenient, msigdbJSON, gunzip
  #if FUZZ_MATRIX_MARKET
    case matrixMarket, matrixMarketParallelTransposed
  #endif
  #if FUZZ_GEO
    case geoSeriesMatrix, soft
  #endif
  #if FUZZ_DELIMITED
    case delimited
  #endif

  static func from(_ byte: UInt8) -> FuzzTarget {
    let all = FuzzTarget.allCases
    return all[Int(byte) % all.count]
  }
}

/// Stops the fuzzer with a message (an invariant broke).
func finding(_ message: String) -> Never {
  fatalError("FUZZ FINDING: \(message)")
}

/// Runs a gene-set reader; any error must be an OmicsError that names the file.
func expectOmicsError<T>(_ name: String, _ body: () throws -> T) -> T? {
  do {
    return try body()
  } catch let error as OmicsError {
    if error.file != name { finding("error does not name the file \(name): \(error)") }
    return nil
  } catch {
    finding("non-OmicsError thrown: \(error)")
  }
}

/// Runs another reader; errors of any type are fine (we only look for crashes).
func ignoringErrors<T>(_ body: () throws -> T) {
  _ = try? body()
}

func checkRankedList(_ list: RankedList) {
  var seen = Set<String>()
  for (index, entry) in list.enumerated() {
    if !entry.score.isFinite { finding("non-finite score for \(entry.gene)") }
    if !seen.insert(entry.gene).inserted { finding("repeated gene \(entry.gene)") }
    if index > 0 && list.scores[index - 1] < entry.score { finding("ranked list not sorted at \(index)") }
    if list.rank(of: entry.gene) != index { finding("rank(of:) disagrees for \(entry.gene)") }
  }
}

func checkGMTRoundTrip(_ sets: GeneSetCollection, options: GeneSetReadOptions) {
  guard let text = try? GMTWriter.encode(sets) else { return }
  guard let back = expectOmicsError("roundtrip.gmt", { try GMTReader.parse(TextFile(name: "roundtrip.gmt", text: text), options: options) })
  else { finding("GMTWriter output does not parse:\n\(text)") }
  if back.names != sets.names { finding("round trip changed names: \(sets.names) -> \(back.names)") }
  for (a, b) in zip(sets, back) where a.genes != b.genes || a.weights != b.weights {
    finding("round trip changed set \(a.name): \(a.genes) \(String(describing: a.weights)) -> \(b.genes) \(String(describing: b.weights))")
  }
}

func fuzzOne(_ target: FuzzTarget, _ body: Data) {
  switch target {
  case .gmt:
    let name = "f.gmt"
    if let sets = expectOmicsError(name, { try GMTReader.parse(TextFile(name: name, contents: body)) }) {
      for set in sets where set.weights.map({ $0.count != set.genes.count }) ?? false { finding("weights misaligned") }
      checkGMTRoundTrip(sets, options: GeneSetReadOptions())
    }
  case .gmtRoundTrip:
    let name = "g.gmt"
    let options = GeneSetReadOptions(duplicateSetNames: .rename, parseWeights: true, uppercaseGenes: true)
    if let sets = expectOmicsError(name, { try GMTReader.parse(TextFile(name: name, contents: body), options: options) }) {
      if Set(sets.names).count != sets.count { finding("rename left repeated names") }
      checkGMTRoundTrip(sets, options: options)
    }
    let merge = GeneSetReadOptions(duplicateSetNames: .merge, parseWeights: false)
    _ = expectOmicsError(name, { try GMTReader.parse(TextFile(name: name, contents: body), options: merge) })
    _ = expectOmicsError(name, { try GMTReader.parse(TextFile(name: name, contents: body), options: .init(duplicateSetNames: .error)) })
  case .gmx:
    let name = "f.gmx"
    if let sets = expectOmicsError(name, { try GMXReader.parse(TextFile(name: name, contents: body)) }) {
      checkGMTRoundTrip(sets, options: GeneSetReadOptions())
    }
  case .grp:
    let name = "dir/SET.grp"
    _ = expectOmicsError(name, { try GRPReader.parse(TextFile(name: name, contents: body)) })
    _ = expectOmicsError(name, { try GRPReader.parse(TextFile(name: name, contents: body), naming: .headerComment) })
  case .rnk:
    let name = "f.rnk"
    if let list = expectOmicsError(name, { try RNKReader.parse(TextFile(name: name, contents: body)) }) {
      checkRankedList(list)
    }
  case .rnkLenient:
    let name = "g.rnk"
    for policy in [RNKReader.DuplicateGenePolicy.keepFirst, .keepHighest] {
      let options = RNKReader.Options(duplicateGenes: policy, nonFiniteScores: .skip)
      if let list = expectOmicsError(name, { try RNKReader.parse(TextFile(name: name, contents: body), options: options) }) {
        checkRankedList(list)
      }
    }
  case .msigdbJSON:
    let name = "f.json"
    if let sets = expectOmicsError(name, { try MSigDBJSONReader.parse(TextFile(name: name, contents: body)) }) {
      checkGMTRoundTrip(sets, options: GeneSetReadOptions())
    }
  case .gunzip:
    ignoringErrors { try Gunzip.inflate(body, file: "f.gz") }
    ignoringErrors { try Gunzip.inflate(body, file: "f.z", zlibHeader: true) }
  #if FUZZ_MATRIX_MARKET
    case .matrixMarket:
      ignoringErrors { try MatrixMarketReader.parse(TextFile(name: "f.mtx", contents: body), options: .init(parallel: false)) }
    case .matrixMarketParallelTransposed:
      ignoringErrors {
        try MatrixMarketReader.parseSparse(
          TextFile(name: "f.mtx", contents: body), options: .init(precision: .float64, transpose: true, parallel: true))
      }
  #endif
  #if FUZZ_GEO
    case .geoSeriesMatrix:
      ignoringErrors { try GEOSeriesMatrixReader.parse(TextFile(name: "f_series_matrix.txt", contents: body)) }
    case .soft:
      ignoringErrors { try SOFTReader.parse(TextFile(name: "f.soft", contents: body)) }
  #endif
  #if FUZZ_DELIMITED
    case .delimited:
      ignoringErrors { try DelimitedMatrixReader.parse(TextFile(name: "f.txt", contents: body)) }
  #endif
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size > 0 else { return 0 }
  let target = FuzzTarget.from(data[0])
  fuzzOne(target, Data(bytes: data + 1, count: size - 1))
  return 0
}
