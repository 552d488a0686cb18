/// Binary classification metrics as scikit-learn computes them (background §6.3).
public enum ClassificationMetrics {
  /// Area under the ROC curve of `scores` for labels 0/1, ties counted ½ (`roc_auc_score`).
  /// NaN when one class is absent.
  public static func auroc(_ scores: [Double], _ labels: [Int]) -> Double {
    let pos = labels.filter { $0 == 1 }.count, neg = labels.count - pos
    guard pos > 0, neg > 0 else { return .nan }
    // Mann–Whitney U with mid-ranks.
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var rankSumPos = 0.0
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
      let mid = Double(i + j) / 2 + 1
      for k in i...j where labels[order[k]] == 1 { rankSumPos += mid }
      i = j + 1
    }
    return (rankSumPos - Double(pos) * Double(pos + 1) / 2) / (Double(pos) * Double(neg))
  }

  /// Average precision (`average_precision_score`): `Σ (R_k − R_{k−1}) P_k` over distinct thresholds.
  public static func averagePrecision(_ scores: [Double], _ labels: [Int]) -> Double {
    let pos = labels.filter { $0 == 1 }.count
    guard pos > 0 else { return .nan }
    let order = scores.indices.sorted { scores[$0] > scores[$1] }
    var tp = 0, fp = 0, ap = 0.0, lastRecall = 0.0
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count && scores[order[j + 1]] == scores[order[i]] { j += 1 }
      for k in i...j { if labels[order[k]] == 1 { tp += 1 } else { fp += 1 } }
      let recall = Double(tp) / Double(pos), precision = Double(tp) / Double(tp + fp)
      ap += (recall - lastRecall) * precision
      lastRecall = recall
      i = j + 1
    }
    return ap
  }

  /// Support-weighted mean of the per-class F1 (`f1_score(average='weighted')`); a class with no
  /// predictions and no support contributes 0 with weight 0.
  public static func weightedF1(predicted: [Int], truth: [Int]) -> Double {
    guard !truth.isEmpty else { return .nan }
    var total = 0.0
    for c in [0, 1] {
      let support = truth.filter { $0 == c }.count
      guard support > 0 else { continue }
      var tp = 0, fp = 0, fn = 0
      for (p, t) in zip(predicted, truth) {
        if p == c && t == c { tp += 1 } else if p == c { fp += 1 } else if t == c { fn += 1 }
      }
      let f1 = tp == 0 ? 0 : 2 * Double(tp) / Double(2 * tp + fp + fn)
      total += f1 * Double(support)
    }
    return total / Double(truth.count)
  }

  /// Unweighted mean of the per-class F1 over the classes present in `truth` or `predicted`
  /// (`f1_score(average='macro')`, zero division → 0).
  public static func macroF1(predicted: [Int], truth: [Int]) -> Double {
    let classes = Set(truth).union(predicted)
    guard !classes.isEmpty else { return .nan }
    var total = 0.0
    for c in classes {
      var tp = 0, fp = 0, fn = 0
      for (p, t) in zip(predicted, truth) {
        if p == c && t == c { tp += 1 } else if p == c { fp += 1 } else if t == c { fn += 1 }
      }
      total += tp == 0 ? 0 : 2 * Double(tp) / Double(2 * tp + fp + fn)
    }
    return total / Double(classes.count)
  }

  /// Fraction of equal entries.
  public static func accuracy(predicted: [Int], truth: [Int]) -> Double {
    guard !truth.isEmpty else { return .nan }
    return Double(zip(predicted, truth).filter { $0 == $1 }.count) / Double(truth.count)
  }
}
