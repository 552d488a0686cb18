import COpenBLAS
import Foundation
import OmicsCore

/// k-means with k-means++ initialisation (scikit-learn's greedy variant, 2 + ⌊ln k⌋ candidates per
/// centre) and Lloyd iterations whose distance computation is one BLAS matrix product per block of
/// points; assignment and centre updates run on all cores. Deterministic for a seed.
///
/// Convergence follows scikit-learn: stop when the labels no longer change, or when the summed
/// squared centre shift is at most `tolerance × mean(variance of each dimension)`; empty clusters are
/// re-seeded with the points farthest from their centres. The result with the lowest inertia over
/// `nInit` runs is kept.
public enum KMeans {
  public struct Options: Sendable, Equatable {
    public var k: Int
    public var nInit: Int = 1
    public var maxIterations: Int = 300
    public var tolerance: Double = 1e-4
    public var seed: UInt64 = 0
    public init(k: Int, nInit: Int = 1, maxIterations: Int = 300, tolerance: Double = 1e-4, seed: UInt64 = 0) {
      self.k = k
      self.nInit = nInit
      self.maxIterations = maxIterations
      self.tolerance = tolerance
      self.seed = seed
    }
  }

  public struct Result: Sendable {
    /// Cluster of each point, 0..<k.
    public var labels: [Int]
    /// Centres, k × d row-major.
    public var centers: [Double]
    /// Sum of squared distances of the points to their centres.
    public var inertia: Double
    /// Lloyd iterations of the kept run.
    public var iterations: Int
    /// Which of the `nInit` runs was kept (0-based).
    public var bestRun: Int
  }

  /// Clusters the rows of `points`.
  public static func fit(_ points: DoubleMatrix, _ options: Options) throws -> Result {
    let n = points.rows, d = points.cols, k = options.k
    guard k >= 1 else { throw OmicsError("k must be at least 1, got \(k)") }
    guard k <= n else { throw OmicsError("k = \(k) is larger than the number of points (\(n))") }
    guard options.nInit >= 1 else { throw OmicsError("n-init must be at least 1, got \(options.nInit)") }
    let norms = BLAS.rowSquaredNorms(points.base, rows: n, cols: d)
    let tol = options.tolerance * meanVariance(points)
    var best: Result?
    var seeds = SeededRandom(seed: options.seed)
    for run in 0..<options.nInit {
      var rng = SeededRandom(seed: seeds.next())
      let centers = DoubleMatrix(rows: k, cols: d)
      initialise(points, norms, centers, &rng)
      var result = lloyd(points, norms, centers, maxIterations: options.maxIterations, tolerance: tol)
      result.bestRun = run
      if best == nil || result.inertia < best?.inertia ?? .infinity { best = result }
    }
    guard let best else { throw OmicsError("k-means produced no result") }
    return best
  }

  static func meanVariance(_ p: DoubleMatrix) -> Double {
    let n = p.rows, d = p.cols
    guard n > 0, d > 0 else { return 0 }
    var mean = [Double](repeating: 0, count: d)
    var sq = [Double](repeating: 0, count: d)
    for i in 0..<n {
      let row = p.base + i * d
      for j in 0..<d { mean[j] += row[j] }
    }
    for j in 0..<d { mean[j] /= Double(n) }
    for i in 0..<n {
      let row = p.base + i * d
      for j in 0..<d {
        let e = row[j] - mean[j]
        sq[j] += e * e
      }
    }
    return sq.reduce(0, +) / Double(n) / Double(d)
  }

