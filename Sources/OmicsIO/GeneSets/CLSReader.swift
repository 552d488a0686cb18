import Foundation
import OmicsCore

/// Broad GSEA phenotype labels (`.cls`), as GSEA desktop and GSEApy read them.
///
/// **Categorical** (three lines, fields separated by spaces or tabs):
///
///     6 2 1                      <samples> <classes> 1
///     # C1OE Vector              # then one name per class
///     C1OE C1OE C1OE Vector Vector Vector    one label per sample, in matrix order
///
/// Labels are the class names, or any other tokens (e.g. `0 1`): then the first label seen is the
/// first class named on line 2, the second distinct label the second name, and so on (GSEA's rule,
/// GSEApy's `gsea_cls_parser`). **Continuous** (`#numeric`): a `#numeric` line, then for each
/// phenotype a `#<name>` line followed by one number per sample.
///
/// Every inconsistency is a one-line error naming the file and line: a count that does not match
/// the header, a missing line, a class-name line without `#`, more distinct labels than classes,
/// a value that is not a finite number. Blank lines are skipped.
public struct CLSFile: Sendable, Equatable {
  /// One continuous phenotype.
  public struct NumericPhenotype: Sendable, Equatable {
    public var name: String
    public var values: [Double]
    public init(name: String, values: [Double]) {
      self.name = name
      self.values = values
    }
  }

  /// What the file holds.
  public enum Content: Sendable, Equatable {
    /// Class names (line 2 order) and each sample's class name.
    case categorical(classNames: [String], labels: [String])
    /// One or more continuous phenotypes, each with a value per sample.
    case numeric([NumericPhenotype])
  }

  /// The file name used in messages.
  public var source: String
  public var content: Content

  /// The number of samples labelled.
  public var sampleCount: Int {
    switch content {
    case .categorical(_, let labels): return labels.count
    case .numeric(let phenotypes): return phenotypes.first?.values.count ?? 0
    }
  }

  /// Reads the CLS file at `path` (plain or gzip).
  public static func read(path: String) throws -> CLSFile { try parse(TextFile(path: path)) }

