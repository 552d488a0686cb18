import OmicsCore
import Foundation

/// scanpy's `normalize_total` and `log1p`, on X in its stored layout (dense, CSR or CSC), in place.
///
///     var m = try H5ADReader.read("counts.h5ad")
///     let report = try Normalization.apply(&m, .init(targetSum: 1e4, log1p: true))
///
/// Sums are accumulated in Double; values keep X's float type (integers become float32, as scanpy).
/// Results equal scanpy's within float32 rounding (≤ 1e-6 relative).
public enum Normalization {
  public struct Options: Sendable, Equatable {
    /// Total per cell after normalization; nil means the median of the cells' totals (zeros excluded).
    public var targetSum: Double?
    /// Whether to run normalize_total at all (`false` with `log1p` only log-transforms).
    public var normalizeTotal: Bool
    /// Leave out genes that make up more than `maxFraction` of any cell's total when computing totals.
    public var excludeHighlyExpressed: Bool
    public var maxFraction: Double
    /// Apply `log(1 + x)` afterwards.
    public var log1p: Bool
    /// Keep the input X in this layer.
    public var keepCounts: String?

    public init(
      targetSum: Double? = nil, normalizeTotal: Bool = true, excludeHighlyExpressed: Bool = false,
      maxFraction: Double = 0.05, log1p: Bool = false, keepCounts: String? = nil
    ) {
      self.targetSum = targetSum
      self.normalizeTotal = normalizeTotal
      self.excludeHighlyExpressed = excludeHighlyExpressed
      self.maxFraction = maxFraction
      self.log1p = log1p
      self.keepCounts = keepCounts
    }
  }

  public struct Report: Sendable, Equatable {
    /// The total each cell was scaled to (nil without normalize_total).
    public var targetSum: Double?
    /// Genes left out of the totals by `excludeHighlyExpressed`.
    public var excludedGenes: Int = 0
  }

  public static func apply(_ m: inout ExpressionMatrix, _ options: Options) throws -> Report {
    guard let shape = m.X.map({ (rows: $0.rows, cols: $0.cols) }) else { throw OmicsError("the file has no X matrix") }
    if let name = options.keepCounts {
      if m.layers[name] != nil { throw OmicsError("layer '\(name)' already exists; choose another --keep-counts name") }
      m.layers[name] = m.X
    }
    var report = Report()
    // take the values out of X so that they are the only reference and change in place (no copy)
    var values = Stored(m.X!)
    m.X = nil
    let rows = shape.rows, cols = shape.cols

    if options.normalizeTotal {
      var sums = values.rowSums(rows: rows, cols: cols, excluding: nil)
      for (r, s) in sums.enumerated() where !s.isFinite {
        throw OmicsError("X holds a NaN or infinite value in obs '\(m.obs.index[r])'; normalize needs finite numbers")
      }
      if options.excludeHighlyExpressed {
        let excluded = values.highlyExpressed(rows: rows, cols: cols, sums: sums, fraction: options.maxFraction)
        report.excludedGenes = excluded.lazy.filter { $0 }.count
        sums = values.rowSums(rows: rows, cols: cols, excluding: excluded)
      }
      let target: Double
      if let t = options.targetSum {
        target = t
      } else {
        var positive = sums.filter { $0 > 0 }
        target = positive.isEmpty ? 0 : positive.withUnsafeMutableBufferPointer { b in
          guard let base = b.baseAddress else { return 0 }
          return Selection.median(base, b.count)
        }
      }
      report.targetSum = target
      // scanpy: counts / target, zeros replaced by 1, then X /= counts
      let factors = sums.map { s -> Double in
        let c = s / target
        return c == 0 ? 1 : 1 / c
      }
      values.scaleRows(factors, rows: rows, cols: cols)
    }
    if options.log1p {
      values.log1p()
      m.uns["log1p"] = .dict(["base": .null])
    }
    m.X = values.matrix
    return report
  }
}

/// X's values as a mutable float array in its layout.
struct Stored {
  enum Values {
    case float32([Float])
    case float64([Double])
  }
  var values: Values
  var layout: Layout
  enum Layout {
    case dense(shape: [Int])
    case sparse(SparseMatrix)  // structure only; data replaced by `values`
  }

  init(_ matrix: Matrix) {
    func floatValues(_ n: NumericArray) -> Values {
      switch n {
      case .float64(let a): return .float64(a)
      case .float32(let a): return .float32(a)
      default: return .float32(n.floats())
      }
    }
    switch matrix {
    case .dense(let d):
      values = floatValues(d.values)
      layout = .dense(shape: d.shape)
    case .sparse(var s):
      values = floatValues(s.data)
      s.data = .float32([])
      layout = .sparse(s)
    }
  }

  var matrix: Matrix {
    let data: NumericArray
    switch values {
    case .float32(let a): data = .float32(a)
    case .float64(let a): data = .float64(a)
    }
    switch layout {
    case .dense(let shape): return .dense(DenseArray(shape: shape, values: data))
    case .sparse(var s):
      s.data = data
      return .sparse(s)
    }
  }

