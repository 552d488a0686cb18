import Foundation
import OmicsCore

/// The members of a zip file whose entries are stored uncompressed, as `torch.save` writes them:
/// the central directory is read, and each member's bytes are a slice of the file.
public struct ZipArchive {
  public let path: String
  /// Member name → byte range of its data in `bytes`.
  public private(set) var members: [String: Range<Int>] = [:]
  /// Member names in directory order.
  public private(set) var names: [String] = []
  private let bytes: Data

  public init(path: String) throws {
    guard let data = FileManager.default.contents(atPath: path) else { throw OmicsError(file: path, "cannot read") }
    self.path = path
    bytes = data
    func fail(_ m: String) -> OmicsError { OmicsError(file: path, m) }
    func u16(_ at: Int) throws -> Int {
      guard at >= 0, at + 2 <= data.count else { throw fail("zip structure truncated at byte \(at)") }
      return Int(data[data.startIndex + at]) | Int(data[data.startIndex + at + 1]) << 8
    }
    func u32(_ at: Int) throws -> Int {
      let low = try u16(at), high = try u16(at + 2)
      return low | high << 16
    }
    // end of central directory: the last "PK\u{5}\u{6}" within 64 KiB + 22 bytes of the end
    var eocd = -1
    var at = data.count - 22
    while at >= max(0, data.count - 65_557) {
      if try u32(at) == 0x0605_4B50 { eocd = at; break }
      at -= 1
    }
    guard eocd >= 0 else { throw fail("not a zip archive (no end of central directory)") }
    let count = try u16(eocd + 10)
    var p = try u32(eocd + 16)
    if count == 0xFFFF || p == 0xFFFF_FFFF { throw fail("zip64 archives (over 4 GiB) are not supported; convert the checkpoint to model.safetensors") }
    for _ in 0..<count {
      guard try u32(p) == 0x0201_4B50 else { throw fail("bad central directory entry at byte \(p)") }
      let method = try u16(p + 10)
      let size = try u32(p + 20)
      let nameLength = try u16(p + 28), extraLength = try u16(p + 30), commentLength = try u16(p + 32)
      let local = try u32(p + 42)
      guard p + 46 + nameLength <= data.count else { throw fail("zip structure truncated at byte \(p)") }
      let name = String(decoding: data[(data.startIndex + p + 46)..<(data.startIndex + p + 46 + nameLength)], as: UTF8.self)
      guard method == 0 else { throw OmicsError(file: path, location: name, "is compressed (method \(method)); only stored members are read") }
      guard try u32(local) == 0x0403_4B50 else { throw OmicsError(file: path, location: name, "bad local header") }
      let localName = try u16(local + 26), localExtra = try u16(local + 28)
      let start = local + 30 + localName + localExtra
      guard start + size <= data.count else { throw OmicsError(file: path, location: name, "runs past the end of the file") }
      members[name] = start..<(start + size)
      names.append(name)
      p += 46 + nameLength + extraLength + commentLength
    }
  }

  /// The bytes of member `name`.
  public func data(_ name: String) throws -> Data {
    guard let range = members[name] else { throw OmicsError(file: path, location: name, "member missing") }
    return bytes.subdata(in: (bytes.startIndex + range.lowerBound)..<(bytes.startIndex + range.upperBound))
  }
}
