import Dispatch
import Foundation
import OmicsCore
import OmicsIO

/// Per-gene t-digests of the non-zero values of `count / n_counts × 10,000` over the cells that pass
/// the filter (`filter_pass == 1`, or all cells): what Geneformer's median dictionary summarises.
/// Sketches of shards merge into the sketch of their union; `medians()` exports the dictionary.
public struct GeneMedianSketch: Sendable {
  public var compression: Double
  /// Gene id → digest, in first-seen order.
  public private(set) var genes: [String] = []
  public private(set) var digests: [TDigest] = []
  private var position: [String: Int] = [:]
  public private(set) var cells = 0
  public private(set) var files = 0

  public init(compression: Double = 300) {
    self.compression = compression
  }

  mutating func slot(_ id: String) -> Int {
    if let p = position[id] { return p }
    position[id] = genes.count
    genes.append(id)
    digests.append(TDigest(compression: compression))
    return genes.count - 1
  }

  /// Options for reading inputs.
  public struct InputOptions: Sendable {
    /// var column with the gene ids; nil = var index.
    public var geneIDColumn: String?
    public var stripVersion: Bool
    public var threads: Int
    public var cellsPerBlock: Int
    public init(geneIDColumn: String? = "ensembl_id", stripVersion: Bool = false, threads: Int = 0, cellsPerBlock: Int = 2048) {
      self.geneIDColumn = geneIDColumn
      self.stripVersion = stripVersion
      self.threads = threads
      self.cellsPerBlock = cellsPerBlock
    }
  }

  /// Adds every cell of `path` (streamed in row blocks for h5ad CSR input).
  public mutating func add(file path: String, options: InputOptions = .init()) throws {
    let source = try CellRowSource(path: path, showProgress: false)
    let ids: [String]
    if let column = options.geneIDColumn {
      guard source.variables.columns[column] != nil, let s = source.variables.strings(column) else {
        throw OmicsError(file: path, location: "/var/\(column)", "missing: the gene ids must be in var['\(column)'] (or use --gene-id-column / --use-var-index)")
      }
      ids = s.map { $0 ?? "" }
    } else {
      ids = source.variables.index
    }
    guard let nCounts = try ObsColumns.numbers(source.obs, "n_counts", file: path) else {
      throw OmicsError(file: path, location: "/obs/n_counts", "missing: Geneformer needs each cell's total count in obs['n_counts']")
    }
    let pass = try ObsColumns.numbers(source.obs, "filter_pass", file: path)?.map { $0 == 1 }
    guard nCounts.count == source.rows, (pass?.count ?? source.rows) == source.rows else {
      throw OmicsError(file: path, location: "/obs", "n_counts/filter_pass lengths differ from the \(source.rows) cells")
    }
    for r in 0..<source.rows where pass?[r] ?? true {
      guard nCounts[r].isFinite, nCounts[r] > 0 else {
        let name = r < source.obs.index.count ? source.obs.index[r] : "\(r)"
        throw OmicsError(file: path, location: "/obs/n_counts", "cell '\(name)' (row \(r + 1)) has n_counts \(nCounts[r]); it must be a positive number")
      }
    }
    // column → digest slot (columns with one id share a slot: their values are pooled, not summed)
    var columnSlot = [Int](repeating: -1, count: source.cols)
    for (j, raw) in ids.enumerated() where j < source.cols {
      var id = raw
      if options.stripVersion, let dot = id.lastIndex(of: "."), id.hasPrefix("ENS"),
        id[id.index(after: dot)...].allSatisfy(\.isNumber), !id[id.index(after: dot)...].isEmpty
      {
        id = String(id[..<dot])
      }
      if id.isEmpty { continue }
      columnSlot[j] = slot(id)
    }
    let threads = options.threads > 0 ? options.threads : ProcessInfo.processInfo.activeProcessorCount
    var start = 0
    while start < source.rows {
      let end = min(source.rows, start + max(1, options.cellsPerBlock))
      let (indices, numbers) = try source.block(start..<end)
      let values = numbers.doubles()
      let base = Int(source.indptr[start])
      // each worker owns the digests with slot % workers == w
      digests.withUnsafeMutableBufferPointer { d in
        DispatchQueue.concurrentPerform(iterations: threads) { w in
          for r in start..<end where pass?[r] ?? true {
            let nc = nCounts[r]
            for k in (Int(source.indptr[r]) - base)..<(Int(source.indptr[r + 1]) - base) {
              let s = columnSlot[Int(indices[k])]
              if s < 0 || s % threads != w { continue }
              let v = values[k]
              if v == 0 || v.isNaN { continue }
              d[s].add(v / nc * 10_000)
            }
          }
        }
      }
      start = end
    }
    cells += pass.map { $0.filter { $0 }.count } ?? source.rows
    files += 1
  }

  /// Merges another sketch (genes matched by id).
  public mutating func merge(_ other: GeneMedianSketch) {
    for (id, digest) in zip(other.genes, other.digests) {
      let s = slot(id)
      digests[s].merge(digest)
    }
    cells += other.cells
    files += other.files
  }

