import OmicsCore

/// Reads the values of an `array` (dense, column-major) Matrix Market file (internal).
enum DenseEntryParser {
  /// Row-major values of the (possibly transposed) matrix.
  static func parse<T: TextReaderFloat>(
    _ type: T.Type, cursor: ByteLineCursor, header: MatrixMarketHeader, file: String, transpose: Bool
  ) throws -> (values: [T], rows: Int, cols: Int) {
    var cursor = cursor
    var stored: [T] = []
    stored.reserveCapacity(min(header.entries, cursor.buffer.count / 2 + 1))
    var lastLine = header.sizeLine
    while let line = cursor.next() {
      guard let base = line.baseAddress else { continue }
      var i = 0
      let end = line.count
      while i < end && isBlankByte(base[i]) { i += 1 }
      if i == end || base[i] == 0x25 { continue }
      lastLine = cursor.lineNumber
      while let token = CoordinateEntryParser.token(base, &i, end) {
        if stored.count == header.entries {
          throw OmicsError.line(
            cursor.lineNumber, file: file,
            "more values than the \(header.entries) a \(header.rows) × \(header.cols) \(header.symmetry.rawValue) array holds")
        }
        let value: T
        if header.field == .integer {
          if let v = ASCIINumberParser.int64(token) {
            value = T(v)
          } else if let v = ASCIINumberParser.double(token), v.isFinite, v.rounded() == v {
            value = T(v)
          } else {
            throw OmicsError.line(
              cursor.lineNumber, file: file, "malformed value: '\(token.decodedString.prefix(40))' is not an integer")
          }
        } else {
          guard let v = ASCIINumberParser.double(token) else {
            throw OmicsError.line(
              cursor.lineNumber, file: file, "malformed value: '\(token.decodedString.prefix(40))' is not a number")
          }
          value = T(v)
        }
        stored.append(value)
      }
    }
    if stored.count < header.entries {
      throw OmicsError.line(
        lastLine, file: file,
        "file ends after \(stored.count) of the \(header.entries) values a \(header.rows) × \(header.cols) \(header.symmetry.rawValue) array holds")
    }
    let m = header.rows
    let n = header.cols
    let (outRows, outCols) = transpose ? (n, m) : (m, n)
    var out = [T](repeating: 0, count: m * n)
    @inline(__always) func put(_ i: Int, _ j: Int, _ v: T) {
      if transpose { out[j * outCols + i] = v } else { out[i * outCols + j] = v }
    }
    var k = 0
    switch header.symmetry {
    case .general:
      for j in 0..<n {
        for i in 0..<m {
          put(i, j, stored[k])
          k += 1
        }
      }
    case .symmetric, .hermitian:
      for j in 0..<n {
        for i in j..<m {
          put(i, j, stored[k])
          put(j, i, stored[k])
          k += 1
        }
      }
    case .skewSymmetric:
      for j in 0..<n {
        for i in (j + 1)..<max(m, j + 1) {
          put(i, j, stored[k])
          put(j, i, -stored[k])
          k += 1
        }
      }
    }
    return (out, outRows, outCols)
  }

  /// CSR of a row-major dense matrix, zeros dropped.
  static func csr<T: TextReaderFloat>(_ values: [T], rows: Int, cols: Int) -> SparseMatrix {
    var indptr = [Int64](repeating: 0, count: rows + 1)
    var indices: [Int32] = []
    var data: [T] = []
    for r in 0..<rows {
      for c in 0..<cols where values[r * cols + c] != 0 {
        indices.append(Int32(c))
        data.append(values[r * cols + c])
      }
      indptr[r + 1] = Int64(indices.count)
    }
    return SparseMatrix(layout: .csr, rows: rows, cols: cols, indptr: indptr, indices: indices, data: T.numericArray(data))
  }
}
