import Foundation
import OmicsCore

/// DeepProfile's gene filter: the median absolute deviation (MAD) of every gene over the samples,
/// `median(|x_g − median(x_g)|)`, computed exactly (zeros of sparse data included), and a rule that
/// keeps the most variable genes.
///
///     let mads = try MADFilter.mads(of: X)
///     let (kept, threshold) = MADFilter.select(mads, rule: .aboveMean)
///
/// The computation walks genes in blocks: each worker copies a block of columns into its own
/// column-major scratch buffer (rows × block width doubles) and selects medians in place, so
/// extra memory is bounded by the block width, not by the matrix.
public enum MADFilter {
  /// Which genes to keep.
  public enum Rule: Sendable, Equatable {
    /// Keep genes whose MAD is at least the mean of all MADs (DeepProfile's rule).
    case aboveMean
    /// Keep the `n` genes with the largest MAD (ties broken by gene order).
    case top(Int)
    /// Keep genes whose MAD is at least the value.
    case minimum(Double)
  }

  /// The constant that makes the MAD a consistent estimator of the standard deviation of normal data.
  public static let normalScale = 1.4826

  /// The MAD of every column (gene) of `matrix`. Throws on NaN or infinite values, naming the
  /// row and column (by position; callers add names).
  public static func mads(of matrix: Matrix, blockWidth: Int = 64) throws -> [Double] {
    let source = ColumnBlockSource(matrix)
    return try mads(source, blockWidth: blockWidth)
  }

  static func mads(_ source: ColumnBlockSource, blockWidth: Int) throws -> [Double] {
    let rows = source.rows, cols = source.cols
    var out = [Double](repeating: .nan, count: cols)
    guard cols > 0 else { return out }
    let width = max(1, blockWidth)
    let blocks = (cols + width - 1) / width
    let badLock = NSLock()
    var firstBad: (col: Int, row: Int)?
    out.withUnsafeMutableBufferPointer { result in
      let resultBase = result.baseAddress
      Parallel.forEachChunk(blocks) { blockRange in
        guard let resultBase else { return }
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: max(1, rows * width))
        defer { scratch.deallocate() }
        for block in blockRange {
          let c0 = block * width
          let c1 = min(cols, c0 + width)
          source.fill(c0..<c1, into: scratch)
          for j in 0..<(c1 - c0) {
            let column = scratch + j * rows
            if let badRow = firstNonFinite(column, rows) {
              badLock.lock()
              if firstBad == nil || c0 + j < firstBad?.col ?? Int.max { firstBad = (c0 + j, badRow) }
              badLock.unlock()
              continue
            }
            resultBase[c0 + j] = mad(column, rows)
          }
        }
      }
    }
    if let firstBad {
      throw NonFiniteValue(row: firstBad.row, column: firstBad.col)
    }
    return out
  }

  /// Thrown by `mads(of:)` for a NaN or infinite value; the caller turns it into an `OmicsError` with names.
  public struct NonFiniteValue: Error, Equatable {
    public var row: Int
    public var column: Int
  }

  @inline(__always)
  static func firstNonFinite(_ v: UnsafeMutablePointer<Double>, _ n: Int) -> Int? {
    var acc = 0.0
    for i in 0..<n { acc += v[i] * 0 }  // NaN or ±inf makes the sum NaN; vectorises
    guard acc.isNaN else { return nil }
    for i in 0..<n where !v[i].isFinite { return i }
    return nil
  }

  /// The MAD of `n` values, reordering them.
  @inline(__always)
  static func mad(_ v: UnsafeMutablePointer<Double>, _ n: Int) -> Double {
    if n == 0 { return .nan }
    let m = Selection.median(v, n)
    for i in 0..<n { v[i] = abs(v[i] - m) }
    return Selection.median(v, n)
  }

  /// The genes kept by `rule` (positions, increasing) and the threshold applied.
  public static func select(_ mads: [Double], rule: Rule) -> (kept: [Int], threshold: Double) {
    switch rule {
    case .aboveMean:
      // numpy's mean uses pairwise summation; a compensated sum agrees with it to the last bits
      let threshold = mads.isEmpty ? .nan : compensatedSum(mads) / Double(mads.count)
      return (mads.indices.filter { mads[$0] >= threshold }, threshold)
    case .minimum(let v):
      return (mads.indices.filter { mads[$0] >= v }, v)
    case .top(let n):
      let order = mads.indices.sorted { a, b in mads[a] != mads[b] ? mads[a] > mads[b] : a < b }
      let chosen = Array(order.prefix(max(0, n)))
      let threshold = chosen.last.map { mads[$0] } ?? .nan
      return (chosen.sorted(), threshold)
    }
  }

  static func compensatedSum(_ values: [Double]) -> Double {
    var sum = 0.0, c = 0.0
    for v in values {
      let y = v - c
      let t = sum + y
      c = (t - sum) - y
      sum = t
    }
    return sum
  }
}
