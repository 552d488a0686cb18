import Foundation
import OmicsCore
import OmicsIO

/// Shared helpers for the gene-set test suites.
enum GeneSetTestHelpers {
  /// The description of the error `body` throws, or nil when it does not throw.
  static func errorText<T>(_ body: () throws -> T) -> String? {
    do {
      _ = try body()
      return nil
    } catch {
      return "\(error)"
    }
  }

  static func gmt(_ text: String, name: String = "t.gmt", _ options: GeneSetReadOptions = .init()) throws -> GeneSetCollection {
    try GMTReader.parse(TextFile(name: name, text: text), options: options)
  }

  static func gmx(_ text: String, name: String = "t.gmx", _ options: GeneSetReadOptions = .init()) throws -> GeneSetCollection {
    try GMXReader.parse(TextFile(name: name, text: text), options: options)
  }

  static func rnk(_ text: String, name: String = "t.rnk", _ options: RNKReader.Options = .init()) throws -> RankedList {
    try RNKReader.parse(TextFile(name: name, text: text), options: options)
  }

  static func json(_ text: String, name: String = "t.json", _ options: GeneSetReadOptions = .init()) throws -> GeneSetCollection {
    try MSigDBJSONReader.parse(TextFile(name: name, text: text), options: options)
  }
}
