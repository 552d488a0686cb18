import Foundation
import OmicsCore
import OmicsIO
import OmicsTestSupport
import Testing

@testable import OmicsEnrichment

/// Ranked lists and matrices mapped through the HCOP 15-column fixture (min-support 1, so C4A/C4B
/// ↔ C4a/C4b is n:m and FCGR3A → Fcgr4, Fcgr3 is 1:n).
@Suite struct OrthologListMappingTests {
  static func mapper(_ policy: OrthologMapper.Policy = .minimumSupport(1)) throws -> OrthologMapper {
    OrthologMapper(table: try OrthologTable.read(path: FixturePaths.fixture("orthologs/human_mouse_hcop_fifteen_column.txt")), policy: policy)
  }

  @Test func rankedListCollapsesManyToOne() throws {
    let list = try RankedList(name: "de", genes: ["TP53", "C4A", "C4B", "FCGR3A", "GAPDH", "1-MAR", "NOPE"],
      scores: [3, 2, -5, -1, 0.5, 4, 1])
    let (out, s) = try Self.mapper().map(list)
    #expect(out.genes == ["Trp53", "Gapdh", "Fcgr4", "Fcgr3", "C4a", "C4b"])
    #expect(out.scores == [3, 0.5, -1, -1, -5, -5])
    #expect(s.mapped == 5 && s.dropped == 2 && s.ambiguous == 3 && s.collapsedTargets == 2 && s.outputGenes == 6)
    #expect(s.spreadsheetDamaged == ["1-MAR"])
    #expect(s.description.hasSuffix("1 input gene looks like spreadsheet-converted dates (1-MAR)"))
    let (mean, _) = try Self.mapper().map(list, collapse: .mean)
    #expect(mean.genes == ["Trp53", "Gapdh", "Fcgr4", "Fcgr3", "C4a", "C4b"])
    #expect(mean.scores == [3, 0.5, -1, -1, -1.5, -1.5])
    // |+2| = |−2|: the higher-ranked input (+2) wins.
    let tie = try RankedList(genes: ["C4A", "C4B"], scores: [2, -2])
    #expect(try Self.mapper().map(tie).list.scores == [2, 2])
  }

  static let genes = ["TP53", "C4A", "C4B", "FCGR3A", "NOPE"]
  static let values: [Double] = [1, 2, 3, 4, 5, 0, -6, 0, 8, 9]

  static func matrix(sparse: Bool) -> ExpressionMatrix {
    let X: Matrix
    if sparse {
      // CSC on purpose (converted to CSR on output).
      var indptr: [Int64] = [0]
      var indices: [Int32] = []
      var data: [Float] = []
      for c in 0..<5 {
        for r in 0..<2 where values[r * 5 + c] != 0 { indices.append(Int32(r)); data.append(Float(values[r * 5 + c])) }
        indptr.append(Int64(indices.count))
      }
      X = .sparse(SparseMatrix(layout: .csc, rows: 2, cols: 5, indptr: indptr, indices: indices, data: .float32(data)))
    } else {
      X = .dense(DenseArray(shape: [2, 5], values: .float32(values.map { Float($0) })))
    }
    return ExpressionMatrix(X: X, obs: DataFrame(index: ["c1", "c2"]), var: DataFrame(index: genes),
      varm: ["PCs": .array(DenseArray(shape: [5, 1], values: .float64([1, 2, 3, 4, 5])))])
  }

  @Test(arguments: [false, true]) func matrixAggregation(sparse: Bool) throws {
    let m = Self.matrix(sparse: sparse)
    let expected: [OrthologMatrixMapping.Aggregation: [Double]] = [
      .sum: [1, 5, 5, 4, 4, 0, -6, -6, 8, 8],
      .mean: [1, 2.5, 2.5, 4, 4, 0, -3, -3, 8, 8],
      .max: [1, 3, 3, 4, 4, 0, 0, 0, 8, 8],  // max(−6, 0): C4B's zero takes part
    ]
    for (aggregate, values) in expected {
      let (out, s, dropped) = try OrthologMatrixMapping.map(m, genes: m.var.index, mapper: Self.mapper(), aggregate: aggregate)
      #expect(out.var.index == ["Trp53", "C4a", "C4b", "Fcgr4", "Fcgr3"])
      #expect(out.X?.denseDoubles() == values, "\(aggregate)")
      #expect(out.X?.scalarType == .float32)
      if sparse, case .sparse(let x)? = out.X { #expect(x.layout == .csr && x.validate() == nil) }
      #expect(out.var.strings("source_genes") == ["TP53", "C4A;C4B", "C4A;C4B", "FCGR3A", "FCGR3A"])
      #expect(s.mapped == 4 && s.dropped == 1 && s.ambiguous == 3 && s.collapsedTargets == 2)
      #expect(dropped == ["varm"] && out.varm.isEmpty && out.validateShapes() == nil)
    }
  }

  @Test func spreadsheetDamageRule() {
    for damaged in ["1-MAR", "2-Sep", "10-dec", "1-Dec", "Mar-01", "SEP-2", "1-Mar-2023", "01-Sep-23", "2023-09-01", "9/1/2023", "1/12/23"] {
      #expect(SpreadsheetDamage.looksDamaged(damaged), "\(damaged)")
    }
    for fine in ["MARCHF1", "SEPTIN2", "1-MARCH", "123-MAR", "A-MAR", "2023-13-01", "HLA-A", "NKX2-1", "C1orf112", "12/2023", "MAR-123"] {
      #expect(!SpreadsheetDamage.looksDamaged(fine), "\(fine)")
    }
    #expect(SpreadsheetDamage.damaged(in: ["A", "1-MAR", "B", "1-MAR", "2-SEP"]) == ["1-MAR", "2-SEP"])
  }
}
