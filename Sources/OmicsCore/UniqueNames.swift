/// Makes names unique the way anndata's `make_index_unique` does (`var_names_make_unique`):
/// the first occurrence keeps its name, later ones get `-1`, `-2`, … skipping names already taken.
public func makeUniqueNames(_ names: [String], separator: String = "-") -> [String] {
  var seen = Set<String>()
  var duplicatePositions: [Int] = []
  for (i, name) in names.enumerated() where !seen.insert(name).inserted {
    duplicatePositions.append(i)
  }
  if duplicatePositions.isEmpty { return names }
  var taken = Set(names)
  var counter: [String: Int] = [:]
  var out = names
  for i in duplicatePositions {
    let base = names[i]
    while true {
      let n = (counter[base] ?? 0) + 1
      counter[base] = n
      let candidate = base + separator + String(n)
      if !taken.contains(candidate) {
        taken.insert(candidate)
        out[i] = candidate
        break
      }
    }
  }
  return out
}
