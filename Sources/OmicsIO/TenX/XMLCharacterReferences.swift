/// Decodes the XML character references that Cell Ranger and Loom < 3.0 use to store non-ASCII
/// text in fixed-length ASCII strings (`&#233;`, `&#xE9;`, `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`).
enum XMLCharacterReferences {
  static func decode(_ text: String) -> String {
    guard text.contains("&") else { return text }
    var out = ""
    var rest = Substring(text)
    while let amp = rest.firstIndex(of: "&") {
      out += rest[..<amp]
      let after = rest[amp...]
      if let semi = after.firstIndex(of: ";"), after.distance(from: amp, to: semi) <= 10 {
        let entity = after[after.index(after: amp)..<semi]
        if let scalar = scalar(for: entity) {
          out.unicodeScalars.append(scalar)
          rest = after[after.index(after: semi)...]
          continue
        }
      }
      out.append("&")
      rest = after.dropFirst()
    }
    out += rest
    return out
  }

  private static func scalar(for entity: Substring) -> Unicode.Scalar? {
    switch entity {
    case "amp": return "&"
    case "lt": return "<"
    case "gt": return ">"
    case "quot": return "\""
    case "apos": return "'"
    default: break
    }
    guard entity.hasPrefix("#") else { return nil }
    let digits = entity.dropFirst()
    let value: UInt32?
    if digits.hasPrefix("x") || digits.hasPrefix("X") {
      value = UInt32(digits.dropFirst(), radix: 16)
    } else {
      value = UInt32(digits, radix: 10)
    }
    return value.flatMap(Unicode.Scalar.init)
  }
}
