import Foundation
import OmicsCore

/// Writes a Hugging Face `datasets` folder (what `Dataset.save_to_disk` writes and
/// `datasets.load_from_disk` opens): `data-0000K-of-0000N.arrow` Arrow IPC streams,
/// `dataset_info.json` and `state.json`, with the features also stored as the Arrow schema's
/// `huggingface` metadata, as `datasets` does.
///
/// Everything is written into a temporary folder next to the destination and renamed into place by
/// `finish()`; `abandon()` (or a failure) removes it, so no partial output folder is ever left.
/// A new shard is started whenever the current one passes `maxShardBytes`.
public final class HFDatasetWriter {
  public let destination: String
  public let schema: ArrowSchema
  public let maxShardBytes: Int
  private let temporary: String
  private var shard: ArrowStreamWriter?
  private var shardPaths: [String] = []
  private var finished = false
  public private(set) var rowsWritten = 0
  public private(set) var bytesWritten = 0

  /// `fields`' types give the features (`list<int16>` → `List(Value('int16'))`, `utf8` → `string`).
  public init(destination: String, fields: [ArrowField], maxShardBytes: Int = 500_000_000) throws {
    self.destination = destination
    self.maxShardBytes = maxShardBytes
    let features = HFDatasetWriter.featuresJSON(fields)
    self.schema = ArrowSchema(fields: fields, metadata: [ArrowKeyValue("huggingface", "{\"info\": {\"features\": \(features)}}")])
    let url = URL(fileURLWithPath: destination)
    let parent = url.deletingLastPathComponent().path
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDir), isDir.boolValue else {
      throw OmicsError(file: destination, "the parent folder does not exist")
    }
    temporary = parent + "/." + url.lastPathComponent + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
    try? FileManager.default.removeItem(atPath: temporary)
    do {
      try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: false)
    } catch {
      throw OmicsError(file: destination, "cannot create the output folder: \(error.localizedDescription)")
    }
  }

  deinit { if !finished { abandon() } }

  /// Appends one record batch (columns in the order of `fields`).
  public func write(columns: [ArrowArrayData]) throws {
    do {
      if shard == nil || (shard?.bytesWritten ?? 0) >= maxShardBytes {
        try closeShard()
        let path = temporary + "/shard-\(shardPaths.count).arrow"
        shard = try ArrowStreamWriter(path: path, schema: schema)
        shardPaths.append(path)
      }
      try shard?.write(columns: columns)
      rowsWritten += columns.first?.length ?? 0
    } catch {
      abandon()
      throw error
    }
  }

  private func closeShard() throws {
    if let s = shard {
      try s.finish()
      bytesWritten += s.bytesWritten
      shard = nil
    }
  }

  /// Closes the last shard, names the shards `data-K-of-N.arrow`, writes the JSON files and moves
  /// the folder into place (replacing nothing: an existing destination is an error).
  public func finish() throws {
    do {
      if shardPaths.isEmpty {
        shard = try ArrowStreamWriter(path: temporary + "/shard-0.arrow", schema: schema)
        shardPaths.append(temporary + "/shard-0.arrow")
      }
      try closeShard()
      let n = shardPaths.count
      var names: [String] = []
      for (k, p) in shardPaths.enumerated() {
        let name = String(format: "data-%05d-of-%05d.arrow", k, n)
        names.append(name)
        if rename(p, temporary + "/" + name) != 0 {
          throw OmicsError(file: destination, "cannot rename a shard: \(String(cString: strerror(errno)))")
        }
      }
      let features = HFDatasetWriter.featuresJSON(schema.fields, indent: "  ")
      let info = "{\n  \"citation\": \"\",\n  \"description\": \"\",\n  \"features\": \(features),\n  \"homepage\": \"\",\n  \"license\": \"\"\n}"
      var fingerprint: UInt64 = 0xcbf2_9ce4_8422_2325
      for b in "\(rowsWritten) \(bytesWritten) \(destination)".utf8 { fingerprint = (fingerprint ^ UInt64(b)) &* 0x100_0000_01b3 }
      let files = names.map { "    {\n      \"filename\": \"\($0)\"\n    }" }.joined(separator: ",\n")
      let columns = schema.fields.map { "    \"\(HFDatasetWriter.escape($0.name))\"" }.joined(separator: ",\n")
      let state = """
        {
          "_data_files": [
        \(files)
          ],
          "_fingerprint": "\(String(format: "%016llx", fingerprint))",
          "_format_columns": [
        \(columns)
          ],
          "_format_kwargs": {},
          "_format_type": null,
          "_output_all_columns": false,
          "_split": null
        }
        """
      try Data(info.utf8).write(to: URL(fileURLWithPath: temporary + "/dataset_info.json"))
      try Data(state.utf8).write(to: URL(fileURLWithPath: temporary + "/state.json"))
      if FileManager.default.fileExists(atPath: destination) {
        throw OmicsError(file: destination, "already exists; remove it or choose another --out")
      }
      if rename(temporary, destination) != 0 {
        throw OmicsError(file: destination, "cannot move the finished folder into place: \(String(cString: strerror(errno)))")
      }
      finished = true
    } catch {
      abandon()
      throw error
    }
  }

  /// Removes the temporary folder (nothing is left behind).
  public func abandon() {
    if let s = shard { try? s.finish() }
    shard = nil
    finished = true
    try? FileManager.default.removeItem(atPath: temporary)
  }

  static func escape(_ s: String) -> String {
    var out = ""
    for c in s.unicodeScalars {
      switch c {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if c.value < 0x20 { out += String(format: "\\u%04x", c.value) } else { out.unicodeScalars.append(c) }
      }
    }
    return out
  }

  static func featureJSON(_ t: ArrowType, _ indent: String?, _ level: Int) -> String {
    let pad = indent.map { String(repeating: $0, count: level + 1) }
    let close = indent.map { String(repeating: $0, count: level) }
    func obj(_ items: [String]) -> String {
      if let pad, let close { return "{\n" + items.map { pad + $0 }.joined(separator: ",\n") + "\n" + close + "}" }
      return "{" + items.joined(separator: ", ") + "}"
    }
    switch t {
    case .list(let inner):
      return obj(["\"feature\": " + featureJSON(inner, indent, level + 1), "\"_type\": \"List\""])
    default:
      return obj(["\"dtype\": \"\(t.datasetsDType)\"", "\"_type\": \"Value\""])
    }
  }

  /// The `features` JSON object for these fields (compact, or indented as `dataset_info.json` is).
  public static func featuresJSON(_ fields: [ArrowField], indent: String? = nil) -> String {
    let level = indent == nil ? 0 : 1
    let pad = indent.map { String(repeating: $0, count: level + 1) }
    let close = indent.map { String(repeating: $0, count: level) }
    let items = fields.map { "\"\(escape($0.name))\": " + featureJSON($0.type, indent, level + 1) }
    if let pad, let close { return "{\n" + items.map { pad + $0 }.joined(separator: ",\n") + "\n" + close + "}" }
    return "{" + items.joined(separator: ", ") + "}"
  }
}
