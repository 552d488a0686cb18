import OmicsCore

/// The phenotype of a phenotype-permutation GSEA run, read from an obs column.
///
/// - Two classes (signal-to-noise, t-test): a string, categorical or bool column, or a numeric one
///   with exactly two values. The **positive** class is the first of `--classes A,B` when given
///   (samples of other classes are left out), else the label of the first sample (GSEApy's rule for
///   a class list: `unique(cls)`, first seen is positive). Positive metric = higher in the positive
///   class.
/// - Numeric (Pearson): a numeric column; every sample needs a finite value.
public struct PhenotypeLabels: Sendable, Equatable {
  /// Ranking metrics.
  public enum Metric: String, Sendable, CaseIterable {
    /// Broad/GSEApy signal-to-noise (μA − μB)/(σA + σB), σ = max(σ, 0.2|μ|), 0.2 when still 0;
    /// σ the sample standard deviation (n − 1).
    case signalToNoise = "signal_to_noise"
    /// Welch t: (μA − μB)/√(σA²/nA + σB²/nB), sample standard deviations (GSEApy `t_test`).
    case tTest = "t_test"
    /// Pearson correlation of each gene with a numeric phenotype.
    case pearson
    /// |signal-to-noise| (GSEApy `abs_signal_to_noise`): ranks by the size of the difference only.
    case absSignalToNoise = "abs_signal_to_noise"
    /// μA/μB (GSEApy/Broad `ratio_of_classes`, "fold change"); needs non-negative values.
    case ratioOfClasses = "ratio_of_classes"
    /// μA − μB (GSEApy/Broad `diff_of_classes`).
    case diffOfClasses = "diff_of_classes"
    /// log2(μA/μB) (GSEApy/Broad `log2_ratio_of_classes`); needs non-negative values.
    case log2RatioOfClasses = "log2_ratio_of_classes"

    /// True for the metrics that compare two classes (all but Pearson).
    public var needsTwoClasses: Bool { self != .pearson }

    /// True for the ratio metrics, defined for non-negative expression only.
    public var needsNonNegativeValues: Bool { self == .ratioOfClasses || self == .log2RatioOfClasses }
  }

  /// What the samples carry.
  public enum Kind: Sendable, Equatable {
    /// `isPositive[j]` for every kept sample.
    case classes(positive: String, negative: String, isPositive: [Bool])
    /// One value per kept sample.
    case numeric([Double])
  }

  /// The phenotype of the kept samples.
  public var kind: Kind
  /// Rows of obs (samples) used, ascending.
  public var samples: [Int]
  /// The metric to rank by.
  public var metric: Metric
  /// Remarks for the run summary (e.g. a class with fewer than 3 samples).
  public var notes: [String]