  /// Greedy k-means++ as scikit-learn's `_kmeans_plusplus`.
  static func initialise(_ p: DoubleMatrix, _ norms: [Double], _ centers: DoubleMatrix, _ rng: inout SeededRandom) {
    let n = p.rows, d = p.cols, k = centers.rows
    let trials = 2 + Int(log(Double(k)))
    let p32 = UnsafeMutablePointer<Float>.allocate(capacity: max(1, n * d))
    defer { p32.deallocate() }
    Parallel.forEachChunk(n * d, minimumPerChunk: 1 << 16) { range in for i in range { p32[i] = Float(p.base[i]) } }
    let first = min(n - 1, Int(rng.nextUnit() * Double(n)))
    centers.base.update(from: p.base + first * d, count: d)
    var closest = [Double](repeating: 0, count: n)
    distancesToRows(p, p32, norms, rows: [first], into: &closest)
    var potential = closest.reduce(0, +)
    var candidateDistances = [Double](repeating: 0, count: trials * n)
    var cumulative = [Double](repeating: 0, count: n)
    for c in 1..<k {
      var running = 0.0
      for i in 0..<n {
        running += closest[i]
        cumulative[i] = running
      }
      var candidates: [Int] = []
      for _ in 0..<trials {
        let r = rng.nextUnit() * potential
        // first index whose cumulative sum exceeds r (numpy searchsorted, side left)
        var lo = 0, hi = n
        while lo < hi {
          let mid = (lo + hi) / 2
          if cumulative[mid] < r { lo = mid + 1 } else { hi = mid }
        }
        candidates.append(min(lo, n - 1))
      }
      distancesToRows(p, p32, norms, rows: candidates, into: &candidateDistances)
      var bestTrial = 0
      var bestPotential = Double.infinity
      candidateDistances.withUnsafeMutableBufferPointer { cd in
        guard let cdb = cd.baseAddress else { return }
        for t in 0..<trials {
          var s = 0.0
          let row = cdb + t * n
          for i in 0..<n {
            let v = min(closest[i], row[i])
            row[i] = v
            s += v
          }
          if s < bestPotential {
            bestPotential = s
            bestTrial = t
          }
        }
      }
      potential = bestPotential
      for i in 0..<n { closest[i] = candidateDistances[bestTrial * n + i] }
      (centers.base + c * d).update(from: p.base + candidates[bestTrial] * d, count: d)
    }
  }

  /// Squared distances from the given rows of `p` to every row: out[t * n + i] = |p_rows[t] − p_i|².
  /// The products run in single precision on `p32` (a Float copy of `p`; twice the GEMM speed and
  /// half the memory traffic): k-means++ only samples and compares potentials with these distances,
  /// and their relative error (~1e-7) does not change which candidate wins in any meaningful way.
  static func distancesToRows(_ p: DoubleMatrix, _ p32: UnsafePointer<Float>, _ norms: [Double], rows: [Int], into out: inout [Double]) {
    let n = p.rows, d = p.cols, t = rows.count
    let gathered = UnsafeMutablePointer<Float>.allocate(capacity: t * d)
    let products = UnsafeMutablePointer<Float>.allocate(capacity: t * n)
    defer {
      gathered.deallocate()
      products.deallocate()
    }
    for (j, r) in rows.enumerated() { (gathered + j * d).update(from: p32 + r * d, count: d) }
    // A GEMM with so few rows would pack all of p32 on every call (memory-bound); reading each
    // point once against all candidates halves the traffic and needs no packing.
    skinnyProducts(UnsafePointer(gathered), t, p32, n, d, products)
    out.withUnsafeMutableBufferPointer { o in
      guard let ob = o.baseAddress else { return }
      for (j, r) in rows.enumerated() {
        let row = ob + j * n
        let src = products + j * n
        let cn = norms[r]
        for i in 0..<n { row[i] = max(0, Double(src[i]) + cn + norms[i]) }
      }
    }
  }

  /// products[j * n + i] = −2 · ⟨candidates_j, points_i⟩ for a few candidate rows, on all cores:
  /// each point row is read once and dotted with every candidate (8-wide SIMD accumulators).
  static func skinnyProducts(
    _ candidates: UnsafePointer<Float>, _ t: Int, _ points: UnsafePointer<Float>, _ n: Int, _ d: Int,
    _ products: UnsafeMutablePointer<Float>
  ) {
    let vectorEnd = d - d % 8
    Parallel.forEachChunk(n, minimumPerChunk: 16) { range in
      var acc = [SIMD8<Float>](repeating: .zero, count: t)
      acc.withUnsafeMutableBufferPointer { a in
        for i in range {
          let row = points + i * d
          for j in 0..<t { a[j] = .zero }
          var c = 0
          while c < vectorEnd {
            let x = UnsafeRawPointer(row + c).loadUnaligned(as: SIMD8<Float>.self)
            for j in 0..<t {
              a[j] += x * UnsafeRawPointer(candidates + j * d + c).loadUnaligned(as: SIMD8<Float>.self)
            }
            c += 8
          }
          for j in 0..<t {
            var s = a[j].sum()
            for e in vectorEnd..<d { s += row[e] * candidates[j * d + e] }
            products[j * n + i] = -2 * s
          }
        }
      }
    }
  }

