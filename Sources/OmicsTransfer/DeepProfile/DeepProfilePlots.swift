import Foundation

/// The SVG figures of `omics deepprofile train`: `training.svg` (one panel per latent size, every
/// run's training loss per epoch) and `node_heatmap.svg` (samples × nodes, each node z-scored over
/// samples, blue–white–red).
public enum DeepProfilePlots {
  public static func trainingSVG(_ runs: [DeepProfileRunSummary]) -> String {
    let latents = Array(Set(runs.map(\.latent))).sorted()
    let panelW = 320.0, panelH = 240.0, margin = 55.0
    var s = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(Double(max(latents.count, 1)) * panelW))" height="\(Int(panelH + 20))" font-family="sans-serif" font-size="11">
      <rect width="100%" height="100%" fill="white"/>

      """
    for (k, d) in latents.enumerated() {
      let group = runs.filter { $0.latent == d }
      let x0 = Double(k) * panelW + margin, y0 = 30.0, w = panelW - margin - 10, h = panelH - 50
      let all = group.flatMap(\.losses).filter(\.isFinite)
      var lo = all.min() ?? 0, hi = all.max() ?? 1
      if hi <= lo { hi = lo + 1 } else { lo = max(lo, 0) }
      let epochs = max(group.map(\.losses.count).max() ?? 2, 2)
      s += "<text x=\"\(x0 + w / 2)\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">latent \(d): \(group.count) runs</text>\n"
      s += "<rect x=\"\(x0)\" y=\"\(y0)\" width=\"\(w)\" height=\"\(h)\" fill=\"none\" stroke=\"#888\"/>\n"
      s += "<text x=\"\(x0 - 4)\" y=\"\(y0 + 10)\" text-anchor=\"end\">\(String(format: "%.3g", hi))</text>\n"
      s += "<text x=\"\(x0 - 4)\" y=\"\(y0 + h)\" text-anchor=\"end\">\(String(format: "%.3g", lo))</text>\n"
      s += "<text x=\"\(x0 + w / 2)\" y=\"\(y0 + h + 16)\" text-anchor=\"middle\">epoch (1–\(epochs)); training loss</text>\n"
      for run in group {
        let pts = run.losses.enumerated().filter { $0.element.isFinite }.map {
          String(format: "%.1f,%.1f", x0 + Double($0.offset) / Double(epochs - 1) * w, y0 + h - ($0.element - lo) / (hi - lo) * h)
        }
        s += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-opacity=\"0.5\" stroke-width=\"1\" points=\"\(pts.joined(separator: " "))\"/>\n"
      }
    }
    return s + "</svg>\n"
  }

  public static func nodeHeatmapSVG(_ e: [Double], samples n: Int, nodes k: Int, maxSamples: Int = 400) -> String {
    let shown = Array(stride(from: 0, to: n, by: max(1, (n + maxSamples - 1) / maxSamples)))
    let cell = 4.0, left = 20.0, top = 30.0
    let width = left * 2 + Double(k) * cell, height = top + Double(shown.count) * cell + 20
    var s = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(max(width, 240)))" height="\(Int(height))" font-family="sans-serif" font-size="11" shape-rendering="crispEdges">
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(left)" y="18">DeepProfile nodes (columns, z-scored) × \(shown.count) of \(n) samples (rows)</text>

      """
    var mean = [Double](repeating: 0, count: k), sd = mean
    for i in 0..<n { for c in 0..<k { mean[c] += e[i * k + c] } }
    for c in 0..<k { mean[c] /= Double(max(n, 1)) }
    for i in 0..<n { for c in 0..<k { let d = e[i * k + c] - mean[c]; sd[c] += d * d } }
    for c in 0..<k { sd[c] = (sd[c] / Double(max(n, 1))).squareRoot() }
    for (row, i) in shown.enumerated() {
      for c in 0..<k {
        let zv = sd[c] > 0 ? max(-3, min(3, (e[i * k + c] - mean[c]) / sd[c])) / 3 : 0
        let r = zv > 0 ? 255 : Int(255 * (1 + zv)), b = zv < 0 ? 255 : Int(255 * (1 - zv)), g = Int(255 * (1 - abs(zv)))
        s += "<rect x=\(String(format: "\"%.0f\"", left + Double(c) * cell)) y=\(String(format: "\"%.0f\"", top + Double(row) * cell)) width=\"4\" height=\"4\" fill=\"rgb(\(r),\(g),\(b))\"/>\n"
      }
    }
    return s + "</svg>\n"
  }
}
