import Foundation
import OmicsCore

/// Cleveland's LOESS with one predictor, computed as netlib's dloess does with its defaults
/// (`surface = "interpolate"`, `cell = 0.2`, gaussian family) — the smoother behind scikit-misc's
/// `loess`, which scanpy's `seurat_v3` flavour calls.
///
///     let fitted = try Loess.fit(x: logMeans, y: logVariances, span: 0.3, degree: 2)
///
/// dloess does not fit at every point: it builds a k-d tree over x (cells split at the median
/// until they hold at most ⌊n·span·cell⌋ points), fits the local polynomial only at the cell
/// vertices (value and slope, tricube weights over the ⌊n·span⌋ nearest points), and evaluates
/// each point by cubic Hermite interpolation inside its cell. This type reproduces those steps,
/// including the tie rules of the median split, so fitted values agree with scikit-misc to
/// rounding (the local least squares are solved by Householder QR instead of QR + SVD).
public enum Loess {
  /// A fitting problem dloess refuses (too few points for the span and degree).
  public static func fit(x: [Double], y: [Double], span: Double = 0.3, degree: Int = 2, cell: Double = 0.2) throws -> [Double] {
    let n = x.count
    guard n == y.count else { throw OmicsError("loess: \(n) x values but \(y.count) y values") }
    guard span > 0, (0...2).contains(degree) else { throw OmicsError("loess: span must be positive and degree 0, 1 or 2") }
    let nf = min(n, Int((Double(n) * span).rounded(.down)))
    let terms = degree + 1
    guard terms <= nf - 1 else {
      throw OmicsError("loess: span \(span) leaves \(nf) points per neighbourhood for \(n) points; a degree-\(degree) fit needs at least \(terms + 1)")
    }
    let tree = KDTree1D(x: x, span: span, cell: cell)
    let fits = tree.vertices.map { localFit(at: $0, x: x, y: y, nf: nf, span: span, degree: degree) }
    return x.map { tree.interpolate($0, fits) }
  }

  /// Value and slope of the local polynomial fitted around `q` (dloess `ehg127`).
  static func localFit(at q: Double, x: [Double], y: [Double], nf: Int, span: Double, degree: Int) -> (value: Double, slope: Double) {
    let n = x.count
    var dist = x.map { ($0 - q) * ($0 - q) }
    var scratch = dist
    let rho = scratch.withUnsafeMutableBufferPointer { b in Selection.select(b.baseAddress!, n, nf - 1) } * max(1, span)
    // rows with dist < rho carry weight; the neighbourhood's farthest points have weight zero
    let k = degree + 1
    var rows: [Double] = []  // row-major design, k columns
    var rhs: [Double] = []
    rows.reserveCapacity(nf * k)
    rhs.reserveCapacity(nf)
    for i in 0..<n where dist[i] < rho {
      let r = (dist[i] / rho).squareRoot()
      let t = 1 - r * r * r
      let w = (t * t * t).squareRoot()
      let d = x[i] - q
      rows.append(w)
      if k > 1 { rows.append(w * d) }
      if k > 2 { rows.append(w * d * d) }
      rhs.append(w * y[i])
    }
    dist = []
    let m = rhs.count
    guard m > 0 else { return (.nan, .nan) }
    // equilibrate columns
    var norms = [Double](repeating: 0, count: k)
    for j in 0..<k {
      var s = 0.0
      for i in 0..<m { s += rows[i * k + j] * rows[i * k + j] }
      let scale = s.squareRoot()
      norms[j] = scale > 0 ? scale : 1
      if scale > 0 { for i in 0..<m { rows[i * k + j] /= scale } }
    }
    let coefficients = leastSquares(&rows, &rhs, m: m, k: k)
    let value = coefficients[0] / norms[0]
    let slope = k > 1 ? coefficients[1] / norms[1] : 0
    return (value, slope)
  }

