import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

/// Broad GSEA `.cls` phenotype files: categorical and `#numeric`, and one-line errors naming file
/// and line for every inconsistency.
@Suite struct CLSReaderTests {
  static func parse(_ text: String) throws -> CLSFile { try CLSFile.parse(TextFile(name: "p.cls", text: text)) }

  static func message(_ text: String) -> String {
    do {
      _ = try parse(text)
      return "no error"
    } catch { return "\(error)" }
  }

  @Test func broadCategoricalFromGSEApysTestData() throws {
    guard let path = FixturePaths.shared("gsea_fixtures/broad_gsea_edb/C1OE.cls") else {
      print("skipped: ../shared/data/gsea_fixtures/broad_gsea_edb/C1OE.cls is absent")
      return
    }
    let file = try CLSFile.read(path: path)
    #expect(file.content == .categorical(classNames: ["C1OE", "Vector"], labels: ["C1OE", "C1OE", "C1OE", "Vector", "Vector", "Vector"]))
    #expect(file.twoClasses == ["C1OE", "Vector"])
    #expect(file.sampleCount == 6)
  }

  @Test func labelsThatAreNotNamesMapInOrderOfFirstAppearance() throws {
    // GSEA's rule: the first label seen is the first class named, whatever its spelling.
    let file = try Self.parse("5\t2\t1\n# tumor normal\n1 1 0 1 0\n")
    #expect(file.content == .categorical(classNames: ["tumor", "normal"], labels: ["tumor", "tumor", "normal", "tumor", "normal"]))
    let three = try Self.parse("4 3 1\r\n#a b c\r\n\r\nc a b a\r\n")
    #expect(three.content == .categorical(classNames: ["a", "b", "c"], labels: ["c", "a", "b", "a"]))
    #expect(three.twoClasses == nil)
  }

  @Test func numericWithSeveralPhenotypes() throws {
    let file = try Self.parse("#numeric\n#dose\n0.5 1 1.5e1 -2\n#age\n30 41 52 63\n")
    #expect(file.content == .numeric([
      .init(name: "dose", values: [0.5, 1, 15, -2]), .init(name: "age", values: [30, 41, 52, 63]),
    ]))
    let (name, frame) = try file.column(for: ["a", "b", "c", "d"], phenotype: "age")
    #expect(name == "age" && frame.index == ["a", "b", "c", "d"])
    guard case .array(let a) = frame.columns["age"] else { Issue.record("not numeric"); return }
    #expect((0..<4).map { a.values.double(at: $0) } == [30, 41, 52, 63])
  }

  @Test(arguments: [
    ("", "p.cls: empty CLS file"),
    ("6 2\n# A B\nA A A B B B\n", "p.cls: line 1: expected '<samples> <classes> 1' (or '#numeric'), found '6 2'"),
    ("6 2 1\n", "p.cls: line 2: missing the class-name line ('# name1 name2 …')"),
    ("6 2 1\nA B\nA A A B B B\n", "p.cls: line 2: expected the class-name line '# name1 name2 …', found 'A B'"),
    ("6 2 1\n# A B C\nA A A B B B\n", "p.cls: line 2: 3 class names for 2 classes (line 1)"),
    ("6 2 1\n# A B\n", "p.cls: line 3: missing the line of sample labels"),
    ("6 2 1\n# A B\nA A B B B\n", "p.cls: line 3: 5 labels for 6 samples (line 1)"),
    ("4 2 1\n# A B\nA B C A\n", "p.cls: line 3: 3 distinct labels for 2 classes"),
    ("4 2 1\n# A B\nA B B A\nA\n", "p.cls: line 4: unexpected line after the sample labels"),
    ("#numeric\n", "p.cls: line 1: no phenotype follows '#numeric' (expected '#<name>' and a line of values)"),
    ("#numeric\n1 2 3\n", "p.cls: line 2: expected a '#<phenotype name>' line before the values"),
    ("#numeric\n#dose\n1 x 3\n", "p.cls: line 3: 'x' is not a finite number (phenotype 'dose')"),
    ("#numeric\n#dose\n#age\n1 2\n", "p.cls: line 2: phenotype 'dose' has no line of values"),
    ("#numeric\n#dose\n1 2 3\n#age\n1 2\n", "p.cls: line 5: 2 values for phenotype 'age', but 'dose' has 3"),
    ("#numeric\n#dose\n1 nan 3\n", "p.cls: line 3: 'nan' is not a finite number (phenotype 'dose')"),
  ])
  func badFilesAreOneLineErrors(text: String, expected: String) {
    let m = Self.message(text)
    #expect(m == expected)
    #expect(!m.contains("\n"))
  }

  @Test func sampleCountMustMatchTheMatrix() throws {
    let file = try Self.parse("3 2 1\n# A B\nA B A\n")
    #expect(throws: OmicsError(file: "p.cls", "labels 3 samples but the matrix has 4")) {
      try file.column(for: ["a", "b", "c", "d"])
    }
    #expect(throws: OmicsError.self) { try file.column(for: ["a", "b", "c"], phenotype: "dose") }
    let (name, frame) = try file.column(for: ["a", "b", "c"])
    #expect(name == "cls" && frame.strings("cls") == ["A", "B", "A"])
  }
}