  /// Builds the phenotype from `obs[column]`. `metric` nil picks Pearson for a numeric column and
  /// signal-to-noise otherwise. Errors are one line, naming the column.
  public init(obs: DataFrame, column: String, classes: [String]? = nil, metric: Metric? = nil) throws {
    guard let element = obs.columns[column] else {
      let names = obs.columns.keys.prefix(12).joined(separator: ", ")
      throw OmicsError(
        "obs has no column '\(column)' (obs columns: \(names.isEmpty ? "none" : names)\(obs.columns.count > 12 ? ", …" : ""))")
    }
    var numbers: [Double?]? = nil
    var labels: [String?]
    switch element {
    case .array(let a) where a.shape.count == 1 && a.scalarType != .bool:
      numbers = (0..<a.values.count).map { a.values.double(at: $0) }
      labels = (0..<a.values.count).map { i in
        let v = a.values.double(at: i)
        return v.isNaN ? nil : (v == v.rounded() && Swift.abs(v) < 1e15 ? String(Int64(v)) : "\(v)")
      }
    case .array(let a) where a.shape.count == 1:
      labels = (0..<a.values.count).map { a.values.double(at: $0) != 0 ? "True" : "False" }
    case .nullable(let n):
      if case .numbers(let values) = n.values {
        if values.scalarType == .bool {
          labels = (0..<n.count).map { n.mask[$0] ? nil : (values.double(at: $0) != 0 ? "True" : "False") }
        } else {
          numbers = (0..<n.count).map { n.mask[$0] ? nil : values.double(at: $0) }
          labels = (0..<n.count).map { n.mask[$0] ? nil : String(values.int64(at: $0) ?? 0) }
        }
      } else {
        guard let s = obs.strings(column) else { throw OmicsError("obs column '\(column)' cannot be read as labels") }
        labels = s
      }
    default:
      guard let s = obs.strings(column) else {
        throw OmicsError("obs column '\(column)' is a \(element.encodingType), not labels or numbers")
      }
      labels = s
    }
    let chosen = metric ?? (numbers != nil ? .pearson : .signalToNoise)
    self.metric = chosen
    notes = []

    if chosen == .pearson {
      guard let numbers else {
        throw OmicsError("--metric pearson needs a numeric obs column; '\(column)' holds labels")
      }
      var kept: [Int] = []
      var values: [Double] = []
      for (i, v) in numbers.enumerated() {
        guard let v, v.isFinite else {
          throw OmicsError("obs column '\(column)' has a missing or non-finite value at sample \(obs.index[i]) (row \(i + 1))")
        }
        kept.append(i)
        values.append(v)
      }
      guard kept.count >= 3 else { throw OmicsError("Pearson correlation needs at least 3 samples, '\(column)' has \(kept.count)") }
      guard values.contains(where: { $0 != values[0] }) else {
        throw OmicsError("obs column '\(column)' has the same value (\(values[0])) for every sample; no correlation can be computed")
      }
      kind = .numeric(values)
      samples = kept
      return
    }

    // Two classes.
    var seen: [String] = []
    for case let l? in labels where !seen.contains(l) { seen.append(l) }
    let positive: String, negative: String
    if let classes {
      guard classes.count == 2, classes[0] != classes[1] else {
        throw OmicsError("--classes needs two different labels A,B, got \(classes.joined(separator: ","))")
      }
      for c in classes where !seen.contains(c) {
        throw OmicsError("obs column '\(column)' has no sample labelled '\(c)' (labels: \(seen.prefix(10).joined(separator: ", ")))")
      }
      positive = classes[0]
      negative = classes[1]
    } else {
      if let missing = labels.firstIndex(where: { $0 == nil }) {
        throw OmicsError(
          "obs column '\(column)' has no label for sample \(obs.index[missing]) (row \(missing + 1)); pick the two classes with --classes A,B to leave such samples out")
      }
      guard seen.count >= 2 else {
        throw OmicsError(
          "obs column '\(column)' has one class only (\(seen.first ?? "none")) among \(labels.count) samples; a two-class metric needs two"
            + (numbers != nil ? " (use --metric pearson for a numeric phenotype)" : ""))
      }
      guard seen.count == 2 else {
        throw OmicsError(
          "obs column '\(column)' has \(seen.count) classes (\(seen.prefix(6).joined(separator: ", "))\(seen.count > 6 ? ", …" : "")); choose two with --classes A,B")
      }
      positive = seen[0]
      negative = seen[1]
    }
    var kept: [Int] = []
    var isPositive: [Bool] = []
    for (i, l) in labels.enumerated() where l == positive || l == negative {
      kept.append(i)
      isPositive.append(l == positive)
    }
    let nPos = isPositive.filter { $0 }.count
    let nNeg = isPositive.count - nPos
    for (name, n) in [(positive, nPos), (negative, nNeg)] where n < 2 {
      throw OmicsError(
        "class '\(name)' of obs column '\(column)' has \(n) sample\(n == 1 ? "" : "s"); each class needs at least 2 (3 or more for a meaningful phenotype permutation)")
    }
    for (name, n) in [(positive, nPos), (negative, nNeg)] where n < 3 {
      notes.append("class '\(name)' has only \(n) samples (GSEApy would fall back to gene-set permutation below 3)")
    }
    kind = .classes(positive: positive, negative: negative, isPositive: isPositive)
    samples = kept
  }

  /// A phenotype given directly (tests, other front ends).
  public init(kind: Kind, samples: [Int], metric: Metric) {
    self.kind = kind
    self.samples = samples
    self.metric = metric
    notes = []
  }
}
