internal import CHDF5
import Foundation
import OmicsCore

/// An open HDF5 file; closes itself when released. Its root group is `root`.
public final class HDF5File: @unchecked Sendable {
  let id: HID
  /// The path as given by the user, used in error messages.
  public let path: String
  /// Size of the file in bytes when it was opened.
  let byteSize: Int

  private init(id: HID, path: String) {
    self.id = id
    self.path = path
    self.byteSize = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
  }

  /// The most bytes a dataset of this file can decode to: deflate expands at most ~1032:1, so more
  /// than 1100 × the file size (+1 MiB) means a corrupted shape, refused before allocating.
  func checkPlausible(elements: Int, width: Int, at path: String) throws {
    let (bytes, overflow) = elements.multipliedReportingOverflow(by: max(width, 1))
    let limit = byteSize.multipliedReportingOverflow(by: 1100).partialValue + (1 << 20)
    if overflow || elements < 0 || bytes > limit {
      throw OmicsError(
        file: self.path, location: path,
        "declares \(elements) elements of \(width) bytes, more than a \(byteSize)-byte file can hold (corrupted file?)")
    }
  }

  deinit { H5Fclose(id) }

  /// Opens an existing file read-only, with a clear error for missing, empty and non-HDF5 files.
  public static func open(_ path: String) throws -> HDF5File {
    _ = HDF5Library.initialized
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw OmicsError(file: path, "no such file")
    }
    if isDirectory.boolValue { throw OmicsError(file: path, "is a folder, expected an HDF5 file") }
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    if size == 0 { throw OmicsError(file: path, "empty file, expected HDF5") }
    if H5Fis_hdf5(path) <= 0 {
      _ = HDF5Library.lastMessage()
      throw OmicsError(file: path, "not an HDF5 file (no HDF5 signature)")
    }
    let fid = H5Fopen(path, chdf5_acc_rdonly(), chdf5_p_default())
    if fid < 0 {
      let detail = HDF5Library.lastMessage()
      throw OmicsError(file: path, "cannot open HDF5 file (truncated or damaged?): \(detail)")
    }
    return HDF5File(id: fid, path: path)
  }

  /// Creates (truncates) a file for writing. Objects are written in the oldest compatible format
  /// so that every HDF5 1.8+ reader (h5py, anndata, R) opens them.
  public static func create(_ path: String) throws -> HDF5File {
    _ = HDF5Library.initialized
    let fapl = H5Pcreate(chdf5_p_file_access())
    defer { H5Pclose(fapl) }
    let fid = H5Fcreate(path, chdf5_acc_trunc(), chdf5_p_default(), fapl)
    try HDF5Library.check(fid, "H5Fcreate", file: path, path: "/")
    return HDF5File(id: fid, path: path)
  }

  /// The root group `/`.
  public func root() throws -> HDF5Group {
    let gid = H5Gopen2(id, "/", chdf5_p_default())
    try HDF5Library.check(gid, "H5Gopen2", file: path, path: "/")
    return HDF5Group(id: gid, file: self, path: "/")
  }

  /// Flushes written data to disk.
  public func flush() throws {
    try HDF5Library.check(H5Fflush(id, H5F_SCOPE_GLOBAL), "H5Fflush", file: path, path: "/")
  }
}
