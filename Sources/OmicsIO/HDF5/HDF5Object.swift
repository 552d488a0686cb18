internal import CHDF5
import OmicsCore

/// A group or dataset inside an open file: its id, its path, and its attributes.
public class HDF5Object: @unchecked Sendable {
  let id: HID
  /// The file this object belongs to (kept alive while the object is).
  public let file: HDF5File
  /// The element path, e.g. `/obs/cell_type`.
  public let path: String

  init(id: HID, file: HDF5File, path: String) {
    self.id = id
    self.file = file
    self.path = path
  }

  deinit { H5Oclose(id) }

  /// Builds an error located at this object.
  public func error(_ message: String) -> OmicsError {
    OmicsError(file: file.path, location: path, message)
  }

  func check(_ status: herr_t, _ call: String) throws {
    try HDF5Library.check(status, call, file: file.path, path: path)
  }

  @discardableResult
  func check(_ id: HID, _ call: String) throws -> HID {
    try HDF5Library.check(id, call, file: file.path, path: path)
  }

  // MARK: Attributes

  /// Names of the attributes attached to this object.
  public func attributeNames() throws -> [String] {
    var info = H5O_info_t()
    try check(H5Oget_info2(id, &info, UInt32(H5O_INFO_NUM_ATTRS)), "H5Oget_info")
    var names: [String] = []
    for i in 0..<info.num_attrs {
      let size = H5Aget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, i, nil, 0, chdf5_p_default())
      if size < 0 { throw HDF5Library.error("H5Aget_name_by_idx", file: file.path, path: path) }
      var buffer = [CChar](repeating: 0, count: Int(size) + 1)
      _ = H5Aget_name_by_idx(id, ".", H5_INDEX_NAME, H5_ITER_INC, i, &buffer, buffer.count, chdf5_p_default())
      names.append(String(decoding: buffer.prefix(Int(size)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return names
  }

  public func hasAttribute(_ name: String) -> Bool {
    let r = H5Aexists(id, name)
    if r < 0 { _ = HDF5Library.lastMessage() }
    return r > 0
  }

  /// Reads attribute `name`, or nil when absent.
  public func attribute(_ name: String) throws -> HDF5Value? {
    guard hasAttribute(name) else { return nil }
    let aid = H5Aopen(id, name, chdf5_p_default())
    try check(aid, "H5Aopen(\(name))")
    defer { H5Aclose(aid) }
    let type = H5Aget_type(aid)
    try check(type, "H5Aget_type(\(name))")
    defer { H5Tclose(type) }
    let space = H5Aget_space(aid)
    try check(space, "H5Aget_space(\(name))")
    defer { H5Sclose(space) }
    let source = HDF5DataSource.attribute(aid, name)
    return try HDF5Reading.readValue(source: source, type: type, space: space, owner: self, what: "attribute \(name)")
  }

  /// Reads a string attribute (vlen or fixed-length), nil when absent; a non-string attribute is an error.
  public func stringAttribute(_ name: String) throws -> String? {
    guard let value = try attribute(name) else { return nil }
    switch value {
    case .strings(let s, let shape) where shape.isEmpty || s.count == 1: return s.first
    case .strings(let s, _) where s.isEmpty: return ""
    default: throw error("attribute \(name) is not a single string")
    }
  }

  /// Writes (replacing) a scalar variable-length UTF-8 string attribute.
  public func setAttribute(_ name: String, string: String) throws {
    try HDF5Writing.writeAttribute(self, name: name, value: .strings([string], shape: []))
  }

  /// Writes (replacing) an attribute.
  public func setAttribute(_ name: String, _ value: HDF5Value) throws {
    try HDF5Writing.writeAttribute(self, name: name, value: value)
  }
}
