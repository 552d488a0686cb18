import Dispatch
import Foundation
import OmicsCore
import OmicsIO

/// A stored count value of any numeric type.
protocol CountValue {  // (rankInput: named to avoid clashing with other files' asDouble)
  var rankInput: Double { get }
  static var isInteger: Bool { get }
}
extension Float: CountValue {
  @inline(__always) var rankInput: Double { Double(self) }
  static var isInteger: Bool { false }
}
extension Double: CountValue {
  @inline(__always) var rankInput: Double { self }
  static var isInteger: Bool { false }
}
extension Int32: CountValue {
  @inline(__always) var rankInput: Double { Double(self) }
  static var isInteger: Bool { true }
}
extension Int64: CountValue {
  @inline(__always) var rankInput: Double { Double(self) }
  static var isInteger: Bool { true }
}
extension Int16: CountValue {
  @inline(__always) var rankInput: Double { Double(self) }
  static var isInteger: Bool { true }
}
extension UInt16: CountValue {
  @inline(__always) var rankInput: Double { Double(self) }
  static var isInteger: Bool { true }
}
extension UInt32: CountValue {
  @inline(__always) var rankInput: Double { Double(self) }
  static var isInteger: Bool { true }
}
extension UInt8: CountValue {
  @inline(__always) var rankInput: Double { Double(self) }
  static var isInteger: Bool { true }
}

/// Geneformer's `TranscriptomeTokenizer` (rank value encoding), streaming:
///
/// for each input file, for each cell with `filter_pass == 1` (all cells without that column):
/// gene ids are upper-cased and mapped through the mapping dictionary, counts of columns mapping to
/// one gene are summed, each expressed gene gets `count / n_counts × 10,000 / median` (float64),
/// genes are ordered by that value descending (ties: input column order) and their tokens kept —
/// V1: the top 2,048; V2: `<cls>`, the top 4,094, `<eos>`. Cells with no tokenizable gene are dropped.
///
/// The result is a Hugging Face `datasets` folder: `input_ids` (list of int16 for V1, int32 for V2),
/// the requested obs attributes, `length` (int64).
public final class TranscriptomeTokenizer {
  public let options: TokenizerOptions
  public let dictionaries: GeneformerDictionaries

  public init(options: TokenizerOptions) throws {
    self.options = options
    dictionaries = try GeneformerDictionaries(
      tokenDictionary: options.tokenDictionary, geneMedians: options.geneMedians, geneMapping: options.geneMapping)
    if options.version == .v2 {
      guard dictionaries.cls != nil, dictionaries.eos != nil else {
        throw OmicsError(file: options.tokenDictionary, "V2 needs <cls> and <eos> tokens, which this token dictionary lacks")
      }
    }
    if let s = options.inputSize, s < (options.version.usesSpecialTokens ? 3 : 1) {
      throw OmicsError("the model input size \(s) is too small")
    }
  }

  /// Arrow type of `input_ids`: int16 when the token dictionary's ids are numpy int16 (V1 pickles)
  /// or when V1 is asked for; int32 otherwise (what `datasets` stores for V2).
  var tokenType: ArrowType {
    options.version == .v1 || dictionaries.tokensAreInt16 ? .int16 : .int32
  }

  var maxGenes: Int {
    let size = options.inputSize ?? options.version.defaultInputSize
    return options.version.usesSpecialTokens ? size - 2 : size
  }

