import Foundation
import OmicsCore
import OrderedCollections

/// Turns GEO sample attributes into obs columns (internal; shared by the series-matrix and SOFT readers).
///
/// Input: per sample, its `(key, value)` pairs in file order, keys without the `!Sample_` prefix
/// (`title`, `source_name_ch1`, `characteristics_ch1`, …). Output columns, all string arrays with
/// `""` for missing:
///
/// 1. `title` and `geo_accession` first (when present);
/// 2. one column per characteristic key: each `characteristics_chN` value `"key: value"` is split at
///    its first `:` and filed under `key` — by the cell's own prefix, never by row position, so ragged
///    rows where samples list different characteristics line up. A key seen on more than one channel,
///    or one that equals another column's name, is written `key:chN` instead (GEOquery's style). A value
///    without a `key:` prefix goes to `characteristics_chN`. A key repeated within one sample has its
///    values joined with `"; "`;
/// 3. every other field, in first-seen order, named by its key; a field given several times for one
///    sample (`data_processing`, `description`, `contact_*` spread over rows) has its values joined
///    with `"; "`. Fields empty for every sample are dropped.
enum GEOSampleMetadata {
  static func columns(_ samples: [[(key: String, value: String)]]) -> OrderedDictionary<String, Element> {
    let n = samples.count
    var regular: OrderedDictionary<String, [[String]]> = [:]
    // (characteristic key, channel) → per-sample values
    var characteristics: OrderedDictionary<Characteristic, [[String]]> = [:]
    for (s, pairs) in samples.enumerated() {
      for (key, rawValue) in pairs {
        let value = rawValue.trimmingCharacters(in: .whitespacesAndNewlines)
        if let channel = characteristicsChannel(key) {
          if value.isEmpty { continue }
          var name = key
          var text = value
          if let colon = value.firstIndex(of: ":") {
            let k = value[..<colon].trimmingCharacters(in: .whitespaces)
            if !k.isEmpty {
              name = k
              text = value[value.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
          }
          let c = Characteristic(key: name, channel: channel)
          characteristics[c, default: Array(repeating: [], count: n)][s].append(text)
        } else {
          var column = regular[key] ?? Array(repeating: [], count: n)
          if !value.isEmpty { column[s].append(value) }
          regular[key] = column
        }
      }
    }
    var out: OrderedDictionary<String, Element> = [:]
    func joined(_ values: [[String]]) -> Element {
      .stringArray(StringArray(values.map { $0.joined(separator: "; ") }))
    }
    for key in ["title", "geo_accession"] {
      if let values = regular.removeValue(forKey: key) { out[key] = joined(values) }
    }
    regular = regular.filter { _, values in values.contains { !$0.isEmpty } }
    var channelsPerKey: [String: Set<Int>] = [:]
    for c in characteristics.keys { channelsPerKey[c.key, default: []].insert(c.channel) }
    for (c, values) in characteristics {
      var name = c.key
      if (channelsPerKey[c.key]?.count ?? 0) > 1 || regular[name] != nil || out[name] != nil {
        name = "\(c.key):ch\(c.channel)"
      }
      if let existing = out[name], case .stringArray(let previous) = existing {
        // Only reachable when a key already ends in ":chN"; merge rather than overwrite.
        let merged = zip(previous.values, values).map { old, new in ([old] + new).filter { !$0.isEmpty } }
        out[name] = joined(merged)
      } else {
        out[name] = joined(values)
      }
    }
    for (key, values) in regular where out[key] == nil { out[key] = joined(values) }
    return out
  }

  /// N for keys `characteristics_chN`, else nil.
  static func characteristicsChannel(_ key: String) -> Int? {
    let prefix = "characteristics_ch"
    guard key.lowercased().hasPrefix(prefix) else { return nil }
    return Int(key.dropFirst(prefix.count))
  }

  struct Characteristic: Hashable {
    var key: String
    var channel: Int
  }
}
