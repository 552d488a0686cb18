import Foundation
import OmicsCore

/// Reads a PyTorch `pytorch_model.bin` (torch.save's zip format: `<root>/data.pkl` + raw storages
/// `<root>/data/<key>`) without Python: the pickle is decoded by `PickleReader` (a state dict of
/// tensors only — no code is run), every tensor is gathered from its storage honouring offset and
/// strides, and the result is returned as an in-memory safetensors file so that everything that
/// loads `model.safetensors` loads it too. Float32, Float64 and Int64 tensors are read.
public enum TorchCheckpointReader {
  public static func read(path: String) throws -> SafeTensorsFile {
    let archive = try ZipArchive(path: path)
    guard let pickleName = archive.names.first(where: { $0.hasSuffix("/data.pkl") || $0 == "data.pkl" }) else {
      throw OmicsError(file: path, "no data.pkl member: not a torch.save zip checkpoint (the legacy format is not read)")
    }
    let root = String(pickleName.dropLast("data.pkl".count))
    if let order = try? archive.data(root + "byteorder"), String(decoding: order, as: UTF8.self) != "little" {
      throw OmicsError(file: path, location: root + "byteorder", "big-endian checkpoints are not supported")
    }
    let value = try PickleReader.decode([UInt8](try archive.data(pickleName)), file: path)
    guard case .dict(let keys, let values) = value else {
      throw OmicsError(file: path, location: pickleName, "holds a \(value.typeName), not a state dict")
    }
    var entries: [SafeTensorsWriter.Entry] = []
    var storages: [String: Data] = [:]
    for (k, v) in zip(keys, values) {
      guard case .string(let name) = k else { throw OmicsError(file: path, location: pickleName, "a state-dict key is a \(k.typeName)") }
      guard case .torchTensor(let t) = v else { continue }  // non-tensor entries (e.g. metadata) are skipped
      let (dtype, width): (SafeTensorsDType, Int)
      switch t.storageType {
      case "Float": (dtype, width) = (.F32, 4)
      case "Double": (dtype, width) = (.F64, 8)
      case "Long": (dtype, width) = (.I64, 8)
      default: throw OmicsError(file: path, location: name, "storage type \(t.storageType) is not read (Float, Double, Long)")
      }
      if storages[t.storageKey] == nil { storages[t.storageKey] = try archive.data(root + "data/" + t.storageKey) }
      let storage = storages[t.storageKey]!
      let count = t.shape.reduce(1, *)
      var out = Data(count: count * width)
      // gather element by element in row-major order of `shape`, following `stride`
      var index = [Int](repeating: 0, count: t.shape.count)
      let limit = storage.count / width
      try storage.withUnsafeBytes { (src: UnsafeRawBufferPointer) in
        try out.withUnsafeMutableBytes { (dst: UnsafeMutableRawBufferPointer) in
          for e in 0..<count {
            var position = t.offset
            for (axis, i) in index.enumerated() { position += i * t.stride[axis] }
            guard position >= 0, position < limit else {
              throw OmicsError(file: path, location: name, "element outside its storage (\(position) of \(limit))")
            }
            dst.baseAddress!.advanced(by: e * width).copyMemory(from: src.baseAddress!.advanced(by: position * width), byteCount: width)
            var axis = index.count - 1
            while axis >= 0 {
              index[axis] += 1
              if index[axis] < t.shape[axis] { break }
              index[axis] = 0
              axis -= 1
            }
          }
        }
      }
      entries.append(SafeTensorsWriter.Entry(name: name, dtype: dtype, shape: t.shape, bytes: out))
    }
    return try SafeTensorsFile(data: try SafeTensorsWriter.encode(entries), path: path)
  }
}
