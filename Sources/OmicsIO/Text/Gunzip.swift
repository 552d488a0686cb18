import CZlib
import Foundation
import OmicsCore

/// Whole-buffer gzip/zlib decoding and encoding with zlib (multi-member gzip streams included).
public enum Gunzip {
  /// True when `data` starts with the gzip magic bytes.
  public static func isGzip(_ data: Data) -> Bool {
    data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
  }

  /// Inflates a gzip (or, with `zlibHeader`, zlib) stream; `file` names the source in errors.
  public static func inflate(_ data: Data, file: String, zlibHeader: Bool = false) throws -> Data {
    var output = Data()
    output.reserveCapacity(data.count * 4)
    var result: Result<Void, OmicsError> = .success(())
    data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
      result = inflate(input, into: &output, file: file, windowBits: zlibHeader ? 15 : 15 + 16)
    }
    try result.get()
    return output
  }

  /// Inflates raw bytes into `output` (appending). Handles concatenated gzip members.
  static func inflate(
    _ input: UnsafeRawBufferPointer, into output: inout Data, file: String, windowBits: Int32
  ) -> Result<Void, OmicsError> {
    guard let base = input.baseAddress, input.count > 0 else {
      return .failure(OmicsError(file: file, "empty compressed stream"))
    }
    var offset = 0
    let chunk = 1 << 18
    var buffer = [UInt8](repeating: 0, count: chunk)
    while offset < input.count {
      var stream = z_stream()
      guard czlib_inflate_init2(&stream, windowBits) == Z_OK else {
        return .failure(OmicsError(file: file, "zlib could not start decoding"))
      }
      defer { inflateEnd(&stream) }
      stream.next_in = UnsafeMutablePointer(mutating: base.advanced(by: offset).assumingMemoryBound(to: Bytef.self))
      stream.avail_in = uInt(input.count - offset)
      var status: Int32 = Z_OK
      repeat {
        status = buffer.withUnsafeMutableBytes { out -> Int32 in
          stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)  // safe: non-empty buffer
          stream.avail_out = uInt(chunk)
          return CZlib.inflate(&stream, Z_NO_FLUSH)
        }
        let produced = chunk - Int(stream.avail_out)
        if produced > 0 { output.append(contentsOf: buffer[0..<produced]) }
        if status == Z_BUF_ERROR && stream.avail_in == 0 {
          return .failure(OmicsError(file: file, "truncated gzip stream (ends after \(output.count) decoded bytes)"))
        }
        if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
          let msg = stream.msg.map { String(cString: $0) } ?? "error \(status)"
          return .failure(OmicsError(file: file, "corrupt gzip data: \(msg)"))
        }
      } while status != Z_STREAM_END
      offset = input.count - Int(stream.avail_in)
      // Skip trailing zero padding after the last member.
      if windowBits < 16 { break }
      while offset < input.count && input[offset] == 0 { offset += 1 }
      if offset < input.count && !(offset + 1 < input.count && input[offset] == 0x1f && input[offset + 1] == 0x8b) {
        return .failure(OmicsError(file: file, "trailing garbage after gzip data at byte \(offset)"))
      }
    }
    return .success(())
  }

  /// Compresses `data` as a gzip stream.
  public static func deflate(_ data: Data, level: Int32 = 6) -> Data {
    var stream = z_stream()
    _ = czlib_deflate_init2(&stream, level, 15 + 16)
    defer { deflateEnd(&stream) }
    var output = Data()
    let bound = Int(deflateBound(&stream, uLong(data.count)))
    var buffer = [UInt8](repeating: 0, count: bound + 64)
    data.withUnsafeBytes { input in
      stream.next_in = UnsafeMutablePointer(
        mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
      stream.avail_in = uInt(input.count)
      buffer.withUnsafeMutableBytes { out in
        stream.next_out = out.baseAddress!.assumingMemoryBound(to: Bytef.self)  // safe: non-empty buffer
        stream.avail_out = uInt(out.count)
        _ = CZlib.deflate(&stream, Z_FINISH)
      }
    }
    output.append(contentsOf: buffer[0..<Int(stream.total_out)])
    return output
  }
}
