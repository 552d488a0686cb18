import Foundation
import OmicsCore
import OmicsIO

/// Model checkpoints in the Hugging Face layout: a folder with `config.json` and `model.safetensors`.
///
/// Tensor names are the `ParameterStore` names, i.e. PyTorch state-dict keys, so
/// `safetensors.torch.load_file` + `model.load_state_dict` read our files and we read theirs.
/// Parameters and buffers are written in the store's precision (F32/F64), counters
/// (`num_batches_tracked`) as I64 scalars, as PyTorch has them. The folder is written to a
/// temporary name and renamed, so a failed save leaves nothing behind.
public enum Checkpoint {
  /// The safetensors entries for every entry of `store` (names prefixed by `prefix`).
  public static func entries<T: NNScalar>(of store: ParameterStore<T>, prefix: String = "") -> [SafeTensorsWriter.Entry] {
    store.entries.map { e in
      let values = Array(store.values[e.range])
      let name = prefix + e.name
      if e.kind == .counter { return .int64(name, shape: e.shape, values.map { Int64(Double($0)) }) }
      if T.self == Float.self { return .float32(name, shape: e.shape, values.map { Float($0) }) }
      return .float64(name, shape: e.shape, values.map { Double($0) })
    }
  }

  /// Writes `dir/config.json` (the given JSON object, pretty-printed with sorted keys) and
  /// `dir/model.safetensors`. An existing folder is replaced only after the new one is complete.
  public static func save<T: NNScalar>(_ store: ParameterStore<T>, config: [String: Any], to dir: String) throws {
    guard JSONSerialization.isValidJSONObject(config) else {
      throw OmicsError(file: dir, "config is not a JSON object")
    }
    let fm = FileManager.default
    let tmp = dir + ".tmp-\(getpid())"
    try? fm.removeItem(atPath: tmp)
    do {
      try fm.createDirectory(atPath: tmp, withIntermediateDirectories: true)
      let json = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
      try json.write(to: URL(fileURLWithPath: tmp + "/config.json"))
      try SafeTensorsWriter.write(entries(of: store), to: tmp + "/model.safetensors")
      if fm.fileExists(atPath: dir) { try fm.removeItem(atPath: dir) }
      try fm.moveItem(atPath: tmp, toPath: dir)
    } catch let e as OmicsError {
      try? fm.removeItem(atPath: tmp)
      throw e
    } catch {
      try? fm.removeItem(atPath: tmp)
      throw OmicsError(file: dir, "cannot write checkpoint: \(error.localizedDescription)")
    }
  }

  /// Loads every entry of `store` from `file` (names `prefix + name`). Shapes must match
  /// (`[]` and `[1]` for counters agree); a missing tensor is an error unless `strict` is false.
  /// Values of another precision are converted.
  public static func load<T: NNScalar>(_ store: ParameterStore<T>, from file: SafeTensorsFile, prefix: String = "",
                                       strict: Bool = true) throws {
    try load(store, from: file, strict: strict, key: { prefix + $0 })
  }

  /// Loads with an explicit mapping from model names to checkpoint keys (to read a sub-module saved
  /// under another prefix, e.g. `predictor.X` ← `bulk_pred.X`).
  public static func load<T: NNScalar>(_ store: ParameterStore<T>, from file: SafeTensorsFile, strict: Bool = true,
                                       key mapping: (String) -> String) throws {
    for e in store.entries {
      let key = mapping(e.name)
      guard let info = file.info(key) else {
        if strict { throw OmicsError(file: file.path, location: key, "tensor missing from the checkpoint") }
        continue
      }
      guard info.elementCount == e.count, info.shape == e.shape || e.kind == .counter else {
        throw OmicsError(file: file.path, location: key, "shape \(info.shape) does not match the model's \(e.shape)")
      }
      let values: [T] = T.self == Float.self
        ? try file.floats(key).map { T($0) }
        : try file.doubles(key).map { T($0) }
      if let bad = values.first(where: { !$0.isFinite }) {
        throw OmicsError(file: file.path, location: key, "non-finite value \(bad)")
      }
      try store.set(e.name, values, file: file.path)
    }
  }

  /// Reads `dir/config.json` and loads `dir/model.safetensors` into `store`.
  public static func load<T: NNScalar>(_ store: ParameterStore<T>, fromDirectory dir: String) throws -> [String: Any] {
    let configPath = dir + "/config.json"
    guard let data = FileManager.default.contents(atPath: configPath) else {
      throw OmicsError(file: configPath, "cannot read")
    }
    guard let config = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
      throw OmicsError(file: configPath, "not a JSON object")
    }
    try load(store, from: SafeTensorsFile(path: dir + "/model.safetensors"))
    return config
  }
}
