internal import CHDF5
import OmicsCore

/// What a link in a group points to.
public enum HDF5ObjectKind: Sendable, Equatable {
  case group, dataset, other
}

/// An HDF5 group: lists, opens and creates its children.
public final class HDF5Group: HDF5Object, @unchecked Sendable {
  /// Child names, in creation order when the file tracks it, else in name order (as h5py iterates).
  public func childNames() throws -> [String] {
    var info = H5G_info_t()
    try check(H5Gget_info(id, &info), "H5Gget_info")
    let count = Int(info.nlinks)
    var names: [String] = []
    names.reserveCapacity(count)
    let order: H5_index_t = tracksCreationOrder() ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME
    for i in 0..<count {
      let size = H5Lget_name_by_idx(id, ".", order, H5_ITER_INC, hsize_t(i), nil, 0, chdf5_p_default())
      if size < 0 { throw HDF5Library.error("H5Lget_name_by_idx", file: file.path, path: path) }
      var buffer = [CChar](repeating: 0, count: Int(size) + 1)
      _ = H5Lget_name_by_idx(id, ".", order, H5_ITER_INC, hsize_t(i), &buffer, buffer.count, chdf5_p_default())
      names.append(String(decoding: buffer.prefix(Int(size)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return names
  }

  /// Whether the group records the order its links were created in (h5py then iterates in that order).
  func tracksCreationOrder() -> Bool {
    let gcpl = H5Gget_create_plist(id)
    guard gcpl >= 0 else { _ = HDF5Library.lastMessage(); return false }
    defer { H5Pclose(gcpl) }
    var flags: UInt32 = 0
    guard H5Pget_link_creation_order(gcpl, &flags) >= 0 else { _ = HDF5Library.lastMessage(); return false }
    return flags & UInt32(H5P_CRT_ORDER_INDEXED) != 0
  }

  /// Whether a direct child called `name` exists (a dangling link counts as absent).
  public func contains(_ name: String) -> Bool {
    guard !name.isEmpty, !name.contains("/") else { return false }
    let exists = H5Lexists(id, name, chdf5_p_default())
    if exists < 0 { _ = HDF5Library.lastMessage(); return false }
    guard exists > 0 else { return false }
    let valid = H5Oexists_by_name(id, name, chdf5_p_default())
    if valid < 0 { _ = HDF5Library.lastMessage() }
    return valid > 0
  }

  /// The kind of child `name`, nil when absent.
  public func kind(of name: String) -> HDF5ObjectKind? {
    guard contains(name) else { return nil }
    let oid = H5Oopen(id, name, chdf5_p_default())
    if oid < 0 { _ = HDF5Library.lastMessage(); return nil }
    defer { H5Oclose(oid) }
    switch H5Iget_type(oid) {
    case H5I_GROUP: return .group
    case H5I_DATASET: return .dataset
    default: return .other
    }
  }

  /// Opens the child group `name`.
  public func group(_ name: String) throws -> HDF5Group {
    let childPath = hdf5Join(path, name)
    guard kind(of: name) == .group else {
      throw OmicsError(file: file.path, location: childPath, "expected a group")
    }
    let gid = H5Gopen2(id, name, chdf5_p_default())
    try HDF5Library.check(gid, "H5Gopen2", file: file.path, path: childPath)
    return HDF5Group(id: gid, file: file, path: childPath)
  }

  /// Opens the child dataset `name`.
  public func dataset(_ name: String) throws -> HDF5Dataset {
    let childPath = hdf5Join(path, name)
    guard kind(of: name) == .dataset else {
      throw OmicsError(file: file.path, location: childPath, "expected a dataset")
    }
    let did = H5Dopen2(id, name, chdf5_p_default())
    try HDF5Library.check(did, "H5Dopen2", file: file.path, path: childPath)
    return try HDF5Dataset(datasetID: did, file: file, path: childPath)
  }

  /// Opens the child `name` as a group or dataset.
  public func child(_ name: String) throws -> HDF5Node {
    switch kind(of: name) {
    case .group: return .group(try group(name))
    case .dataset: return .dataset(try dataset(name))
    case .other: throw OmicsError(file: file.path, location: hdf5Join(path, name), "is neither a group nor a dataset")
    case nil: throw OmicsError(file: file.path, location: hdf5Join(path, name), "missing")
    }
  }

  /// Creates a child group (tracking creation order so children keep the order they were written in).
  public func createGroup(_ name: String) throws -> HDF5Group {
    let childPath = hdf5Join(path, name)
    let gcpl = H5Pcreate(chdf5_p_group_create())
    defer { H5Pclose(gcpl) }
    H5Pset_link_creation_order(gcpl, UInt32(H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED))
    let gid = H5Gcreate2(id, name, chdf5_p_default(), gcpl, chdf5_p_default())
    try HDF5Library.check(gid, "H5Gcreate2", file: file.path, path: childPath)
    return HDF5Group(id: gid, file: file, path: childPath)
  }
}

/// A child of a group, opened.
public enum HDF5Node {
  case group(HDF5Group)
  case dataset(HDF5Dataset)

  public var object: HDF5Object {
    switch self {
    case .group(let g): return g
    case .dataset(let d): return d
    }
  }
}