  /// Lloyd iterations from the given centres, with Hamerly's bounds: a point whose upper bound on
  /// the distance to its centre is below both its lower bound on the distance to any other centre
  /// and half the distance from its centre to the nearest other centre keeps its label without any
  /// distance computation. The points that fail are gathered and assigned with one GEMM, so the
  /// labels are those of plain Lloyd iterations at a fraction of the cost once few points move.
  static func lloyd(
    _ p: DoubleMatrix, _ norms: [Double], _ centers: DoubleMatrix, maxIterations: Int, tolerance: Double
  ) -> Result {
    let n = p.rows, d = p.cols, k = centers.rows
    var labels = [Int](repeating: 0, count: n)
    var upper = [Double](repeating: .infinity, count: n)
    var lower = [Double](repeating: 0, count: n)
    var previous = [Int](repeating: -2, count: n)
    let next = DoubleMatrix(rows: k, cols: d)
    var iterations = 0
    var strict = false
    for iteration in 0..<max(1, maxIterations) {
      iterations = iteration + 1
      boundedAssign(p, norms, centers, &labels, &upper, &lower)
      let distances = upper.map { $0 * $0 }
      var moves = [Double](repeating: 0, count: k)
      let shift = update(p, labels, distances, old: centers, new: next, moves: &moves)
      centers.base.update(from: next.base, count: k * d)
      // bounds follow the centres: the own centre moved by moves[a], any other by at most the largest move
      var largest = 0.0, second = 0.0, largestIndex = -1
      for (j, m) in moves.enumerated() {
        if m > largest {
          second = largest
          largest = m
          largestIndex = j
        } else if m > second {
          second = m
        }
      }
      for i in 0..<n {
        let a = labels[i]
        upper[i] += moves[a]
        lower[i] -= a == largestIndex ? second : largest
      }
      if labels == previous {
        strict = true
        break
      }
      if shift <= tolerance { break }
      previous = labels
    }
    if !strict { boundedAssign(p, norms, centers, &labels, &upper, &lower) }
    // exact inertia from the final labels and centres
    var distances = [Double](repeating: 0, count: n)
    distances.withUnsafeMutableBufferPointer { db in
      guard let dist = db.baseAddress else { return }
      Parallel.forEachChunk(n, minimumPerChunk: 64) { range in
        for i in range {
          let x = p.base + i * d, c = centers.base + labels[i] * d
          var s = 0.0
          for j in 0..<d {
            let e = x[j] - c[j]
            s += e * e
          }
          dist[i] = s
        }
      }
    }
    let inertia = MADFilter.compensatedSum(distances)
    return Result(labels: labels, centers: centers.values, inertia: inertia, iterations: iterations, bestRun: 0)
  }

  /// One assignment step with Hamerly's bounds (distances, not squared). Points that cannot be
  /// decided from the bounds get exact distances to every centre, in blocks of one GEMM each.
  static func boundedAssign(
    _ p: DoubleMatrix, _ norms: [Double], _ centers: DoubleMatrix, _ labels: inout [Int], _ upper: inout [Double],
    _ lower: inout [Double]
  ) {
    let n = p.rows, d = p.cols, k = centers.rows
    let centerNorms = BLAS.rowSquaredNorms(centers.base, rows: k, cols: d)
    // half the distance from each centre to its nearest other centre
    var half = [Double](repeating: .infinity, count: k)
    if k > 1 {
      let cc = UnsafeMutablePointer<Double>.allocate(capacity: k * k)
      defer { cc.deallocate() }
      BLAS.gemmABt(m: k, n: k, k: d, centers.base, lda: d, centers.base, ldb: d, cc, ldc: k)
      for a in 0..<k {
        var best = Double.infinity
        for b in 0..<k where b != a {
          best = min(best, centerNorms[a] + centerNorms[b] - 2 * cc[a * k + b])
        }
        half[a] = 0.5 * max(0, best).squareRoot()
      }
    }
    // which points need all distances (chunks in parallel, concatenated in order)
    let chunkCount = min(64, max(1, n / 256))
    var chunkPending = [[Int]](repeating: [], count: chunkCount)
    let chunkSize = (n + chunkCount - 1) / chunkCount
    chunkPending.withUnsafeMutableBufferPointer { cp in
      upper.withUnsafeMutableBufferPointer { ub in
        guard let cpb = cp.baseAddress, let u = ub.baseAddress else { return }
        Parallel.forEachChunk(chunkCount) { chunks in
          for chunk in chunks {
            var list: [Int] = []
            for i in (chunk * chunkSize)..<min(n, (chunk + 1) * chunkSize) {
              let a = labels[i]
              let bound = max(half[a], lower[i])
              if u[i] <= bound * (1 - 1e-12) { continue }
              if u[i].isFinite {
                // tighten the upper bound to the exact distance to the own centre
                let x = p.base + i * d, c = centers.base + a * d
                var s = 0.0
                for j in 0..<d {
                  let e = x[j] - c[j]
                  s += e * e
                }
                u[i] = s.squareRoot()
                if u[i] <= bound * (1 - 1e-12) { continue }
              }
              list.append(i)
            }
            cpb[chunk] = list
          }
        }
      }
    }
    let pending = chunkPending.flatMap { $0 }
    guard !pending.isEmpty else { return }
    let block = max(1, min(pending.count, (1 << 22) / max(k, 1)))
    let rowsBuffer = UnsafeMutablePointer<Double>.allocate(capacity: block * d)
    let products = UnsafeMutablePointer<Double>.allocate(capacity: block * k)
    defer {
      rowsBuffer.deallocate()
      products.deallocate()
    }
    labels.withUnsafeMutableBufferPointer { lb in
      upper.withUnsafeMutableBufferPointer { ub in
        lower.withUnsafeMutableBufferPointer { lwb in
          guard let l = lb.baseAddress, let u = ub.baseAddress, let lw = lwb.baseAddress else { return }
          var start = 0
          while start < pending.count {
            let m = min(block, pending.count - start)
            Parallel.forEachChunk(m, minimumPerChunk: 16) { range in
              for t in range { (rowsBuffer + t * d).update(from: p.base + pending[start + t] * d, count: d) }
            }
            BLAS.gemmABt(m: m, n: k, k: d, rowsBuffer, lda: d, centers.base, ldb: d, products, ldc: k)
            Parallel.forEachChunk(m, minimumPerChunk: 64) { range in
              for t in range {
                let row = products + t * k
                var best = 0, bestValue = Double.infinity, secondValue = Double.infinity
                for j in 0..<k {
                  let v = centerNorms[j] - 2 * row[j]
                  if v < bestValue {
                    secondValue = bestValue
                    bestValue = v
                    best = j
                  } else if v < secondValue {
                    secondValue = v
                  }
                }
                let i = pending[start + t]
                l[i] = best
                u[i] = max(0, bestValue + norms[i]).squareRoot()
                lw[i] = max(0, secondValue + norms[i]).squareRoot()
              }
            }
            start += m
          }
        }
      }
    }
  }

