import Foundation
import OmicsCore

/// Writes a 2-D float32 array as a NumPy `.npy` file (format 1.0: magic, header dict padded to a
/// multiple of 64 bytes, little-endian C-order data) that `numpy.load` opens.
public enum NPYWriter {
  public static func write(rows: Int, cols: Int, values: [Float], to path: String) throws {
    guard values.count == rows * cols else {
      throw OmicsError(file: path, "\(values.count) values for a \(rows) × \(cols) array")
    }
    var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(cols)), }"
    let unpadded = 10 + header.utf8.count + 1  // magic + version + length, header, newline
    header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
    let length = UInt16(header.utf8.count)
    data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
    data.append(contentsOf: Array(header.utf8))
    values.withUnsafeBytes { data.append(contentsOf: $0) }
    try AtomicFileWriter.write(data, to: path)
  }
}
