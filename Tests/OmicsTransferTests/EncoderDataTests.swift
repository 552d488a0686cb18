import Foundation
import OmicsCore
import OmicsNN
import OmicsTestSupport
import OmicsTransfer
import Testing

/// Geneformer's pretraining data path: the masked-LM collator's statistics and the Trainer's
/// length-grouped order (against transformers, `scripts/encoder_sampler_fixture.py`).
struct EncoderDataTests {
  @Test func lengthGroupedOrderEqualsTransformers() throws {
    let url = URL(fileURLWithPath: FixturePaths.fixture("encoder/length_grouped.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    let cases = try #require(json["cases"] as? [[String: Any]])
    #expect(cases.count == 5)
    for c in cases {
      let lengths = try #require(c["lengths"] as? [Int]), batch = try #require(c["batch_size"] as? Int)
      let permutation = try #require(c["permutation"] as? [Int]), expected = try #require(c["order"] as? [Int])
      #expect(LengthGroupedSampler.order(lengths: lengths, batchSize: batch, permutation: permutation) == expected,
              "n = \(lengths.count), batch \(batch)")
    }
  }

  @Test func batchesCoverEveryCellOnce() {
    var rng = SeededGenerator(seed: 1)
    let lengths = (0..<103).map { 5 + ($0 * 37) % 50 }
    let batches = LengthGroupedSampler.batches(lengths: lengths, batchSize: 8, rng: &rng)
    #expect(batches.count == 13 && batches.last?.count == 7)
    #expect(batches.flatMap { $0 }.sorted() == Array(0..<103))
    #expect(lengths[batches[0][0]] == lengths.max())
  }

  @Test func collatorMasksAsGeneformerExecutes() {
    // V2-style cells: <cls>=2 … <eos>=3, vocabulary 1,000
    var rng = SeededGenerator(seed: 5)
    var cells: [[Int32]] = []
    for i in 0..<400 {
      let genes: [Int32] = (0..<(20 + i % 30)).map { j in Int32(4 + (j * 7 + i) % 900) }
      cells.append([2] + genes + [3])
    }
    let collator = MaskedLMCollator(vocabulary: 1000)
    var selected = 0, eligible = 0, toMask = 0, toRandom = 0, kept = 0, clsSelected = 0, eosSelected = 0
    for start in stride(from: 0, to: cells.count, by: 20) {
      let group = Array(cells[start..<(start + 20)])
      let batch = collator.collate(group, rng: &rng)
      for (s, cell) in group.enumerated() {
        for p in 0..<batch.width {
          let i = s * batch.width + p
          if p >= cell.count {
            #expect(batch.ids[i] == 0 && batch.labels[i] == -100)  // padding: never selected
            continue
          }
          eligible += 1
          guard batch.labels[i] != -100 else { #expect(batch.ids[i] == Int(cell[p])); continue }
          selected += 1
          #expect(batch.labels[i] == Int(cell[p]))
          if p == 0 { clsSelected += 1 }
          if p == cell.count - 1 { eosSelected += 1 }
          if batch.ids[i] == 1 { toMask += 1 } else if batch.ids[i] == Int(cell[p]) { kept += 1 } else { toRandom += 1 }
        }
      }
    }
    let rate = Double(selected) / Double(eligible)
    #expect(abs(rate - 0.15) < 0.01, "selected \(rate)")
    #expect(abs(Double(toMask) / Double(selected) - 0.8) < 0.03)
    #expect(abs(Double(toRandom) / Double(selected) - 0.1) < 0.03)
    #expect(abs(Double(kept) / Double(selected) - 0.1) < 0.03)
    #expect(abs(Double(clsSelected) / 400 - 0.15) < 0.06 && abs(Double(eosSelected) / 400 - 0.15) < 0.06)
  }

  @Test func collatorSelectsAtLeastOnePosition() {
    var rng = SeededGenerator(seed: 2)
    let batch = MaskedLMCollator(vocabulary: 10, maskProbability: 1e-9).collate([[5, 6]], rng: &rng)
    #expect(batch.labels == [5, -100])
  }
}