  /// Tokenizes `inputs` (cells in input order) into the dataset folder `output`.
  @discardableResult
  public func run(inputs: [String], output: String) throws -> TokenizeSummary {
    guard !inputs.isEmpty else { throw OmicsError("no input files") }
    if FileManager.default.fileExists(atPath: output) {
      throw OmicsError(file: output, "already exists; remove it or choose another --out")
    }
    var summary = TokenizeSummary()
    var writer: HFDatasetWriter?
    var attributeTypes: [ArrowType] = []
    let progress = RateProgress(enabled: options.showProgress)
    defer { progress.finish() }
    do {
      for path in inputs {
        let source = try CellRowSource(path: path, showProgress: options.showProgress)
        summary.files += 1
        let prepared = try prepare(source)
        if writer == nil {
          attributeTypes = prepared.attributes.map(\.arrowType)
          var fields = [ArrowField("input_ids", .list(tokenType))]
          for (a, t) in zip(options.attributes, attributeTypes) { fields.append(ArrowField(a.name, t)) }
          fields.append(ArrowField("length", .int64))
          writer = try HFDatasetWriter(destination: output, fields: fields, maxShardBytes: options.maxShardBytes)
        } else {
          for (i, a) in prepared.attributes.enumerated() where a.arrowType != attributeTypes[i] {
            throw OmicsError(
              file: path, location: "/obs/\(options.attributes[i].column)",
              "is \(a.arrowType.datasetsDType) here but \(attributeTypes[i].datasetsDType) in \(inputs[0])")
          }
        }
        guard let writer else { break }
        try tokenize(source, prepared, writer: writer, summary: &summary, progress: progress)
      }
      guard let writer else { throw OmicsError("no input files") }
      try writer.finish()
      summary.bytesWritten = writer.bytesWritten
      summary.arrowFiles = max(1, Int((Double(writer.bytesWritten) / Double(options.maxShardBytes)).rounded(.up)))
    } catch {
      writer?.abandon()
      throw error
    }
    if let files = try? FileManager.default.contentsOfDirectory(atPath: output) {
      summary.arrowFiles = files.filter { $0.hasSuffix(".arrow") }.count
    }
    return summary
  }

  struct Prepared {
    var plan: GenePlan
    var nCounts: [Double]
    var pass: [Bool]?
    var attributes: [CellAttributeValues]
  }

  func prepare(_ source: CellRowSource) throws -> Prepared {
    let path = source.path
    let ids: [String]
    if let column = options.geneIDColumn {
      guard source.variables.columns[column] != nil else {
        throw OmicsError(
          file: path, location: "/var/\(column)",
          "missing: the gene ids must be in var['\(column)'] (or use --gene-id-column / --use-var-index)")
      }
      guard let s = source.variables.strings(column) else {
        throw OmicsError(file: path, location: "/var/\(column)", "must hold strings (gene ids)")
      }
      ids = s.map { $0 ?? "" }
    } else {
      ids = source.variables.index
    }
    guard ids.count == source.cols else {
      throw OmicsError(file: path, location: "/var", "has \(ids.count) genes but X has \(source.cols) columns")
    }
    guard let nCounts = try ObsColumns.numbers(source.obs, "n_counts", file: path) else {
      throw OmicsError(file: path, location: "/obs/n_counts", "missing: Geneformer needs each cell's total count in obs['n_counts']")
    }
    guard nCounts.count == source.rows else {
      throw OmicsError(file: path, location: "/obs/n_counts", "has \(nCounts.count) values for \(source.rows) cells")
    }
    var pass: [Bool]?
    if let f = try ObsColumns.numbers(source.obs, "filter_pass", file: path) {
      guard f.count == source.rows else {
        throw OmicsError(file: path, location: "/obs/filter_pass", "has \(f.count) values for \(source.rows) cells")
      }
      pass = f.map { $0 == 1 }
    }
    for r in 0..<source.rows where pass?[r] ?? true {
      let n = nCounts[r]
      guard n.isFinite, n > 0 else {
        let name = r < source.obs.index.count ? source.obs.index[r] : "\(r)"
        throw OmicsError(file: path, location: "/obs/n_counts", "cell '\(name)' (row \(r + 1)) has n_counts \(n); it must be a positive number")
      }
    }
    var attributes: [CellAttributeValues] = []
    for a in options.attributes {
      guard let element = source.obs.columns[a.column] else {
        throw OmicsError(file: path, location: "/obs/\(a.column)", "missing: asked for with --attr")
      }
      guard element.length == source.rows else {
        throw OmicsError(file: path, location: "/obs/\(a.column)", "has \(element.length ?? 0) values for \(source.rows) cells")
      }
      attributes.append(try CellAttributeValues(element, file: path, column: a.column))
    }
    let plan = try GenePlan(ids: ids, dictionaries: dictionaries, stripVersion: options.stripVersion, file: path)
    return Prepared(plan: plan, nCounts: nCounts, pass: pass, attributes: attributes)
  }

