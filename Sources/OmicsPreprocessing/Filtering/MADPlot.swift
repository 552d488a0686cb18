import Foundation

/// An SVG histogram of the genes' MADs with the threshold marked (`omics filter --plot`).
public enum MADPlot {
  /// The SVG text. `bins` histogram bars between the smallest and largest MAD; a red line at the threshold.
  public static func svg(mads: [Double], threshold: Double?, bins: Int = 60, title: String = "MAD per gene") -> String {
    let width = 640.0, height = 400.0, left = 60.0, right = 20.0, top = 40.0, bottom = 50.0
    let plotW = width - left - right, plotH = height - top - bottom
    let finite = mads.filter { $0.isFinite }
    let lo = finite.min() ?? 0
    var hi = finite.max() ?? 1
    if let t = threshold, t.isFinite { hi = max(hi, t) }
    if hi <= lo { hi = lo + 1 }
    var counts = [Int](repeating: 0, count: bins)
    for v in finite {
      let b = min(bins - 1, max(0, Int((v - lo) / (hi - lo) * Double(bins))))
      counts[b] += 1
    }
    let maxCount = max(1, counts.max() ?? 1)
    func x(_ v: Double) -> Double { left + (v - lo) / (hi - lo) * plotW }
    func fmt(_ v: Double) -> String { String(format: "%.4g", v) }
    var s = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
      <rect width="100%" height="100%" fill="white"/>
      <text x="\(width / 2)" y="22" text-anchor="middle" font-size="14">\(escape(title)) (\(finite.count) genes)</text>

      """
    let barW = plotW / Double(bins)
    for (i, c) in counts.enumerated() where c > 0 {
      let h = Double(c) / Double(maxCount) * plotH
      s += "<rect x=\(q(left + Double(i) * barW)) y=\(q(top + plotH - h)) width=\(q(max(barW - 1, 0.5))) height=\(q(h)) fill=\"#4a7ab5\"/>\n"
    }
    s += "<line x1=\(q(left)) y1=\(q(top + plotH)) x2=\(q(left + plotW)) y2=\(q(top + plotH)) stroke=\"black\"/>\n"
    s += "<line x1=\(q(left)) y1=\(q(top)) x2=\(q(left)) y2=\(q(top + plotH)) stroke=\"black\"/>\n"
    for k in 0...4 {
      let v = lo + (hi - lo) * Double(k) / 4
      s += "<text x=\(q(x(v))) y=\(q(top + plotH + 18)) text-anchor=\"middle\">\(fmt(v))</text>\n"
    }
    s += "<text x=\(q(left + plotW / 2)) y=\(q(height - 10)) text-anchor=\"middle\">MAD</text>\n"
    s += "<text x=\(q(left - 8)) y=\(q(top + 4)) text-anchor=\"end\">\(maxCount)</text>\n"
    s += "<text x=\(q(left - 8)) y=\(q(top + plotH)) text-anchor=\"end\">0</text>\n"
    if let t = threshold, t.isFinite {
      s += "<line x1=\(q(x(t))) y1=\(q(top)) x2=\(q(x(t))) y2=\(q(top + plotH)) stroke=\"#c0392b\" stroke-width=\"2\"/>\n"
      s += "<text x=\(q(x(t) + 4)) y=\(q(top + 12)) fill=\"#c0392b\">threshold \(fmt(t))</text>\n"
    }
    s += "</svg>\n"
    return s
  }

  private static func q(_ v: Double) -> String { "\"\(String(format: "%.1f", v))\"" }
  private static func escape(_ t: String) -> String {
    t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
  }
}