  /// Solves min‖A c − b‖ for a small number of columns by Householder QR; A is m × k row-major.
  /// A column whose remaining norm is negligible (≤ 100·ε of the largest) gets coefficient 0,
  /// as dloess's pseudo-inverse does.
  static func leastSquares(_ a: inout [Double], _ b: inout [Double], m: Int, k: Int) -> [Double] {
    var diag = [Double](repeating: 0, count: k)
    let cols = min(k, m)
    for j in 0..<cols {
      var norm = 0.0
      for i in j..<m { norm += a[i * k + j] * a[i * k + j] }
      norm = norm.squareRoot()
      if norm == 0 { diag[j] = 0; continue }
      let alpha = a[j * k + j] > 0 ? -norm : norm
      // v = x − alpha e1, stored in place
      a[j * k + j] -= alpha
      var vv = 0.0
      for i in j..<m { vv += a[i * k + j] * a[i * k + j] }
      if vv > 0 {
        for c in (j + 1)..<k {
          var dot = 0.0
          for i in j..<m { dot += a[i * k + j] * a[i * k + c] }
          let f = 2 * dot / vv
          for i in j..<m { a[i * k + c] -= f * a[i * k + j] }
        }
        var dot = 0.0
        for i in j..<m { dot += a[i * k + j] * b[i] }
        let f = 2 * dot / vv
        for i in j..<m { b[i] -= f * a[i * k + j] }
      }
      diag[j] = alpha
    }
    let largest = diag.map(abs).max() ?? 0
    var c = [Double](repeating: 0, count: k)
    for j in stride(from: cols - 1, through: 0, by: -1) {
      guard abs(diag[j]) > largest * 100 * Double.ulpOfOne else { c[j] = 0; continue }
      var s = b[j]
      for t in (j + 1)..<k { s -= a[j * k + t] * c[t] }
      c[j] = s / diag[j]
    }
    return c
  }
}

/// dloess's k-d tree in one dimension (`ehg126`, `ehg124`, `ehg125`, `ehg128`): a bounding box
/// widened by 0.5 %, cells split at the median with ties kept together, vertices at the splits.
struct KDTree1D {
  /// Vertex coordinates: the two box ends, then one per split.
  private(set) var vertices: [Double]
  private var splitValue: [Double] = []
  private var isSplit: [Bool] = []
  private var low: [Int] = []  // left child for a split cell, lower vertex for a leaf
  private var high: [Int] = []  // right child for a split cell, upper vertex for a leaf

  init(x: [Double], span: Double, cell: Double) {
    let n = x.count
    let sorted = x.sorted()
    let alpha = sorted.first ?? 0, beta = sorted.last ?? 0
    let margin = 0.005 * max(beta - alpha, 1e-10 * max(abs(alpha), abs(beta)) + 1e-30)
    vertices = [alpha - margin, beta + margin]
    let fc = Int((Double(n) * (span * cell)).rounded(.down))
    let capacity = max(200, n)  // dloess's nvmax = ncmax
    // per cell: point range [l, u] in sorted order and its two vertices
    var ranges: [(l: Int, u: Int)] = [(0, n - 1)]
    var cellVertices: [(Int, Int)] = [(0, 1)]
    var p = 0
    while p < ranges.count {
      let (l, u) = ranges[p]
      let (vl, vu) = cellVertices[p]
      var leaf = (u - l + 1) <= fc || (vertices[vu] - vertices[vl]) <= 0
      if !leaf { leaf = capacity < ranges.count + 2 || Double(capacity) < Double(vertices.count) + 1 }
      var m = (l + u) / 2
      if !leaf {
        // ties go to one side: try m, m+1, m−1, m+2, … for a split between distinct values
        var offset = 0
        while m + offset < u && m + offset >= l {
          if sorted[m + offset] == sorted[m + offset + 1] {
            offset = -offset
            if offset >= 0 { offset += 1 }
          } else {
            m += offset
            break
          }
        }
        leaf = vertices[vl] == sorted[m] || vertices[vu] == sorted[m]
      }
      isSplit.append(!leaf)
      if leaf {
        splitValue.append(0)
        low.append(vl)
        high.append(vu)
      } else {
        let t = sorted[m]
        splitValue.append(t)
        var v = vertices.firstIndex(of: t) ?? -1
        if v < 0 {
          vertices.append(t)
          v = vertices.count - 1
        }
        low.append(ranges.count)
        ranges.append((l, m))
        cellVertices.append((vl, v))
        high.append(ranges.count)
        ranges.append((m + 1, u))
        cellVertices.append((v, vu))
      }
      p += 1
    }
  }

  /// The fitted surface at z: cubic Hermite interpolation between the enclosing leaf's vertices.
  func interpolate(_ z: Double, _ fits: [(value: Double, slope: Double)]) -> Double {
    var j = 0
    while isSplit[j] { j = z <= splitValue[j] ? low[j] : high[j] }
    let lo = low[j], hi = high[j]
    let v0 = vertices[lo], v1 = vertices[hi]
    let width = v1 - v0
    let h = (z - v0) / width
    let phi0 = (1 - h) * (1 - h) * (1 + 2 * h)
    let phi1 = h * h * (3 - 2 * h)
    let psi0 = h * (1 - h) * (1 - h)
    let psi1 = h * h * (h - 1)
    return phi0 * fits[lo].value + phi1 * fits[hi].value + (psi0 * fits[lo].slope + psi1 * fits[hi].slope) * width
  }
}