  /// New centres (means of their points; empty clusters take the farthest points). Returns the summed squared shift.
  static func update(
    _ p: DoubleMatrix, _ labels: [Int], _ distances: [Double], old: DoubleMatrix, new: DoubleMatrix, moves: inout [Double]
  ) -> Double {
    let n = p.rows, d = p.cols, k = old.rows
    var counts = [Int](repeating: 0, count: k + 1)
    for l in labels { counts[l + 1] += 1 }
    for j in 0..<k { counts[j + 1] += counts[j] }
    var members = [Int](repeating: 0, count: n)
    var fill = counts
    for (i, l) in labels.enumerated() {
      members[fill[l]] = i
      fill[l] += 1
    }
    var sizes = (0..<k).map { counts[$0 + 1] - counts[$0] }
    // empty clusters: sklearn moves them to the points farthest from their centres
    let empty = (0..<k).filter { sizes[$0] == 0 }
    var relocated: [(cluster: Int, point: Int)] = []
    if !empty.isEmpty {
      let far = (0..<n).sorted { distances[$0] != distances[$1] ? distances[$0] > distances[$1] : $0 < $1 }
      for (e, cluster) in empty.enumerated() where e < far.count { relocated.append((cluster, far[e])) }
    }
    let moved = Set(relocated.map(\.point))
    members.withUnsafeBufferPointer { mb in
      Parallel.forEachChunk(k) { range in
        for c in range {
          let row = new.base + c * d
          row.update(repeating: 0, count: d)
          var count = 0
          for t in counts[c]..<counts[c + 1] {
            let i = mb[t]
            if moved.contains(i) { continue }
            let src = p.base + i * d
            for j in 0..<d { row[j] += src[j] }
            count += 1
          }
          if count > 0 {
            let inv = 1 / Double(count)
            for j in 0..<d { row[j] *= inv }
          } else if sizes[c] > 0 {
            row.update(from: old.base + c * d, count: d)
          }
        }
      }
    }
    for (cluster, point) in relocated {
      (new.base + cluster * d).update(from: p.base + point * d, count: d)
      sizes[cluster] = 1
    }
    var shift = 0.0
    for c in 0..<k {
      let a = old.base + c * d, b = new.base + c * d
      var s = 0.0
      for j in 0..<d {
        let e = a[j] - b[j]
        s += e * e
      }
      moves[c] = s.squareRoot()
      shift += s
    }
    return shift
  }
}