  /// Per-chunk output of the kernel.
  final class ChunkResult {
    var tokens: [Int32] = []
    /// Tokens per row of the chunk; 0 = dropped (no gene), −1 = filtered out.
    var lengths: [Int32] = []
    var nonCount = 0
    var firstBad: (row: Int, column: Int, value: Double)?
  }

  func tokenize(
    _ source: CellRowSource, _ prepared: Prepared, writer: HFDatasetWriter, summary: inout TokenizeSummary,
    progress: RateProgress
  ) throws {
    let plan = prepared.plan
    summary.genesMapped += plan.mapped
    summary.genesUnmapped += plan.unmapped
    summary.genesCollapsed += plan.collapsed
    summary.duplicateIDs += plan.duplicates
    summary.versionsStripped += plan.stripped
    if plan.duplicates > 0 {
      summary.warnings.append(
        "\(source.path): \(plan.duplicates) duplicate gene id(s) (e.g. \(plan.duplicateExamples.joined(separator: ", "))) were summed")
    }
    let threads = options.threads > 0 ? options.threads : ProcessInfo.processInfo.activeProcessorCount
    // ≤ 100,000 cells per batch keeps list offsets (≤ 4,096 tokens per cell) inside Int32
    let batch = min(100_000, max(1, options.cellsPerBatch))
    progress.startFile(source.path, cells: source.rows)
    var start = 0
    while start < source.rows {
      let end = min(source.rows, start + batch)
      let (indices, values) = try source.block(start..<end)
      let results = try runKernel(source, prepared, rows: start..<end, indices: indices, values: values, threads: threads)
      // assemble
      var kept: [Int] = []
      kept.reserveCapacity(end - start)
      var offsets: [Int32] = [0]
      offsets.reserveCapacity(end - start + 1)
      var lengths: [Int64] = []
      lengths.reserveCapacity(end - start)
      let total = results.reduce(0) { $0 + $1.tokens.count }
      var ids32: [Int32] = []
      var ids16: [Int16] = []
      if tokenType == .int16 { ids16.reserveCapacity(total) } else { ids32.reserveCapacity(total) }
      var row = start
      for chunk in results {
        summary.nonCountValues += chunk.nonCount
        var p = 0
        for len in chunk.lengths {
          if len < 0 {
            summary.cellsFilteredOut += 1
          } else if len == 0 {
            summary.cellsEmpty += 1
          } else {
            kept.append(row)
            let n = Int(len)
            if tokenType == .int16 {
              for k in p..<(p + n) { ids16.append(Int16(truncatingIfNeeded: chunk.tokens[k])) }
            } else {
              ids32.append(contentsOf: chunk.tokens[p..<(p + n)])
            }
            p += n
            offsets.append(Int32(truncatingIfNeeded: Int(offsets[offsets.count - 1]) + n))
            lengths.append(Int64(n))
          }
          row += 1
        }
      }
      summary.cellsRead += end - start
      if !kept.isEmpty {
        let child: ArrowArrayData = tokenType == .int16
          ? .primitive(.int16(ids16), count: ids16.count) : .primitive(.int32(ids32), count: ids32.count)
        var columns = [ArrowArrayData.list(offsets: offsets, child: child)]
        for a in prepared.attributes { columns.append(a.gather(kept)) }
        columns.append(.primitive(.int64(lengths), count: lengths.count))
        try writer.write(columns: columns)
        summary.cellsKept += kept.count
        summary.tokensWritten += Int(offsets[offsets.count - 1])
      }
      progress.advance(end - start)
      start = end
    }
  }

