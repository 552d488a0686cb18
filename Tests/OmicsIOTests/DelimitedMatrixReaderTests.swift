import Foundation
import OmicsCore
import OmicsTestSupport
import Testing

@testable import OmicsIO

@Suite struct DelimitedMatrixReaderTests {
  func read(_ name: String, _ text: String, _ options: DelimitedMatrixReader.Options = .init()) throws -> ExpressionMatrix {
    try DelimitedMatrixReader.parse(TextFile(name: name, text: text), options: options)
  }

  func error(_ name: String, _ text: String, _ options: DelimitedMatrixReader.Options = .init()) -> String? {
    do {
      _ = try read(name, text, options)
      return nil
    } catch { return "\(error)" }
  }

  @Test func pandasStyleCSVGenesByCellsIsTransposed() throws {
    let m = try read("counts.csv", "gene,c1,c2,c3\nCD3D,1,0,2.5\nNKG7,0,4,\n")
    #expect(m.obs.index == ["c1", "c2", "c3"])
    #expect(m.var.index == ["CD3D", "NKG7"])
    #expect(m.var.indexName == "gene")
    guard case .dense(let X)? = m.X else {
      Issue.record("expected dense X")
      return
    }
    #expect(X.shape == [3, 2])
    let v = X.values.floats()
    #expect(v[0] == 1 && v[1] == 0 && v[2] == 0 && v[3] == 4 && v[4] == 2.5 && v[5].isNaN)
    #expect(X.scalarType == .float32)
  }

  @Test func rWriteTableHeaderHasOneFieldFewer() throws {
    let m = try read(
      "GSE1_counts.txt", "\"c1\"\t\"c2\"\n\"Gene A\"\t1\t2\n\"B\"\tNA\t3\n", .init(precision: .float64))
    #expect(m.obs.index == ["c1", "c2"])
    #expect(m.var.index == ["Gene A", "B"])
    #expect(m.var.indexName == "_index")
    let x = m.X?.denseDoubles() ?? []
    #expect(x.count == 4 && x[0] == 1 && x[1].isNaN && x[2] == 2 && x[3] == 3)
    #expect(m.X?.scalarType == .float64)
  }

  @Test func cellsByGenesKeepsOrientation() throws {
    let m = try read("x.tsv", "cell\tG1\tG2\tG1\nAAAC\t1\t2\t3\nAAAG\t4\t5\t6\n", .init(rowsAreGenes: false))
    #expect(m.obs.index == ["AAAC", "AAAG"])
    #expect(m.obs.indexName == "cell")
    #expect(m.var.index == ["G1", "G2", "G1-1"])
    #expect(m.X?.denseDoubles() == [1, 2, 3, 4, 5, 6])
    let raw = try read("x.tsv", "cell\tG1\tG1\nA\t1\t2\n", .init(rowsAreGenes: false, makeVarNamesUnique: false))
    #expect(raw.var.index == ["G1", "G1"])
  }

  @Test func quotedFieldsMissingValuesAndBlanks() throws {
    let m = try read(
      "q.csv",
      "\"\",\"a,1\",\"b \"\"x\"\"\"\r\n\"g,1\", 1.5 ,\"2\"\r\n\r\ng2,null,N/A\r\ng3,NaN,-inf\r\n")
    #expect(m.obs.index == ["a,1", "b \"x\""])
    #expect(m.var.index == ["g,1", "g2", "g3"])
    let x = m.X?.denseDoubles() ?? []
    #expect(x.count == 6)
    #expect(x[0] == 1.5 && x[1].isNaN && x[2].isNaN && x[3] == 2 && x[4].isNaN && x[5] == -.infinity)
  }

  @Test func delimiterByExtensionOptionOrSniffing() throws {
    #expect(DelimitedMatrixReader.delimiter(forFileName: "a.CSV.gz") == ",")
    #expect(DelimitedMatrixReader.delimiter(forFileName: "a.tsv") == "\t")
    #expect(DelimitedMatrixReader.delimiter(forFileName: "a.txt") == nil)
    // Sniffed: tabs win over commas in names.
    let tab = try read("a.txt", "g\tc,1\tc2\nx\t1\t2\n")
    #expect(tab.obs.index == ["c,1", "c2"])
    let blanks = try read("a.txt", "c1  c2\ng1   1 2\ng2 3    4\n")
    #expect(blanks.obs.index == ["c1", "c2"])
    #expect(blanks.X?.denseDoubles() == [1, 3, 2, 4])
    let semicolon = try read("a.txt", "g;c1\nx;7\n", .init(delimiter: ";"))
    #expect(semicolon.X?.denseDoubles() == [7])
    #expect(error("a.txt", "g\n", .init(delimiter: "é")) == "a.txt: the delimiter must be one ASCII character other than '\"', got 'é'")
  }

  @Test func trailingDelimitersAreTolerated() throws {
    let m = try read("t.tsv", "g\tc1\tc2\t\nx\t1\t2\t\ny\t3\t4\n")
    #expect(m.obs.index == ["c1", "c2"])
    #expect(m.X?.denseDoubles() == [1, 3, 2, 4])
    // R header (2 names), a row whose last value is empty: the empty field is a NaN, not a trailing delimiter.
    let r = try read("t.tsv", "c1\tc2\nx\t1\t\n")
    #expect(r.obs.index == ["c1", "c2"])
    #expect(r.X?.denseDoubles().last?.isNaN == true)
  }