  /// Parses CLS text already loaded.
  public static func parse(_ file: TextFile) throws -> CLSFile {
    var lines: [(number: Int, text: String)] = []
    try file.forEachLine { line, number in
      let text = line.trimmingCharacters(in: .whitespaces)
      if !text.isEmpty { lines.append((number, text)) }
      return true
    }
    guard let first = lines.first else { throw OmicsError(file: file.name, "empty CLS file") }
    func fields(_ text: Substring) -> [String] { text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
    func fail(_ line: Int, _ message: String) -> OmicsError { OmicsError.line(line, file: file.name, message) }

    if first.text.lowercased().hasPrefix("#numeric") {
      var phenotypes: [NumericPhenotype] = []
      var index = 1
      while index < lines.count {
        let header = lines[index]
        guard header.text.hasPrefix("#") else {
          throw fail(header.number, "expected a '#<phenotype name>' line before the values")
        }
        let name = header.text.dropFirst().trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw fail(header.number, "empty phenotype name after '#'") }
        guard index + 1 < lines.count, !lines[index + 1].text.hasPrefix("#") else {
          throw fail(header.number, "phenotype '\(name)' has no line of values")
        }
        let valueLine = lines[index + 1]
        var values: [Double] = []
        for token in fields(Substring(valueLine.text)) {
          guard let v = Double(token), v.isFinite else {
            throw fail(valueLine.number, "'\(token)' is not a finite number (phenotype '\(name)')")
          }
          values.append(v)
        }
        if let expected = phenotypes.first?.values.count, values.count != expected {
          throw fail(valueLine.number, "\(values.count) values for phenotype '\(name)', but '\(phenotypes[0].name)' has \(expected)")
        }
        if phenotypes.contains(where: { $0.name == name }) { throw fail(header.number, "phenotype '\(name)' appears twice") }
        phenotypes.append(NumericPhenotype(name: name, values: values))
        index += 2
      }
      guard !phenotypes.isEmpty else { throw fail(first.number, "no phenotype follows '#numeric' (expected '#<name>' and a line of values)") }
      return CLSFile(source: file.name, content: .numeric(phenotypes))
    }

    // Categorical.
    let head = fields(Substring(first.text))
    guard head.count == 3, let samples = Int(head[0]), let classes = Int(head[1]), samples >= 1, classes >= 1 else {
      throw fail(first.number, "expected '<samples> <classes> 1' (or '#numeric'), found '\(first.text)'")
    }
    guard lines.count >= 2 else { throw fail(first.number + 1, "missing the class-name line ('# name1 name2 …')") }
    let nameLine = lines[1]
    guard nameLine.text.hasPrefix("#") else {
      throw fail(nameLine.number, "expected the class-name line '# name1 name2 …', found '\(nameLine.text.prefix(40))'")
    }
    let names = fields(nameLine.text.dropFirst())
    guard names.count == classes else {
      throw fail(nameLine.number, "\(names.count) class name\(names.count == 1 ? "" : "s") for \(classes) classes (line \(first.number))")
    }
    guard Set(names).count == names.count else { throw fail(nameLine.number, "a class name appears twice") }
    guard lines.count >= 3 else { throw fail(nameLine.number + 1, "missing the line of sample labels") }
    let labelLine = lines[2]
    let labels = fields(Substring(labelLine.text))
    guard labels.count == samples else {
      throw fail(labelLine.number, "\(labels.count) labels for \(samples) samples (line \(first.number))")
    }
    if lines.count > 3 { throw fail(lines[3].number, "unexpected line after the sample labels") }
    var distinct: [String] = []
    for l in labels where !distinct.contains(l) { distinct.append(l) }
    guard distinct.count <= classes else {
      throw fail(labelLine.number, "\(distinct.count) distinct labels for \(classes) classes")
    }
    let mapped: [String]
    if distinct.allSatisfy(names.contains) {
      mapped = labels
    } else {
      var nameOf: [String: String] = [:]
      for (i, l) in distinct.enumerated() { nameOf[l] = names[i] }
      mapped = labels.map { nameOf[$0]! }
    }
    return CLSFile(source: file.name, content: .categorical(classNames: names, labels: mapped))
  }

  /// The phenotype as an obs-style column for `sampleNames` (the matrix's samples, in order): a
  /// string column for classes, a float column for a continuous phenotype (`phenotype` picks one by
  /// name, default the first). Returns the column name too. The sample count must match.
  public func column(for sampleNames: [String], phenotype: String? = nil) throws -> (name: String, frame: DataFrame) {
    guard sampleCount == sampleNames.count else {
      throw OmicsError(file: source, "labels \(sampleCount) samples but the matrix has \(sampleNames.count)")
    }
    var frame = DataFrame(index: sampleNames)
    switch content {
    case .categorical(let classNames, let labels):
      if let phenotype { throw OmicsError(file: source, "a categorical CLS has no phenotype '\(phenotype)' to choose (classes: \(classNames.joined(separator: ", ")))") }
      frame.columns["cls"] = .stringArray(StringArray(labels))
      return ("cls", frame)
    case .numeric(let phenotypes):
      let chosen: NumericPhenotype
      if let phenotype {
        guard let p = phenotypes.first(where: { $0.name == phenotype }) else {
          throw OmicsError(file: source, "no phenotype '\(phenotype)' (phenotypes: \(phenotypes.map(\.name).joined(separator: ", ")))")
        }
        chosen = p
      } else {
        chosen = phenotypes[0]
      }
      frame.columns[chosen.name] = .array(DenseArray(shape: [chosen.values.count], values: .float64(chosen.values)))
      return (chosen.name, frame)
    }
  }

  /// For a categorical file with exactly two classes, the class names in file order (the first is
  /// the positive class, as in GSEA and GSEApy); nil otherwise.
  public var twoClasses: [String]? {
    if case .categorical(let names, _) = content, names.count == 2 { return names }
    return nil
  }
}
