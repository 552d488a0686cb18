import Dispatch
import Foundation
import OmicsCore

/// The three dictionaries a tokenization needs, loaded once and checked.
public struct GeneformerDictionaries: Sendable {
  /// Gene or special token → token id.
  public let tokens: [String: Int32]
  /// True when the token file's gene ids are numpy int16 (V1 pickles).
  public let tokensAreInt16: Bool
  /// Gene → non-zero median.
  public let medians: [String: Double]
  /// Upper-cased id/symbol/alias → gene id, as the mapping file holds it; `tokenGene(for:)`
  /// applies upstream's filter (values that are token genes). Not filtered up front: a look-up per
  /// input column is cheaper than rebuilding a dictionary of hundreds of thousands of ids.
  public let mapping: [String: String]
  public let mappingIsIdentity: Bool
  public let cls: Int32?
  public let eos: Int32?
  public let medianPath: String

  public init(tokenDictionary: String, geneMedians: String, geneMapping: String?) throws {
    // the three files are read at once (the mapping pickle is the largest)
    final class Slot<T>: @unchecked Sendable { var value: Result<T, Error>? }
    let tokenSlot = Slot<(tokens: [String: Int32], order: [String], isInt16: Bool)>()
    let medianSlot = Slot<[String: Double]>()
    let mappingSlot = Slot<[String: String]?>()
    DispatchQueue.concurrentPerform(iterations: 3) { i in
      switch i {
      case 0: mappingSlot.value = Result { try geneMapping.map { try GeneDictionaryFile.mapping($0) } }
      case 1: tokenSlot.value = Result { try GeneDictionaryFile.tokens(tokenDictionary) }
      default: medianSlot.value = Result { try GeneDictionaryFile.medians(geneMedians) }
      }
    }
    guard let tokenResult = tokenSlot.value, let medianResult = medianSlot.value, let mappingResult = mappingSlot.value
    else { throw OmicsError("the dictionaries were not loaded") }
    let t = try tokenResult.get()
    tokens = t.tokens
    tokensAreInt16 = t.isInt16
    medians = try medianResult.get()
    let rawMapping = try mappingResult.get()
    medianPath = geneMedians
    cls = t.tokens["<cls>"]
    eos = t.tokens["<eos>"]
    if let raw = rawMapping {
      mapping = raw
      mappingIsIdentity = false
    } else {
      var identity: [String: String] = [:]
      for k in t.order where !Self.isSpecial(k) { identity[k.uppercased()] = k }
      mapping = identity
      mappingIsIdentity = true
    }
  }

  static func isSpecial(_ k: String) -> Bool { k.hasPrefix("<") && k.hasSuffix(">") }

  /// The token gene an (upper-cased) id maps to: the mapping's value when it is a token gene
  /// other than a special token (upstream `__init__` L428–432), else nil.
  public func tokenGene(for id: String) -> String? {
    guard let v = mapping[id], tokens[v] != nil, !Self.isSpecial(v) else { return nil }
    return v
  }
}

/// How the columns of one input file map onto token genes.
struct GenePlan {
  /// Column → gene slot, −1 when the column is not tokenized.
  var columnSlot: [Int32]
  /// Slot → token id; slots are numbered in order of the gene's first input column.
  var slotToken: [Int32]
  var slotMedian: [Double]
  /// Two or more columns feed one slot (counts are summed).
  var hasCollisions: Bool
  var mapped = 0
  var unmapped = 0
  var collapsed = 0
  var duplicates = 0
  var stripped = 0
  var duplicateExamples: [String] = []

  init(ids: [String], dictionaries d: GeneformerDictionaries, stripVersion: Bool, file: String) throws {
    columnSlot = [Int32](repeating: -1, count: ids.count)
    slotToken = []
    slotMedian = []
    hasCollisions = false
    var slotOf: [String: Int32] = [:]
    var firstID: [Int32: String] = [:]
    for (j, raw) in ids.enumerated() {
      var id = raw
      if stripVersion, let dot = id.lastIndex(of: "."), id.hasPrefix("ENS") || id.hasPrefix("ens"),
        !id[id.index(after: dot)...].isEmpty, id[id.index(after: dot)...].allSatisfy(\.isNumber)
      {
        id = String(id[..<dot])
        stripped += 1
      }
      guard let target = d.tokenGene(for: id.uppercased()) else {
        unmapped += 1
        continue
      }
      mapped += 1
      if let slot = slotOf[target] {
        columnSlot[j] = slot
        hasCollisions = true
        collapsed += 1
        if firstID[slot] == raw {
          duplicates += 1
          if duplicateExamples.count < 5 { duplicateExamples.append(raw) }
        }
        continue
      }
      guard let token = d.tokens[target] else { unmapped += 1; continue }
      guard let median = d.medians[target] else {
        throw OmicsError(file: d.medianPath, "token gene \(target) (column '\(raw)' of \(file)) has no median")
      }
      let slot = Int32(slotToken.count)
      slotOf[target] = slot
      firstID[slot] = raw
      slotToken.append(token)
      slotMedian.append(median)
      columnSlot[j] = slot
    }
  }
}