  /// (gene, median, non-zero count) for genes with at least `minimumCount` non-zero values, in first-seen order.
  public mutating func medians(minimumCount: Int = 1) -> [(gene: String, median: Double, count: Int)] {
    var out: [(String, Double, Int)] = []
    for i in digests.indices {
      digests[i].flush()
      let n = Int(digests[i].count)
      guard n >= max(1, minimumCount), let m = digests[i].quantile(0.5) else { continue }
      out.append((genes[i], m, n))
    }
    return out
  }

  // MARK: - file format

  static let magic = Array("OMTDIGST".utf8)

  /// Writes the sketch (little-endian binary: magic, version 1, compression, cells, files, genes with
  /// min/max and centroids) atomically.
  public mutating func write(to path: String) throws {
    var out: [UInt8] = Self.magic
    func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
    func f64(_ v: Double) { u64(v.bitPattern) }
    u32(1)
    f64(compression)
    u64(UInt64(cells))
    u64(UInt64(files))
    u32(UInt32(genes.count))
    for i in digests.indices {
      digests[i].flush()
      let id = Array(genes[i].utf8)
      u32(UInt32(id.count))
      out.append(contentsOf: id)
      f64(digests[i].minimum)
      f64(digests[i].maximum)
      u32(UInt32(digests[i].means.count))
      for m in digests[i].means { f64(m) }
      for w in digests[i].weights { f64(w) }
    }
    try AtomicFileWriter.write(Data(out), to: path)
  }

  /// Reads a sketch written by `write(to:)`.
  public static func read(_ path: String) throws -> GeneMedianSketch {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw OmicsError(file: path, "cannot read the file (missing or not readable)")
    }
    let b = [UInt8](data)
    var p = 0
    func fail(_ m: String) -> OmicsError { OmicsError(file: path, location: "byte \(p)", m) }
    func need(_ n: Int) throws { guard n >= 0, p + n <= b.count else { throw fail("truncated sketch") } }
    func u32() throws -> UInt32 {
      try need(4)
      var v: UInt32 = 0
      for i in 0..<4 { v |= UInt32(b[p + i]) << (8 * UInt32(i)) }
      p += 4
      return v
    }
    func u64() throws -> UInt64 {
      try need(8)
      var v: UInt64 = 0
      for i in 0..<8 { v |= UInt64(b[p + i]) << (8 * UInt64(i)) }
      p += 8
      return v
    }
    func f64() throws -> Double { Double(bitPattern: try u64()) }
    guard b.count >= 8, Array(b[0..<8]) == magic else { throw OmicsError(file: path, "not an omics median sketch (bad magic)") }
    p = 8
    let version = try u32()
    guard version == 1 else { throw fail("unsupported sketch version \(version)") }
    let compression = try f64()
    guard compression.isFinite, compression >= 10 else { throw fail("bad compression \(compression)") }
    var sketch = GeneMedianSketch(compression: compression)
    let cells = try u64()
    let files = try u64()
    let n = Int(try u32())
    for _ in 0..<n {
      let len = Int(try u32())
      try need(len)
      let id = String(decoding: b[p..<(p + len)], as: UTF8.self)
      p += len
      let lo = try f64(), hi = try f64()
      let k = Int(try u32())
      try need(16 * k)
      var means: [Double] = []
      var weights: [Double] = []
      means.reserveCapacity(k)
      weights.reserveCapacity(k)
      for _ in 0..<k { means.append(try f64()) }
      for _ in 0..<k { weights.append(try f64()) }
      for i in 0..<k {
        guard means[i].isFinite, weights[i] > 0, i == 0 || means[i] >= means[i - 1] else {
          throw fail("gene '\(id)': centroid \(i) is invalid (unsorted, non-finite or non-positive weight)")
        }
      }
      let s = sketch.slot(id)
      sketch.digests[s].merge(TDigest(compression: compression, means: means, weights: weights, minimum: lo, maximum: hi))
    }
    guard p == b.count else { throw fail("trailing bytes after the last gene") }
    sketch.cells = Int(clamping: cells)
    sketch.files = Int(clamping: files)
    return sketch
  }

  /// Writes the medians as TSV (`ensembl_id<TAB>nonzero_median`, shortest round-trip floats) or, for
  /// a `.pkl` path, as a pickled dict of Python floats that Geneformer loads.
  public mutating func export(to path: String, minimumCount: Int = 1) throws -> Int {
    let rows = medians(minimumCount: minimumCount)
    if path.lowercased().hasSuffix(".pkl") {
      try PickleWriter.writeDictionary(rows.map { ($0.gene, .float($0.median)) }, to: path)
    } else {
      var text = "ensembl_id\tnonzero_median\n"
      for r in rows { text += "\(r.gene)\t\(r.median)\n" }
      try AtomicFileWriter.write(Data(text.utf8), to: path)
    }
    return rows.count
  }
}
