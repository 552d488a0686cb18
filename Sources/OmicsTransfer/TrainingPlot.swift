import Foundation

/// `training.svg`: one panel per stage with the training (blue) and validation (orange) loss per
/// epoch and the kept epoch marked (grey line). The adaptation panel's validation curve is the
/// validation MMD the model was selected on.
public enum TrainingPlot {
  public static func svg(_ stages: [StageHistory], xLabel: String = "epoch") -> String {
    let panelW = 320.0, panelH = 240.0, margin = 50.0
    let width = Double(max(stages.count, 1)) * panelW
    var s = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(panelH + 30))" font-family="sans-serif" font-size="11">
      <rect width="100%" height="100%" fill="white"/>

      """
    for (k, stage) in stages.enumerated() {
      let x0 = Double(k) * panelW + margin, y0 = 30.0
      let w = panelW - margin - 10, h = panelH - 50
      let all = (stage.train + stage.validation).filter { $0.isFinite }
      var lo = all.min() ?? 0, hi = all.max() ?? 1
      if hi <= lo { hi = lo + 1; lo -= 0 }
      let n = max(stage.train.count, stage.validation.count, 2)
      func px(_ i: Int) -> Double { x0 + Double(i) / Double(n - 1) * w }
      func py(_ v: Double) -> Double { y0 + h - (v - lo) / (hi - lo) * h }
      func line(_ v: [Double], _ color: String) -> String {
        let pts = v.enumerated().filter { $0.element.isFinite }.map { String(format: "%.1f,%.1f", px($0.offset), py($0.element)) }
        return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(pts.joined(separator: " "))\"/>\n"
      }
      s += "<text x=\"\(x0 + w / 2)\" y=\"18\" text-anchor=\"middle\" font-size=\"13\">\(stage.name)</text>\n"
      s += "<rect x=\"\(x0)\" y=\"\(y0)\" width=\"\(w)\" height=\"\(h)\" fill=\"none\" stroke=\"#888\"/>\n"
      s += "<text x=\"\(x0 - 4)\" y=\"\(y0 + 10)\" text-anchor=\"end\">\(String(format: "%.3g", hi))</text>\n"
      s += "<text x=\"\(x0 - 4)\" y=\"\(y0 + h)\" text-anchor=\"end\">\(String(format: "%.3g", lo))</text>\n"
      s += "<text x=\"\(x0 + w / 2)\" y=\"\(y0 + h + 16)\" text-anchor=\"middle\">\(xLabel) (1–\(n))</text>\n"
      if stage.bestEpoch >= 0 {
        s += "<line x1=\"\(px(stage.bestEpoch))\" y1=\"\(y0)\" x2=\"\(px(stage.bestEpoch))\" y2=\"\(y0 + h)\" stroke=\"#999\" stroke-dasharray=\"3,3\"/>\n"
      }
      s += line(stage.train, "#1f77b4")
      s += line(stage.validation, "#ff7f0e")
      s += "<text x=\"\(x0 + 4)\" y=\"\(y0 + h + 32)\" fill=\"#1f77b4\">train</text><text x=\"\(x0 + 50)\" y=\"\(y0 + h + 32)\" fill=\"#ff7f0e\">validation</text>\n"
    }
    return s + "</svg>\n"
  }
}