  /// Visits every stored value with its row and column, read-only.
  func forEach(rows: Int, cols: Int, _ body: (Int, Int, Double) -> Void) {
    func run<T: DoubleReadable>(_ p: UnsafeBufferPointer<T>) {
      switch layout {
      case .dense:
        for r in 0..<rows { for c in 0..<cols { body(r, c, p[r * cols + c].asDouble) } }
      case .sparse(let s):
        for major in 0..<s.majorCount {
          for k in Int(s.indptr[major])..<Int(s.indptr[major + 1]) {
            let minor = Int(s.indices[k])
            if s.layout == .csr { body(major, minor, p[k].asDouble) } else { body(minor, major, p[k].asDouble) }
          }
        }
      }
    }
    switch values {
    case .float32(let a): a.withUnsafeBufferPointer { run($0) }
    case .float64(let a): a.withUnsafeBufferPointer { run($0) }
    }
  }

  func rowSums(rows: Int, cols: Int, excluding: [Bool]?) -> [Double] {
    var sums = [Double](repeating: 0, count: rows)
    // the common case (CSR or dense, nothing excluded): rows in parallel, no closure per value
    if excluding == nil, let fast = parallelRowSums(rows: rows, cols: cols) { return fast }
    sums.withUnsafeMutableBufferPointer { s in
      if let excluding {
        forEach(rows: rows, cols: cols) { r, c, v in if !excluding[c] { s[r] += v } }
      } else {
        forEach(rows: rows, cols: cols) { r, _, v in s[r] += v }
      }
    }
    return sums
  }

  /// Row sums of CSR or dense values on all cores; nil for CSC.
  func parallelRowSums(rows: Int, cols: Int) -> [Double]? {
    var sums = [Double](repeating: 0, count: rows)
    func run<T: DoubleReadable>(_ p: UnsafeBufferPointer<T>) -> Bool {
      switch layout {
      case .dense:
        sums.withUnsafeMutableBufferPointer { s in
          let sb = s.baseAddress!
          Parallel.forEachChunk(rows, minimumPerChunk: 256) { range in
            for r in range {
              var t = 0.0
              for c in 0..<cols { t += p[r * cols + c].asDouble }
              sb[r] = t
            }
          }
        }
        return true
      case .sparse(let m):
        guard m.layout == .csr else { return false }
        m.indptr.withUnsafeBufferPointer { indptr in
          sums.withUnsafeMutableBufferPointer { s in
            let sb = s.baseAddress!
            Parallel.forEachChunk(rows, minimumPerChunk: 256) { range in
              for r in range {
                var t = 0.0
                for k in Int(indptr[r])..<Int(indptr[r + 1]) { t += p[k].asDouble }
                sb[r] = t
              }
            }
          }
        }
        return true
      }
    }
    let done: Bool
    switch values {
    case .float32(let a): done = a.withUnsafeBufferPointer { run($0) }
    case .float64(let a): done = a.withUnsafeBufferPointer { run($0) }
    }
    return done ? sums : nil
  }

  /// Genes with a value above `fraction` of its cell's total in any cell (scanpy's exclude_highly_expressed).
  func highlyExpressed(rows: Int, cols: Int, sums: [Double], fraction: Double) -> [Bool] {
    var out = [Bool](repeating: false, count: cols)
    // scanpy compares in X's dtype: float32 data against float32(total) * fraction
    let isFloat32: Bool
    if case .float32 = values { isFloat32 = true } else { isFloat32 = false }
    forEach(rows: rows, cols: cols) { r, c, v in
      let limit = isFloat32 ? Double(Float(sums[r]) * Float(fraction)) : sums[r] * fraction
      if v > limit { out[c] = true }
    }
    return out
  }

  mutating func scaleRows(_ factors: [Double], rows: Int, cols: Int) {
    let layout = self.layout
    func run<T: BinaryFloatingPoint>(_ a: inout [T]) {
      a.withUnsafeMutableBufferPointer { b in
        guard let base = b.baseAddress else { return }
        switch layout {
        case .dense:
          Parallel.forEachChunk(rows, minimumPerChunk: max(1, 16384 / max(cols, 1))) { range in
            for r in range {
              let f = T(factors[r])
              let row = base + r * cols
              for c in 0..<cols { row[c] *= f }
            }
          }
        case .sparse(let s):
          s.indptr.withUnsafeBufferPointer { indptr in
            s.indices.withUnsafeBufferPointer { indices in
              Parallel.forEachChunk(s.majorCount, minimumPerChunk: 256) { range in
                for major in range {
                  let lo = Int(indptr[major]), hi = Int(indptr[major + 1])
                  if s.layout == .csr {
                    let f = T(factors[major])
                    for k in lo..<hi { base[k] *= f }
                  } else {
                    for k in lo..<hi { base[k] *= T(factors[Int(indices[k])]) }
                  }
                }
              }
            }
          }
        }
      }
    }
    switch values {
    case .float32(var a):
      values = .float32([])
      run(&a)
      values = .float32(a)
    case .float64(var a):
      values = .float64([])
      run(&a)
      values = .float64(a)
    }
  }

  mutating func log1p() {
    switch values {
    case .float32(var a):
      values = .float32([])
      a.withUnsafeMutableBufferPointer { b in
        guard let base = b.baseAddress else { return }
        Parallel.forEachChunk(b.count, minimumPerChunk: 65536) { range in
          FastLog1p.apply(base + range.lowerBound, range.count)
        }
      }
      values = .float32(a)
    case .float64(var a):
      values = .float64([])
      a.withUnsafeMutableBufferPointer { b in
        guard let base = b.baseAddress else { return }
        Parallel.forEachChunk(b.count, minimumPerChunk: 65536) { range in
          for i in range { base[i] = Foundation.log1p(base[i]) }
        }
      }
      values = .float64(a)
    }
  }
}
