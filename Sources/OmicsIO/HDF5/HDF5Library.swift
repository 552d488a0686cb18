internal import CHDF5
import OmicsCore

/// HDF5 object ids, named without importing the C module in every file.
typealias HID = hid_t

/// The one place that turns HDF5 return codes into `OmicsError`s carrying the call, file and element path.
enum HDF5Library {
  /// Turns off HDF5's own printing of error stacks; done once, before the first call.
  static let initialized: Bool = {
    H5open()
    chdf5_silence_errors()
    return true
  }()

  /// The innermost message on HDF5's error stack, cleared afterwards.
  static func lastMessage() -> String {
    var message = chdf5_last_error()
    return withUnsafeBytes(of: &message.buffer) { raw in
      let bytes = raw.bindMemory(to: UInt8.self)
      let end = bytes.firstIndex(of: 0) ?? bytes.count
      return String(decoding: bytes[0..<end], as: UTF8.self)
    }
  }

  static func error(_ call: String, file: String, path: String) -> OmicsError {
    let detail = lastMessage()
    let reason = detail.isEmpty ? "\(call) failed" : "\(call) failed: \(detail)"
    return OmicsError(file: file, location: path, reason)
  }

  /// Throws when an id-returning call failed (negative id).
  @discardableResult
  static func check(_ id: hid_t, _ call: String, file: String, path: String) throws -> hid_t {
    if id < 0 { throw error(call, file: file, path: path) }
    return id
  }

  /// Throws when a status-returning call failed.
  static func check(_ status: herr_t, _ call: String, file: String, path: String) throws {
    if status < 0 { throw error(call, file: file, path: path) }
  }

  static var defaultProperties: hid_t { chdf5_p_default() }
}

/// Joins an HDF5 group path and a child name.
func hdf5Join(_ parent: String, _ child: String) -> String {
  parent == "/" ? "/" + child : parent + "/" + child
}