  @Test func headerOnlyAndGzip() throws {
    let empty = try read("h.csv", "gene,c1,c2\n")
    #expect(empty.nObs == 2 && empty.nVars == 0)
    #expect(empty.validateShapes() == nil)
    let dir = FixturePaths.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/GSE1_matrix.csv.gz"
    try Gunzip.deflate(Data("gene,s1\nA,1\nB,2\n".utf8)).write(to: URL(fileURLWithPath: path))
    let m = try DelimitedMatrixReader.read(path)
    #expect(m.var.index == ["A", "B"] && m.X?.denseDoubles() == [1, 2])
  }

  @Test func truncatedGzipFixture() {
    let path = FixturePaths.fixture("bad/truncated.txt.gz")
    guard FileManager.default.fileExists(atPath: path) else { return }  // made by scripts/make_fixtures.py
    do {
      _ = try DelimitedMatrixReader.read(path)
      Issue.record("a truncated file must not read")
    } catch {
      #expect("\(error)".hasPrefix(path + ": truncated gzip stream"))
    }
  }

  @Test func errorsNameLineRowAndColumn() {
    #expect(error("e.csv", "") == "e.csv: line 1: empty file, expected a header row of column names")
    #expect(error("e.csv", "\n\n") == "e.csv: line 2: empty file, expected a header row of column names")
    #expect(error("e.csv", "g,c1,c2\nx,1,2,3,4\n")
      == "e.csv: line 2: has 5 fields but the header (line 1) has 3; expected 3 (header with a corner field) or 4 (R write.table header)")
    #expect(error("e.csv", "g,c1,c2\nx,1,2\ny,1\n") == "e.csv: line 3: has 2 fields, expected 3 like the rows above")
    #expect(error("e.csv", "g,c1,c2\nx,1,2\ny,1,abc\n")
      == "e.csv: line 3: value 'abc' in column 'c2' (row 'y') is not a number")
    #expect(error("e.csv", "g,c1\n\"x,1\n") == "e.csv: line 2: field 1 has an opening quote without a closing one")
    #expect(error("e.csv", "g,\"c1\"x\n") == "e.csv: line 1: field 2 has text after its closing quote")
  }
}

@Suite struct DelimitedTextParsingTests {
  func double(_ s: String) -> Double? {
    var bytes = Array(s.utf8)
    return bytes.withUnsafeMutableBufferPointer { ASCIINumberParser.double(UnsafeBufferPointer($0)) }
  }

  func int(_ s: String) -> Int64? {
    var bytes = Array(s.utf8)
    return bytes.withUnsafeMutableBufferPointer { ASCIINumberParser.int64(UnsafeBufferPointer($0)) }
  }

  @Test func doublesAreCorrectlyRounded() {
    let cases = [
      "0", "-0", "1", "+2", "0.1", "1e-3", "1E+00", "123456789012345678", "1234567890123456789012",
      "0.30000000000000004", "3.4028236e38", "2.2250738585072014e-308", "4.9e-324", "1e-400", "1.7976931348623157e308",
      "9007199254740993", "0.000000000000000000000000001", "12.5e10", ".5", "5.", "-.5e-1", "7.12",
    ]
    for c in cases {
      #expect(double(c) == Double(c), "\(c)")
    }
    #expect(double("1e999") == .infinity)
    #expect(double("-0")?.sign == .minus)
    #expect(double("nan")?.isNaN == true && double("-Inf") == -.infinity && double("Infinity") == .infinity)
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<5000 {
      let v = Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF)
      let text = "\(v)"
      #expect(double(text) == v, "\(text)")
      let short = String(format: "%.6g", v)
      #expect(double(short) == Double(short), "\(short)")
    }
    for bad in ["", "-", "+", ".", "e5", "1e", "1e+", "1.2.3", "0x10", "1,5", "abc", "1 2", "nana", "--1"] {
      #expect(double(bad) == nil, "\(bad)")
    }
  }

  @Test func integers() {
    #expect(int("0") == 0 && int("-12") == -12 && int("+7") == 7)
    #expect(int("9223372036854775807") == .max && int("-9223372036854775808") == .min)
    #expect(int("9223372036854775808") == nil && int("") == nil && int("-") == nil && int("1.0") == nil)
  }

  @Test func missingTokens() {
    for token in ["", "NA", "nan", "NaN", "null", "NULL", "Null", "N/A", "#N/A", "None", "<NA>", "-nan"] {
      var bytes = Array(token.utf8)
      #expect(bytes.withUnsafeMutableBufferPointer { MissingValueTokens.isMissing(UnsafeBufferPointer($0)) }, "\(token)")
    }
    for token in ["0", "n/a?", "NAN1", "nil", "-"] {
      var bytes = Array(token.utf8)
      #expect(!bytes.withUnsafeMutableBufferPointer { MissingValueTokens.isMissing(UnsafeBufferPointer($0)) }, "\(token)")
    }
  }

  @Test func lineCursorMatchesTextFile() throws {
    let text = "\u{FEFF}a\r\nb\n\nlast"
    let file = TextFile(name: "t", text: text)
    var lines: [String] = []
    var numbers: [Int] = []
    file.bytes.withUnsafeBytes { raw in
      var cursor = ByteLineCursor(raw)
      while let line = cursor.next() {
        lines.append(line.decodedString)
        numbers.append(cursor.lineNumber)
      }
    }
    #expect(lines == (try file.lines()))
    #expect(lines == ["a", "b", "", "last"])
    #expect(numbers == [1, 2, 3, 4])
  }
}