  func runKernel(
    _ source: CellRowSource, _ prepared: Prepared, rows: Range<Int>, indices: [Int32], values: NumericArray,
    threads: Int
  ) throws -> [ChunkResult] {
    switch values {
    case .float32(let v): return try kernel(source, prepared, rows, indices, v, threads)
    case .float64(let v): return try kernel(source, prepared, rows, indices, v, threads)
    case .int32(let v): return try kernel(source, prepared, rows, indices, v, threads)
    case .int64(let v): return try kernel(source, prepared, rows, indices, v, threads)
    case .int16(let v): return try kernel(source, prepared, rows, indices, v, threads)
    case .uint16(let v): return try kernel(source, prepared, rows, indices, v, threads)
    case .uint32(let v): return try kernel(source, prepared, rows, indices, v, threads)
    case .uint8(let v): return try kernel(source, prepared, rows, indices, v, threads)
    default: return try kernel(source, prepared, rows, indices, values.doubles(), threads)
    }
  }

  func kernel<T: CountValue>(
    _ source: CellRowSource, _ prepared: Prepared, _ rows: Range<Int>, _ indices: [Int32], _ values: [T], _ threads: Int
  ) throws -> [ChunkResult] {
    let rowCount = rows.count
    let chunks = min(rowCount, max(1, threads * 4))
    let results = (0..<chunks).map { _ in ChunkResult() }
    let plan = prepared.plan
    let maxGenes = self.maxGenes
    let specials = options.version.usesSpecialTokens
    let cls = dictionaries.cls ?? 2, eos = dictionaries.eos ?? 3
    let base = Int(source.indptr[rows.lowerBound])
    let refuse = options.nonCounts == .refuse
    let nSlots = plan.slotToken.count
    indices.withUnsafeBufferPointer { idx in
      values.withUnsafeBufferPointer { val in
        plan.columnSlot.withUnsafeBufferPointer { colSlot in
          plan.slotToken.withUnsafeBufferPointer { slotToken in
            plan.slotMedian.withUnsafeBufferPointer { slotMedian in
              source.indptr.withUnsafeBufferPointer { indptr in
                prepared.nCounts.withUnsafeBufferPointer { nCounts in
                  DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let result = results[c]
                    let r0 = rows.lowerBound + rowCount * c / chunks
                    let r1 = rows.lowerBound + rowCount * (c + 1) / chunks
                    var maxRow = 0
                    var totalOut = 0
                    for r in r0..<r1 {
                      let n = Int(indptr[r + 1] - indptr[r])
                      maxRow = max(maxRow, n)
                      totalOut += min(n, maxGenes) + 2
                    }
                    result.tokens.reserveCapacity(totalOut)
                    result.lengths.reserveCapacity(r1 - r0)
                    var keys = [UInt64](repeating: 0, count: max(1, maxRow))
                    var toks = [Int32](repeating: 0, count: max(1, maxRow))
                    var acc: [Double] = []
                    var touched: [Int32] = []
                    var mark: [Bool] = []
                    var sorter = RankSorter()
                    keys.withUnsafeMutableBufferPointer { keysB in
                      toks.withUnsafeMutableBufferPointer { toksB in
                        guard let kp = keysB.baseAddress, let tp = toksB.baseAddress else { return }
                        for r in r0..<r1 {
                          if let pass = prepared.pass, !pass[r] {
                            result.lengths.append(-1)
                            continue
                          }
                          let lo = Int(indptr[r]) - base, hi = Int(indptr[r + 1]) - base
                          let nc = nCounts[r]
                          var n = 0
                          var sorted = true
                          var previous: Int32 = -1
                          if !plan.hasCollisions {
                            for k in lo..<hi {
                              let col = idx[k]
                              if col <= previous { sorted = false }
                              previous = col
                              let s = Int(colSlot[Int(col)])
                              if s < 0 { continue }
                              let v = val[k].rankInput
                              if v == 0 { continue }
                              if T.isInteger ? v < 0 : (v < 0 || v != v.rounded(.towardZero)) {
                                result.nonCount += 1
                                if result.firstBad == nil { result.firstBad = (r, Int(col), v) }
                                if refuse || v.isNaN { continue }
                              }
                              let x = v / nc * 10_000 / slotMedian[s]
                              kp[n] = RankSorter.descendingKey(x)
                              tp[n] = slotToken[s]
                              n += 1
                            }
                          }
                          if plan.hasCollisions || !sorted {
                            // sum columns that map to one gene; order ties by the gene's first column
                            if acc.isEmpty {
                              acc = [Double](repeating: 0, count: nSlots)
                              mark = [Bool](repeating: false, count: nSlots)
                            }
                            n = 0
                            touched.removeAll(keepingCapacity: true)
                            for k in lo..<hi {
                              let col = idx[k]
                              let s = Int(colSlot[Int(col)])
                              if s < 0 { continue }
                              let v = val[k].rankInput
                              if v == 0 { continue }
                              if T.isInteger ? v < 0 : (v < 0 || v != v.rounded(.towardZero)) {
                                result.nonCount += 1
                                if result.firstBad == nil { result.firstBad = (r, Int(col), v) }
                                if refuse || v.isNaN { continue }
                              }
                              if !mark[s] {
                                mark[s] = true
                                touched.append(Int32(s))
                              }
                              acc[s] += v
                            }
                            touched.sort()
                            for s32 in touched {
                              let s = Int(s32)
                              let v = acc[s]
                              acc[s] = 0
                              mark[s] = false
                              if v == 0 { continue }
                              let x = v / nc * 10_000 / slotMedian[s]
                              kp[n] = RankSorter.descendingKey(x)
                              tp[n] = slotToken[s]
                              n += 1
                            }
                          }
                          if n == 0 {
                            result.lengths.append(0)
                            continue
                          }
                          sorter.sort(keys: kp, tokens: tp, count: n)
                          let m = min(n, maxGenes)
                          if specials { result.tokens.append(cls) }
                          result.tokens.append(contentsOf: UnsafeBufferPointer(start: tp, count: m))
                          if specials { result.tokens.append(eos) }
                          result.lengths.append(Int32(m + (specials ? 2 : 0)))
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    if options.nonCounts == .refuse, let bad = results.lazy.compactMap(\.firstBad).first {
      let cell = bad.row < source.obs.index.count ? source.obs.index[bad.row] : "\(bad.row)"
      let gene = bad.column < source.variables.index.count ? source.variables.index[bad.column] : "\(bad.column)"
      throw OmicsError(
        file: source.path, location: "/X",
        "cell '\(cell)' (row \(bad.row + 1)), gene '\(gene)' has the value \(bad.value), which is not a raw count (negative or not a whole number); pass --non-counts warn to tokenize anyway")
    }
    return results
  }
}

/// A one-line progress display with cells/s, drawn on a terminal only.
final class RateProgress {
  let enabled: Bool
  var label = ""
  var total = 1
  var done = 0
  var allDone = 0
  let started = DispatchTime.now()
  var lastDraw = DispatchTime.now()

  init(enabled: Bool) { self.enabled = enabled && StandardError.isTerminal && ProgressBar.isEnabledGlobally }

  func startFile(_ path: String, cells: Int) {
    label = URL(fileURLWithPath: path).lastPathComponent
    total = max(1, cells)
    done = 0
  }

  func advance(_ n: Int) {
    done += n
    allDone += n
    guard enabled else { return }
    let now = DispatchTime.now()
    if now.uptimeNanoseconds - lastDraw.uptimeNanoseconds < 200_000_000 && done < total { return }
    lastDraw = now
    let seconds = max(1e-9, Double(now.uptimeNanoseconds - started.uptimeNanoseconds) / 1e9)
    let percent = min(100, done * 100 / total)
    let width = 30
    let filled = percent * width / 100
    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    StandardError.write("\r\u{1B}[2KTokenizing \(label) \(bar) \(percent)% \(allDone) cells, \(Int(Double(allDone) / seconds)) cells/s")
  }

  func finish() {
    if enabled { StandardError.write("\r\u{1B}[2K") }
  }
}
