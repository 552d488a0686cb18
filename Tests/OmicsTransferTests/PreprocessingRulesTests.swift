import OmicsTransfer
import Testing

/// Per-domain min-max scaling and shared-gene alignment.
@Suite struct PreprocessingRulesTests {
  @Test func minMaxScalesEachGeneWithinTheDomainAndConstantGenesToZero() {
    // 3 rows × 3 genes: gene 0 in [1, 5], gene 1 constant 7, gene 2 in [−2, 2].
    var x: [Float] = [1, 7, -2,
                      5, 7, 0,
                      3, 7, 2]
    let fit = MinMaxScaler.scaleColumns(&x, rows: 3, cols: 3)
    #expect(x == [0, 0, 0,
                  1, 0, 0.5,
                  0.5, 0, 1])
    #expect(fit.minimum == [1, 7, -2])
    #expect(fit.range == [4, 0, 4])
  }

  @Test func alignmentKeepsSourceOrderAndCountsDroppedGenes() {
    let a = GeneAlignment(source: ["TP53", "EGFR", "MYC", "EGFR", "KRAS"], target: ["KRAS", "MYC", "GAPDH", "TP53", "MYC"])
    #expect(a.genes == ["TP53", "MYC", "KRAS"])
    #expect(a.sourceColumns == [0, 2, 4])
    #expect(a.targetColumns == [3, 1, 0])
    #expect(a.droppedFromSource == 2)  // EGFR (absent) and its repeat
    #expect(a.droppedFromTarget == 2)  // GAPDH and the second MYC
  }

  @Test func alignmentIsCaseSensitiveAndMayBeEmpty() {
    let a = GeneAlignment(source: ["tp53"], target: ["TP53"])
    #expect(a.genes.isEmpty)
    #expect(a.droppedFromSource == 1)
  }
}
