import Foundation
import OmicsCore
import OmicsIO

/// The classic GSEA enrichment plot as a standalone SVG: the running enrichment score (top), a
/// tick for every gene of the set (middle) and the ranked metric (bottom), with the peak marked.
public enum EnrichmentPlot {
  /// SVG text for one set of `report`.
  public static func svg(for result: PrerankGSEA.Result, report: PrerankGSEA.Report) -> String {
    let input = report.input
    let n = input.geneCount
    let running = EnrichmentScore.runningSum(positions: result.positions, weights: input.weights, geneCount: n)
    let width = 640.0, left = 60.0, right = 20.0
    let plotW = width - left - right
    let esTop = 40.0, esH = 220.0, tickTop = esTop + esH + 10, tickH = 40.0, metricTop = tickTop + tickH + 10
    let metricH = 120.0, height = metricTop + metricH + 40
    func x(_ i: Int) -> Double { left + (n > 1 ? Double(i) / Double(n - 1) : 0) * plotW }
    let lo = min(0, running.min() ?? 0), hi = max(0, running.max() ?? 0)
    let span = max(hi - lo, 1e-12)
    func yES(_ v: Double) -> Double { esTop + (hi - v) / span * esH }
    // Running sum, decimated to at most ~2 points per pixel column (keeping extremes).
    var points: [String] = []
    let columns = Int(plotW * 2)
    let step = max(1, n / max(columns, 1))
    var i = 0
    while i < n {
      let end = min(n, i + step)
      var lowIndex = i, highIndex = i
      for j in i..<end {
        if running[j] < running[lowIndex] { lowIndex = j }
        if running[j] > running[highIndex] { highIndex = j }
      }
      for j in Set([i, lowIndex, highIndex, end - 1]).sorted() {
        points.append(String(format: "%.2f,%.2f", x(j), yES(running[j])))
      }
      i = end
    }
    var svg = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="11">
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(Int(width / 2))" y="20" text-anchor="middle" font-size="13">\(escape(result.pathway))</text>
      <text x="\(Int(width / 2))" y="34" text-anchor="middle" fill="#444">\(String(format: "ES = %.4f   NES = %.4f   p = %.3g   padj = %.3g   size = %d", result.es, result.nes, result.pval, result.padj, result.size))</text>
      <rect x="\(left)" y="\(esTop)" width="\(plotW)" height="\(esH)" fill="none" stroke="#999"/>
      <line x1="\(left)" y1="\(String(format: "%.2f", yES(0)))" x2="\(left + plotW)" y2="\(String(format: "%.2f", yES(0)))" stroke="#999" stroke-dasharray="3,3"/>
      <polyline fill="none" stroke="#2e8b57" stroke-width="1.5" points="\(points.joined(separator: " "))"/>
      <text x="\(left - 6)" y="\(String(format: "%.1f", yES(hi) + 4))" text-anchor="end">\(String(format: "%.2f", hi))</text>
      <text x="\(left - 6)" y="\(String(format: "%.1f", yES(lo) + 4))" text-anchor="end">\(String(format: "%.2f", lo))</text>
      <text x="14" y="\(esTop + esH / 2)" transform="rotate(-90 14 \(esTop + esH / 2))" text-anchor="middle">Enrichment score</text>

      """
    if let peak = result.peakRank {
      svg += "<line x1=\"\(String(format: "%.2f", x(peak)))\" y1=\"\(esTop)\" x2=\"\(String(format: "%.2f", x(peak)))\" y2=\"\(esTop + esH)\" stroke=\"#d62728\" stroke-dasharray=\"4,3\"/>\n"
    }
    svg += "<g stroke=\"black\" stroke-width=\"0.6\">\n"
    for p in result.positions {
      let px = String(format: "%.2f", x(Int(p)))
      svg += "<line x1=\"\(px)\" y1=\"\(tickTop)\" x2=\"\(px)\" y2=\"\(tickTop + tickH)\"/>\n"
    }
    svg += "</g>\n"
    // Ranked metric as a filled area.
    let scores = input.scores
    let mLo = min(0, scores.min() ?? 0), mHi = max(0, scores.max() ?? 0)
    let mSpan = max(mHi - mLo, 1e-12)
    func yM(_ v: Double) -> Double { metricTop + (mHi - v) / mSpan * metricH }
    var area = [String(format: "%.2f,%.2f", x(0), yM(0))]
    i = 0
    while i < n {
      area.append(String(format: "%.2f,%.2f", x(i), yM(scores[i])))
      i += step
    }
    area.append(String(format: "%.2f,%.2f", x(n - 1), yM(scores[n - 1])))
    area.append(String(format: "%.2f,%.2f", x(n - 1), yM(0)))
    svg += """
      <polygon fill="#bbbbbb" stroke="none" points="\(area.joined(separator: " "))"/>
      <rect x="\(left)" y="\(metricTop)" width="\(plotW)" height="\(metricH)" fill="none" stroke="#999"/>
      <text x="14" y="\(metricTop + metricH / 2)" transform="rotate(-90 14 \(metricTop + metricH / 2))" text-anchor="middle">Ranked metric</text>
      <text x="\(Int(left + plotW / 2))" y="\(Int(metricTop + metricH + 28))" text-anchor="middle">Rank in ordered gene list (\(n) genes)</text>
      </svg>

      """
    return svg
  }

  /// A file name for a set: letters, digits, `-`, `_` and `.` kept, others replaced by `_`.
  public static func fileName(for pathway: String) -> String {
    let safe = pathway.unicodeScalars.map { scalar -> Character in
      let c = Character(scalar)
      return (scalar.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_" || c == ".")) ? c : "_"
    }
    return String(String(safe).prefix(120)) + ".svg"
  }

  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }
}
