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
  private let loader: DictionaryLoader
  /// Set by `run` once the background load is done.
  private var loaded: GeneformerDictionaries?

  /// Checks the options and starts loading the dictionaries in the background (`run` opens the
  /// first input meanwhile); their errors are thrown by `dictionaries` and `run`.
  public init(options: TokenizerOptions) throws {
    self.options = options
    if let s = options.inputSize, s < (options.version.usesSpecialTokens ? 3 : 1) {
      throw OmicsError("the model input size \(s) is too small")
    }
    loader = DictionaryLoader(options)
  }

  /// The dictionaries (waits for the background load; rethrows its error).
  public var dictionaries: GeneformerDictionaries {
    get throws { try loader.wait() }
  }

  /// Loads and checks the dictionaries on a background thread.
  final class DictionaryLoader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<GeneformerDictionaries, Error>?
    private let lock = NSLock()

    init(_ options: TokenizerOptions) {
      Thread.detachNewThread { [self] in
        let r = Result {
          let d = try GeneformerDictionaries(
            tokenDictionary: options.tokenDictionary, geneMedians: options.geneMedians, geneMapping: options.geneMapping)
          if options.version == .v2 {
            guard d.cls != nil, d.eos != nil else {
              throw OmicsError(file: options.tokenDictionary, "V2 needs <cls> and <eos> tokens, which this token dictionary lacks")
            }
          }
          return d
        }
        lock.lock()
        result = r
        lock.unlock()
        done.signal()
      }
    }

    func wait() throws -> GeneformerDictionaries {
      lock.lock()
      if let result {
        lock.unlock()
        return try result.get()
      }
      lock.unlock()
      done.wait()
      done.signal()  // later callers pass straight through
      lock.lock()
      defer { lock.unlock() }
      guard let result else { throw OmicsError("the dictionaries were not loaded") }
      return try result.get()
    }
  }

  /// Arrow type of `input_ids`: int16 when the token dictionary's ids are numpy int16 (V1 pickles)
  /// or when V1 is asked for; int32 otherwise (what `datasets` stores for V2).
  var tokenType: ArrowType {
    options.version == .v1 || loaded?.tokensAreInt16 == true ? .int16 : .int32
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
        if loaded == nil { loaded = try dictionaries }
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

  /// One worker's memory, reused from block to block: the block's indices and values, per-cell
  /// scratch, the sorter and the block's output columns.
  final class Lane {
    let buffers = BlockBuffers()
    var keys: [UInt64] = []
    var toks: [Int32] = []
    var acc: [Double] = []
    var touched: [Int32] = []
    var mark: [Bool] = []
    var sorter = RankSorter()
    /// A cell's mapped, non-zero entries (column, value) before their keys are computed.
    private(set) var cellColumns = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    private(set) var cellValues = UnsafeMutablePointer<Double>.allocate(capacity: 1)
    private var cellCapacity = 1
    /// v / n_counts × 10,000 for v = 0..<64 (the current cell's).
    let quotients = UnsafeMutablePointer<Double>.allocate(capacity: 64)

    func reserveCell(_ n: Int) {
      guard n > cellCapacity else { return }
      cellColumns.deallocate()
      cellValues.deallocate()
      cellCapacity = n
      cellColumns = .allocate(capacity: n)
      cellValues = .allocate(capacity: n)
    }

    deinit {
      cellColumns.deallocate()
      cellValues.deallocate()
      quotients.deallocate()
    }
    // the block's output
    var tokens: [Int32] = []
    var offsets: [Int32] = []
    var lengths: [Int64] = []
    var kept: [Int] = []
    var filteredOut = 0
    var empty = 0
    var nonCount = 0
    var firstBad: (row: Int, column: Int, value: Double)?

    func reset() {
      tokens.removeAll(keepingCapacity: true)
      offsets.removeAll(keepingCapacity: true)
      offsets.append(0)
      lengths.removeAll(keepingCapacity: true)
      kept.removeAll(keepingCapacity: true)
      filteredOut = 0
      empty = 0
      nonCount = 0
      firstBad = nil
    }
  }

  /// Lookup tables of the kernel: column → slot + 1 (0 = not tokenized) and slot + 1 → token /
  /// median for the summing path; column → token (−1 = not tokenized) and median for the plain path
  /// (one load fewer per stored value).
  struct KernelTables {
    var columnSlot1: [Int32]
    var token1: [Int32]
    var median1: [Double]
    var columnToken: [Int32]
    var columnMedian: [Double]
    init(_ plan: GenePlan) {
      columnSlot1 = plan.columnSlot.map { $0 &+ 1 }
      token1 = [0] + plan.slotToken
      median1 = [1] + plan.slotMedian
      columnToken = plan.columnSlot.map { $0 < 0 ? -1 : plan.slotToken[Int($0)] }
      columnMedian = plan.columnSlot.map { $0 < 0 ? 1 : plan.slotMedian[Int($0)] }
    }
  }

  /// Blocks of `--cells-per-batch` rows go through `threads` lanes: each lane takes the next
  /// block, reads it into its own reused buffers, ranks its cells and builds the record batch's
  /// columns; batches are written in block order (a lane that finishes early waits for its turn).
  /// With direct (`pread`) reads nothing is serialised but the write, so reading, ranking and
  /// writing of different blocks overlap on all cores.
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
    let blocks = (source.rows + batch - 1) / batch
    let maxGenes = self.maxGenes
    let laneCount = max(1, min(threads, blocks))
    let lanes = (0..<laneCount).map { _ in Lane() }
    let tables = KernelTables(plan)
    let concurrentReads = source.concurrentReads
    let readLock = NSLock()
    let state = NSCondition()
    var nextBlock = 0
    var nextCommit = 0
    var failure: Error?
    let totals = SummaryBox(summary)

    func commit(_ lane: Lane, _ rows: Range<Int>) throws {
      if options.nonCounts == .refuse, let bad = lane.firstBad {
        let cell = bad.row < source.obs.index.count ? source.obs.index[bad.row] : "\(bad.row)"
        let gene = bad.column < source.variables.index.count ? source.variables.index[bad.column] : "\(bad.column)"
        throw OmicsError(
          file: source.path, location: "/X",
          "cell '\(cell)' (row \(bad.row + 1)), gene '\(gene)' has the value \(bad.value), which is not a raw count (negative or not a whole number); pass --non-counts warn to tokenize anyway")
      }
      if !lane.kept.isEmpty {
        let child: ArrowArrayData = tokenType == .int16
          ? .primitive(.int16(lane.tokens.map { Int16(truncatingIfNeeded: $0) }), count: lane.tokens.count)
          : .primitive(.int32(lane.tokens), count: lane.tokens.count)
        var columns = [ArrowArrayData.list(offsets: lane.offsets, child: child)]
        for a in prepared.attributes { columns.append(a.gather(lane.kept)) }
        columns.append(.primitive(.int64(lane.lengths), count: lane.lengths.count))
        try writer.write(columns: columns)
      }
      totals.value.nonCountValues += lane.nonCount
      totals.value.cellsFilteredOut += lane.filteredOut
      totals.value.cellsEmpty += lane.empty
      totals.value.cellsRead += rows.count
      totals.value.cellsKept += lane.kept.count
      totals.value.tokensWritten += lane.tokens.count
      progress.advance(rows.count)
    }

    DispatchQueue.concurrentPerform(iterations: laneCount) { l in
      let lane = lanes[l]
      while true {
        state.lock()
        guard failure == nil, nextBlock < blocks else {
          state.unlock()
          return
        }
        let b = nextBlock
        nextBlock += 1
        state.unlock()
        let rows = (b * batch)..<min(source.rows, (b + 1) * batch)
        var problem: Error?
        do {
          lane.reset()
          var outEstimate = 0
          for r in rows { outEstimate += min(Int(source.indptr[r + 1] - source.indptr[r]), maxGenes) + 2 }
          lane.tokens.reserveCapacity(outEstimate)
          // read and rank in pieces of ≤ 64 Ki stored values, so a piece is still in cache
          // when the kernel reads it (the record batch stays `batch` cells)
          var start = rows.lowerBound
          while start < rows.upperBound {
            var end = start + 1
            let limit = source.indptr[start] + 65_536
            while end < rows.upperBound && source.indptr[end + 1] <= limit { end += 1 }
            if !concurrentReads { readLock.lock() }
            let scalar: ScalarType
            do {
              defer { if !concurrentReads { readLock.unlock() } }
              scalar = try source.read(start..<end, into: lane.buffers)
            }
            rankBlock(source, prepared, tables, start..<end, scalar, lane)
            start = end
          }
        } catch {
          problem = error
        }
        state.lock()
        while nextCommit != b && failure == nil { state.wait() }
        if failure != nil {
          state.unlock()
          return
        }
        state.unlock()
        if problem == nil {
          do { try commit(lane, rows) } catch { problem = error }
        }
        state.lock()
        if let problem { failure = problem }
        nextCommit += 1
        state.broadcast()
        state.unlock()
      }
    }
    summary = totals.value
    if let failure { throw failure }
  }

  final class SummaryBox {
    var value: TokenizeSummary
    init(_ v: TokenizeSummary) { value = v }
  }

  func rankBlock(
    _ source: CellRowSource, _ prepared: Prepared, _ tables: KernelTables, _ rows: Range<Int>, _ scalar: ScalarType,
    _ lane: Lane
  ) {
    let raw = UnsafeRawPointer(lane.buffers.values)
    switch scalar {
    case .float32: kernel(source, prepared, tables, rows, raw.assumingMemoryBound(to: Float.self), lane)
    case .float64: kernel(source, prepared, tables, rows, raw.assumingMemoryBound(to: Double.self), lane)
    case .int32: kernel(source, prepared, tables, rows, raw.assumingMemoryBound(to: Int32.self), lane)
    case .int64: kernel(source, prepared, tables, rows, raw.assumingMemoryBound(to: Int64.self), lane)
    case .int16: kernel(source, prepared, tables, rows, raw.assumingMemoryBound(to: Int16.self), lane)
    case .uint16: kernel(source, prepared, tables, rows, raw.assumingMemoryBound(to: UInt16.self), lane)
    case .uint32: kernel(source, prepared, tables, rows, raw.assumingMemoryBound(to: UInt32.self), lane)
    case .uint8: kernel(source, prepared, tables, rows, raw.assumingMemoryBound(to: UInt8.self), lane)
    default: break  // not reached: CellRowSource.read converts other types to float64
    }
  }

  /// Whether a stored value is not a raw count (negative or not a whole number).
  @inline(__always)
  static func isNonCount<T: CountValue>(_ v: Double, _: T.Type) -> Bool {
    if T.isInteger { return v < 0 }
    // fast path: whole numbers below 2^52 (no libm call); anything else gets the exact test
    if v >= 0 && v < 4_503_599_627_370_496 && Double(Int64(v)) == v { return false }
    return v < 0 || v != v.rounded(.towardZero)
  }

  /// Ranks the cells of one block (rows of `source`, values at `val`) into the lane's output.
  func kernel<T: CountValue>(
    _ source: CellRowSource, _ prepared: Prepared, _ tables: KernelTables, _ rows: Range<Int>,
    _ val: UnsafePointer<T>, _ lane: Lane
  ) {
    let plan = prepared.plan
    let maxGenes = self.maxGenes
    let specials = options.version.usesSpecialTokens
    let cls = loaded?.cls ?? 2, eos = loaded?.eos ?? 3
    let refuse = options.nonCounts == .refuse
    let nSlots = plan.slotToken.count
    let idx = UnsafePointer(lane.buffers.indices)
    let indptr = source.indptr
    let base = Int(indptr[rows.lowerBound])
    var maxRow = 0
    for r in rows { maxRow = max(maxRow, Int(indptr[r + 1] - indptr[r])) }
    if lane.keys.count < maxRow {
      lane.keys = [UInt64](repeating: 0, count: maxRow)
      lane.toks = [Int32](repeating: 0, count: maxRow)
    }
    lane.reserveCell(maxRow)
    let cc = lane.cellColumns, cv = lane.cellValues
    let pass = prepared.pass
    var nonCount = 0
    var firstBad = lane.firstBad
    let qp = lane.quotients
    tables.columnSlot1.withUnsafeBufferPointer { colSlotB in
      tables.token1.withUnsafeBufferPointer { tokenB in
        tables.median1.withUnsafeBufferPointer { medianB in
          tables.columnToken.withUnsafeBufferPointer { colTokenB in
          tables.columnMedian.withUnsafeBufferPointer { colMedianB in
          prepared.nCounts.withUnsafeBufferPointer { nCounts in
            lane.keys.withUnsafeMutableBufferPointer { keysB in
              lane.toks.withUnsafeMutableBufferPointer { toksB in
                guard let colSlot = colSlotB.baseAddress, let slotToken = tokenB.baseAddress,
                  let slotMedian = medianB.baseAddress, let colToken = colTokenB.baseAddress,
                  let colMedian = colMedianB.baseAddress, let kp = keysB.baseAddress, let tp = toksB.baseAddress
                else { return }
                for r in rows {
                  if let pass, !pass[r] {
                    lane.filteredOut += 1
                    continue
                  }
                  let lo = Int(indptr[r]) - base, hi = Int(indptr[r + 1]) - base
                  let nc = nCounts[r]
                  var n = 0
                  var sorted = true
                  var previous: Int32 = -1
                  var cellNonCount = 0
                  var done = false
                  let table = hi - lo >= 256
                  if !plan.hasCollisions {
                    // v / nc × 10,000 for whole counts below 64, computed once per cell (same
                    // operations, so the same float64 results) when the row is long enough to
                    // pay for it; one division per value remains
                    if table { for j in 0..<64 { qp[j] = Double(j) / nc * 10_000 } }
                    // pass 1: the mapped, non-zero entries (branch-free compaction)
                    var unsorted: UInt8 = 0
                    var m = 0
                    for k in lo..<hi {
                      let col = idx[k]
                      unsorted |= col <= previous ? 1 : 0
                      previous = col
                      let token = colToken[Int(col)]
                      let v = val[k].rankInput
                      cc[m] = col
                      cv[m] = v
                      tp[m] = token
                      m &+= (token >= 0 ? 1 : 0) & (v != 0 ? 1 : 0)
                    }
                    // pass 2: keys; a cell with a value that may not be a count takes the exact path
                    if unsorted == 0 {
                      var suspicious: UInt8 = 0
                      for i in 0..<m {
                        let v = cv[i]
                        let small: Int
                        if T.isInteger {
                          suspicious |= v >= 0 ? 0 : 1
                          small = v >= 0 && v < 64 ? Int(v) : 64
                        } else {
                          let inRange = v >= 0 && v < 4_503_599_627_370_496
                          let j = Int64(inRange ? v : 0)
                          let whole = inRange && Double(j) == v
                          suspicious |= whole ? 0 : 1
                          small = whole && j < 64 ? Int(j) : 64
                        }
                        let q = table && small < 64 ? qp[small] : v / nc * 10_000
                        kp[i] = RankSorter.descendingKey(q / colMedian[Int(cc[i])])
                      }
                      if suspicious == 0 {
                        n = m
                        done = true
                      }
                    }
                    previous = -1
                  }
                  if !plan.hasCollisions && !done {
                    for k in lo..<hi {
                      let col = idx[k]
                      if col <= previous { sorted = false }
                      previous = col
                      let token = colToken[Int(col)]
                      let stored = val[k]
                      let v = stored.rankInput
                      // branch-free compaction: always write, advance only for a mapped, non-zero value
                      var keep = token >= 0 && v != 0
                      let whole: Bool
                      let small: Int
                      if T.isInteger {
                        whole = v >= 0
                        small = whole && v < 64 ? Int(v) : 64
                      } else {
                        let inRange = v >= 0 && v < 4_503_599_627_370_496
                        let i = Int64(inRange ? v : 0)
                        whole = inRange && Double(i) == v
                        small = whole && i < 64 ? Int(i) : 64
                      }
                      if keep && !whole && TranscriptomeTokenizer.isNonCount(v, T.self) {
                        cellNonCount += 1
                        if firstBad == nil { firstBad = (r, Int(col), v) }
                        if refuse || v.isNaN { keep = false }
                      }
                      let q = table && small < 64 ? qp[small] : v / nc * 10_000
                      let x = q / colMedian[Int(col)]
                      kp[n] = RankSorter.descendingKey(x)
                      tp[n] = token
                      n &+= keep ? 1 : 0
                    }
                  }
                  if plan.hasCollisions || !sorted {
                    // sum columns that map to one gene; order ties by the gene's first column
                    if lane.acc.isEmpty {
                      lane.acc = [Double](repeating: 0, count: nSlots)
                      lane.mark = [Bool](repeating: false, count: nSlots)
                    }
                    n = 0
                    cellNonCount = 0
                    lane.touched.removeAll(keepingCapacity: true)
                    for k in lo..<hi {
                      let col = idx[k]
                      let s1 = Int(colSlot[Int(col)])
                      if s1 == 0 { continue }
                      let s = s1 - 1
                      let v = val[k].rankInput
                      if v == 0 { continue }
                      if TranscriptomeTokenizer.isNonCount(v, T.self) {
                        cellNonCount += 1
                        if firstBad == nil { firstBad = (r, Int(col), v) }
                        if refuse || v.isNaN { continue }
                      }
                      if !lane.mark[s] {
                        lane.mark[s] = true
                        lane.touched.append(Int32(s))
                      }
                      lane.acc[s] += v
                    }
                    lane.touched.sort()
                    for s32 in lane.touched {
                      let s = Int(s32)
                      let v = lane.acc[s]
                      lane.acc[s] = 0
                      lane.mark[s] = false
                      if v == 0 { continue }
                      let x = v / nc * 10_000 / slotMedian[s + 1]
                      kp[n] = RankSorter.descendingKey(x)
                      tp[n] = slotToken[s + 1]
                      n += 1
                    }
                  }
                  nonCount &+= cellNonCount
                  if n == 0 {
                    lane.empty += 1
                    continue
                  }
                  lane.sorter.sort(keys: kp, tokens: tp, count: n)
                  let m = min(n, maxGenes)
                  if specials { lane.tokens.append(cls) }
                  lane.tokens.append(contentsOf: UnsafeBufferPointer(start: tp, count: m))
                  if specials { lane.tokens.append(eos) }
                  let length = m + (specials ? 2 : 0)
                  lane.offsets.append(Int32(truncatingIfNeeded: lane.tokens.count))
                  lane.lengths.append(Int64(length))
                  lane.kept.append(r)
                }
              }
            }
          }
          }
          }
        }
      }
    }
    lane.nonCount += nonCount
    lane.firstBad = firstBad
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
