import Foundation
import OmicsCore

/// Writes a 2-D float32 array as a NumPy `.npy` file (format 1.0: magic, header dict padded to a
/// multiple of 64 bytes, little-endian C-order data) that `numpy.load` opens.
public enum NPYWriter {
  public static func write(rows: Int, cols: Int, values: [Float], to path: String) throws {
    guard values.count == rows * cols else {
      throw OmicsError(file: path, "\(values.count) values for a \(rows) × \(cols) array")
    }
    var data = header(rows: rows, cols: cols)
    values.withUnsafeBytes { data.append(contentsOf: $0) }
    try AtomicFileWriter.write(data, to: path)
  }

  /// Magic, version, length and the header dict, padded with spaces to a multiple of 64 bytes and
  /// to at least `minimumLength` bytes (so that a streamed file can rewrite it in place).
  static func header(rows: Int, cols: Int, minimumLength: Int = 0) -> Data {
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(cols)), }"
    var total = 10 + header.utf8.count + 1  // magic + version + length, header, newline
    total = max(total + (64 - total % 64) % 64, minimumLength)
    header += String(repeating: " ", count: total - 10 - header.utf8.count - 1) + "\n"
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
    let length = UInt16(header.utf8.count)
    data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
    data.append(contentsOf: Array(header.utf8))
    return data
  }
}

/// Writes a float32 `.npy` matrix row block by row block when the row count is not known in
/// advance: a 128-byte header is reserved and rewritten with the final shape by `finish`. The
/// file is built under a temporary name and appears only when finished.
public final class NPYStreamWriter {
  public let path: String
  public let columns: Int
  public private(set) var rows = 0
  private let temporary: String
  private let handle: FileHandle
  private static let headerLength = 128

  public init(path: String, columns: Int) throws {
    self.path = path
    self.columns = columns
    temporary = AtomicFileWriter.temporaryPath(for: path)
    guard FileManager.default.createFile(atPath: temporary, contents: NPYWriter.header(rows: 0, cols: columns, minimumLength: Self.headerLength)),
          let h = FileHandle(forWritingAtPath: temporary) else {
      throw OmicsError(file: path, "cannot create the output file")
    }
    handle = h
    handle.seekToEndOfFile()
  }

  /// Appends rows (`values.count` must be a multiple of the column count).
  public func append(_ values: ArraySlice<Float>) throws {
    guard values.count % max(columns, 1) == 0 else { throw OmicsError(file: path, "\(values.count) values are not whole rows of \(columns)") }
    values.withUnsafeBytes { handle.write(Data($0)) }
    rows += values.count / max(columns, 1)
  }

  /// Writes the final shape and moves the file into place.
  public func finish() throws {
    handle.seek(toFileOffset: 0)
    handle.write(NPYWriter.header(rows: rows, cols: columns, minimumLength: Self.headerLength))
    handle.closeFile()
    guard rename(temporary, path) == 0 else {
      unlink(temporary)
      throw OmicsError(file: path, "cannot move the finished output into place: \(String(cString: strerror(errno)))")
    }
  }

  /// Removes the temporary file (after a failure).
  public func abandon() {
    handle.closeFile()
    unlink(temporary)
  }
}
