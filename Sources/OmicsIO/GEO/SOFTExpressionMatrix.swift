import OmicsCore
import OrderedCollections

extension SOFTFile {
  /// The samples' value tables as one samples × probes matrix, like GEOparse's `pivot_samples("VALUE")`.
  ///
  /// - Samples: every `^SAMPLE` (of `platform` when given, matched on `!Sample_platform_id`). Without
  ///   `platform`, samples from more than one platform are an error that lists them.
  /// - var index: the `ID_REF` values (first column when there is no `ID_REF`) in order of first
  ///   appearance across the samples; a probe a sample lacks is NaN there, as is a sample with no table.
  /// - X: dense Float64 from `valueColumn` (`VALUE`); `null`/`NA`/empty are NaN, other text is an error
  ///   naming the line. An `ID_REF` repeated within one sample is an error.
  /// - obs: index = sample accessions, columns by the rules of `GEOSampleMetadata` (`title`,
  ///   `geo_accession`, characteristics by key, other attributes).
  /// - uns["series"]: the `^SERIES` attributes (strings, or string arrays when repeated), when there is one.
  public func expressionMatrix(valueColumn: String = "VALUE", platform: String? = nil) throws -> ExpressionMatrix {
    var chosen = samples
    if let platform {
      chosen = chosen.filter { $0.value("platform_id") == platform }
      if chosen.isEmpty {
        throw OmicsError(file: name, "no sample of platform \(platform) (platforms present: \(platformIDs(samples)))")
      }
    } else {
      let ids = Set(chosen.compactMap { $0.value("platform_id") })
      if ids.count > 1 {
        throw OmicsError(
          file: name, "the samples come from \(ids.count) platforms (\(platformIDs(chosen))); choose one with platform:")
      }
    }
    var probeIndex: [String: Int] = [:]
    var probes: [String] = []
    var perSample: [(ids: [Int], values: [Double])] = []
    for sample in chosen {
      guard let table = sample.table else {
        perSample.append(([], []))
        continue
      }
      guard let valueIndex = table.columnIndex(named: valueColumn) else {
        throw OmicsError.line(
          table.headerLine, file: name,
          "sample \(sample.accession) has no \(valueColumn) column (columns: \(table.columns.joined(separator: ", ")))")
      }
      let idColumn = table.columnIndex(named: "ID_REF") ?? 0
      let ids = table.strings(idColumn)
      let values = try table.doubles(valueIndex)
      var seen = Set<Int>()
      var positions: [Int] = []
      positions.reserveCapacity(ids.count)
      for (r, id) in ids.enumerated() {
        let p: Int
        if let existing = probeIndex[id] {
          p = existing
        } else {
          p = probes.count
          probeIndex[id] = p
          probes.append(id)
        }
        if !seen.insert(p).inserted {
          throw OmicsError.line(table.line(ofRow: r), file: name, "ID_REF '\(id)' appears twice in sample \(sample.accession)")
        }
        positions.append(p)
      }
      perSample.append((positions, values))
    }
    let nProbes = probes.count
    var X = [Double](repeating: .nan, count: chosen.count * nProbes)
    for (s, sample) in perSample.enumerated() {
      for (k, p) in sample.ids.enumerated() { X[s * nProbes + p] = sample.values[k] }
    }
    let metadata = chosen.map { sample -> [(key: String, value: String)] in
      var pairs: [(key: String, value: String)] = []
      if sample.attributes["geo_accession"] == nil { pairs.append(("geo_accession", sample.accession)) }
      for (key, values) in sample.attributes {
        for v in values { pairs.append((key, v)) }
      }
      return pairs
    }
    var uns: OrderedDictionary<String, Element> = [:]
    if let series {
      var dict: OrderedDictionary<String, Element> = [:]
      for (key, values) in series.attributes {
        dict[key] = values.count == 1 ? .string(values[0]) : .stringArray(StringArray(values))
      }
      uns["series"] = .dict(dict)
    }
    return ExpressionMatrix(
      X: .dense(DenseArray(shape: [chosen.count, nProbes], values: .float64(X))),
      obs: DataFrame(index: chosen.map { $0.accession }, columns: GEOSampleMetadata.columns(metadata)),
      var: DataFrame(index: probes), uns: uns)
  }

  private func platformIDs(_ samples: [SOFTEntity]) -> String {
    var seen: [String] = []
    for s in samples {
      let id = s.value("platform_id") ?? "?"
      if !seen.contains(id) { seen.append(id) }
    }
    return seen.joined(separator: ", ")
  }
}
