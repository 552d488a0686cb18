import OmicsCore
import OmicsTransfer
import Testing

/// Two-class label encoding and the waterfall binarisation.
@Suite struct LabelRulesTests {
  @Test func zeroOneValuesMapToThemselvesAndMissingAreCounted() throws {
    let l = try BinaryLabels(values: ["1", "0", nil, "NA", "1.0", "", "0"], column: "y")
    #expect(l.labels == [1, 0, nil, nil, 1, nil, 0])
    #expect(l.missing == 3)
    #expect(l.counts == [2, 2])
    #expect(l.mapping == ["0": 0, "1": 1])
  }

  @Test func sensitiveIsOneAndResistantZero() throws {
    let l = try BinaryLabels(values: ["Sensitive", "Resistant", "Resistant", "nan"], column: "y")
    #expect(l.labels == [1, 0, 0, nil])
    #expect(l.mappingDescription == "Resistant → 0, Sensitive → 1")
  }

  @Test func otherStringPairsUseSortedOrder() throws {
    let l = try BinaryLabels(values: ["responder", "non-responder", "responder"], column: "y")
    #expect(l.labels == [1, 0, 1])
    #expect(l.mapping == ["non-responder": 0, "responder": 1])
  }

  @Test func numbersWithNaNAsMissing() throws {
    let l = try BinaryLabels(numbers: [0, 1, .nan, 1], column: "y")
    #expect(l.labels == [0, 1, nil, 1])
    #expect(l.missing == 1)
  }

  @Test func oneClassAndThreeClassesAreErrors() {
    do {
      _ = try BinaryLabels(values: ["1", "1", nil], column: "y")
      Issue.record("expected an error")
    } catch { #expect("\(error)".contains("need two classes, found 1"), "\(error)") }
    do {
      _ = try BinaryLabels(numbers: [0, 1, 2], column: "y")
      Issue.record("expected an error")
    } catch { #expect("\(error)".contains("exactly two classes, found 3"), "\(error)") }
  }

  @Test func waterfallOnALinearCurveSplitsAtTheMedian() throws {
    // 0…9 shuffled: perfectly linear when sorted (r = 1) → the lower 5 are sensitive.
    let v: [Double] = [7, 2, 9, 0, 5, 4, 1, 8, 3, 6, .nan]
    let w = try Waterfall.binarize(v)
    #expect(w.usedMedian)
    #expect(abs(w.linearity - 1) < 1e-12)
    #expect(w.threshold == 4)
    #expect(w.labels == [0, 1, 0, 1, 0, 1, 1, 0, 1, 0, nil])
  }

  @Test func waterfallOnAKneeCutsAtTheFarthestPointFromTheChord() throws {
    // Nine values near 0 and then a steep tail: r < 0.95; the farthest point from the chord
    // (0, 0) → (11, 100) is the last flat value (index 8, value 0.8).
    let v: [Double] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 30, 60, 100]
    let w = try Waterfall.binarize(v.reversed())
    #expect(!w.usedMedian)
    #expect(w.linearity < 0.95)
    #expect(w.threshold == 0.8)
    #expect(w.labels.compactMap { $0 }.filter { $0 == 1 }.count == 9)
  }

  @Test func waterfallRejectsConstantAndTooFewValues() {
    #expect(throws: OmicsError.self) { try Waterfall.binarize([1, 1, 1, 1, 1]) }
    #expect(throws: OmicsError.self) { try Waterfall.binarize([1, 2, .nan]) }
  }
}
