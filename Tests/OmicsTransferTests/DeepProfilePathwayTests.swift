import Foundation
import OmicsIO
import OmicsTransfer
import Testing

/// `node_pathways.tsv`: each node's top genes against every set — one-sided Fisher (hypergeometric
/// tail with the correct 2×2 table), BH across nodes per set, N = mean set size by default.
@Suite struct DeepProfilePathwayTests {
  @Test func plantedSetsAreFoundWithExactPValues() throws {
    let genes = (0..<20).map { "G\($0)" }
    // node 0 weights genes 0–4 highest, node 1 genes 10–14
    var w = [Double](repeating: 0, count: 2 * 20)
    for j in 0..<20 { w[j] = j < 5 ? 10 - Double(j) : 0.1; w[20 + j] = (10..<15).contains(j) ? 5 : 0.01 * Double(j) }
    let sets = try GeneSetCollection([
      GeneSet(name: "A", genes: ["G0", "G1", "G2", "G3", "G4", "OTHER"]),
      GeneSet(name: "B", genes: ["G10", "G11", "G12", "G13", "G14"]),
      GeneSet(name: "NONE", genes: ["X1", "X2"]),
    ])
    let (rows, n) = try NodePathways.test(weights: w, nodes: 2, genes: genes, sets: sets)
    #expect(n == 5)  // mean size of the sets that touch the training genes: (5 + 5)/2
    let a0 = try #require(rows.first { $0.node == 0 && $0.pathway == "A" })
    #expect(a0.overlap == 5 && a0.setSize == 5 && a0.topGenes == 5 && a0.genes == ["G0", "G1", "G2", "G3", "G4"])
    #expect(abs(a0.pValue - 1.0 / 15504) < 1e-15)  // P(X ≥ 5) = 1/C(20, 5)
    #expect(abs(a0.fdr - 2.0 / 15504) < 1e-15)     // BH over the two nodes (node 1's p = 1)
    let b1 = try #require(rows.first { $0.node == 1 && $0.pathway == "B" })
    #expect(b1.overlap == 5 && abs(b1.pValue - 1.0 / 15504) < 1e-15)
    #expect(!rows.contains { $0.pathway == "NONE" })
    #expect(!rows.contains { $0.node == 1 && $0.pathway == "A" })  // no overlap: not listed
    let text = String(decoding: try NodePathways.tsv(rows), as: UTF8.self)
    #expect(text.hasPrefix("node\tpathway\toverlap\tset_size\ttop_genes\tp_value\tfdr\tgenes\nnode_0\tA\t5\t5\t5\t"))
  }
}
