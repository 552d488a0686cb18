import Foundation
import OmicsCore
import OmicsIO

/// The MAD gene filter on an h5ad file whose dense X need not fit in memory: one pass over column
/// blocks computes every gene's MAD, a second pass copies the kept columns block by block into the
/// output. Memory: obs/var/uns and the other small slots, plus three blocks of rows × width
/// doubles (width chosen so a block is about `blockBytes`, 32 MiB by default) — never X. Gives exactly the genes and MADs of the in-memory filter.
public enum StreamingMADFilter {
  public struct Report: Sendable, Equatable {
    public var cells = 0
    public var genesIn = 0
    public var genesKept = 0
    public var genes: [String] = []
    /// Scaled MAD per input gene.
    public var mads: [Double] = []
    public var kept: [Bool] = []
    public var threshold = 0.0
  }

  /// Why a file cannot be streamed (then the in-memory path applies).
  public static func unsupportedReason(_ path: String) throws -> String? {
    guard try H5ADDenseColumnReader.open(path) != nil else { return "X is not a dense matrix" }
    return nil
  }

  /// Filters `input` into `output`. Throws before writing anything when no gene is kept or a value
  /// is not finite.
  public static func run(
    input: String, output: String, rule: MADFilter.Rule, scale: Double = 1, blockBytes: Int = 32 << 20,
    progress: ProgressBar? = nil
  ) throws -> Report {
    guard let reader = try H5ADDenseColumnReader.open(input) else {
      throw OmicsError(file: input, "X is not a dense matrix; low-memory filtering streams dense X only")
    }
    let meta = try H5ADReader.read(input, showProgress: false, skippingX: true)
    guard meta.layers.isEmpty else {
      throw OmicsError(
        file: input, "has layers (\(meta.layers.keys.joined(separator: ", "))); low-memory filtering carries X only — drop the layers or filter in memory")
    }
    let rows = reader.rows, cols = reader.cols
    guard meta.nObs == rows, meta.nVars == cols else {
      throw OmicsError(file: input, location: "/X", "is \(rows) × \(cols) but obs × var is \(meta.nObs) × \(meta.nVars)")
    }
    // wide blocks make each strided hyperslab read longer (a contiguous row-major X is read in
    // row segments of `width` values)
    let width = max(1, min(max(cols, 1), max(64, blockBytes / max(1, rows * 8))))
    let block = UnsafeMutablePointer<Double>.allocate(capacity: max(1, rows * width))
    defer { block.deallocate() }
    let columns = UnsafeMutablePointer<Double>.allocate(capacity: max(1, rows * width))
    defer { columns.deallocate() }

    // pass 1: MADs
    var mads = [Double](repeating: .nan, count: cols)
    progress?.update(0)
    var c0 = 0
    while c0 < cols {
      let c1 = min(cols, c0 + width)
      try reader.readColumns(c0..<c1, into: block)
      let w = c1 - c0
      transpose(block, rows: rows, cols: w, into: columns)
      var bad: (col: Int, row: Int)?
      let lock = NSLock()
      mads.withUnsafeMutableBufferPointer { out in
        let base = out.baseAddress!
        Parallel.forEachChunk(w) { range in
          for j in range {
            let column = columns + j * rows
            if let r = MADFilter.firstNonFinite(column, rows) {
              lock.lock()
              if bad == nil || c0 + j < bad!.col { bad = (c0 + j, r) }
              lock.unlock()
              continue
            }
            base[c0 + j] = MADFilter.mad(column, rows) * scale
          }
        }
      }
      if let bad {
        throw OmicsError(
          file: input, location: "/X",
          "holds a NaN or infinite value at obs '\(meta.obs.index[bad.row])', var '\(meta.var.index[bad.col])'; MAD filtering needs finite numbers")
      }
      c0 = c1
      progress?.update(c1)
    }
    let (kept, threshold) = MADFilter.select(mads, rule: rule)
    guard !kept.isEmpty else {
      throw OmicsError(file: input, "no genes pass the MAD filter (threshold \(threshold)); nothing written")
    }

    // pass 2: copy the kept columns, block by block of the input
    var annotated = meta
    annotated.var.columns["mad"] = .array(DenseArray(shape: [cols], values: .float64(mads)))
    var out = ExpressionMatrixSubset.selectingVars(annotated, kept)
    out.X = nil
    let outputScalar = reader.scalar
    let keptBlock = UnsafeMutablePointer<Double>.allocate(capacity: max(1, rows * width))
    defer { keptBlock.deallocate() }
    let stream = DenseMatrixStream(rows: rows, cols: kept.count, scalar: outputScalar, blockColumns: width) { writeColumns in
      var next = 0  // position in `kept`
      var outputColumn = 0
      var start = 0
      while next < kept.count {
        // input block containing kept[next]
        start = (kept[next] / width) * width
        let end = min(cols, start + width)
        try reader.readColumns(start..<end, into: block)
        var picked: [Int] = []
        while next < kept.count && kept[next] < end {
          picked.append(kept[next] - start)
          next += 1
        }
        let w = end - start
        for i in 0..<rows {
          let source = block + i * w
          let target = keptBlock + i * picked.count
          for (t, j) in picked.enumerated() { target[t] = source[j] }
        }
        try writeColumns(outputColumn..<(outputColumn + picked.count), keptBlock)
        outputColumn += picked.count
        progress?.update(cols + end)
      }
    }
    try H5ADWriter.write(out, streamingX: stream, to: output)
    var report = Report()
    report.cells = rows
    report.genesIn = cols
    report.genesKept = kept.count
    report.genes = meta.var.index
    report.mads = mads
    var flags = [Bool](repeating: false, count: cols)
    for j in kept { flags[j] = true }
    report.kept = flags
    report.threshold = threshold
    return report
  }

  /// Row-major rows × cols → column-major (each column contiguous).
  static func transpose(_ a: UnsafePointer<Double>, rows: Int, cols: Int, into b: UnsafeMutablePointer<Double>) {
    let tile = 32
    var i0 = 0
    while i0 < rows {
      let i1 = min(rows, i0 + tile)
      for j in 0..<cols {
        let column = b + j * rows
        for i in i0..<i1 { column[i] = a[i * cols + j] }
      }
      i0 = i1
    }
  }
}
