import OmicsNN

extension ParameterStore where Scalar == Float {
  /// Copies every entry of `other` whose name (after `rename`) exists here with the same element
  /// count — parameters, BatchNorm buffers and counters alike (a warm start). Returns the number copied.
  @discardableResult
  func copyMatching(from other: ParameterStore<Float>, rename: (String) -> String = { $0 }) -> Int {
    var copied = 0
    for e in other.entries {
      guard let mine = entry(rename(e.name)), mine.count == e.count else { continue }
      values.replaceSubrange(mine.range, with: other.values[e.range])
      copied += 1
    }
    return copied
  }
}
