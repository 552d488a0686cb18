import OmicsCore

/// What a named entry of a `ParameterStore` is.
public enum ParameterKind: String, Sendable {
  /// Trained by the optimiser; has a gradient.
  case parameter
  /// State that moves in the forward pass (BatchNorm running mean and variance); no gradient.
  case buffer
  /// An integer counter stored as a scalar (`num_batches_tracked`); written as I64 in checkpoints.
  case counter
}

/// One named view into the store's flat buffers.
public struct ParameterEntry: Sendable, Equatable {
  /// PyTorch state-dict name, e.g. `encoder.0.0.weight`.
  public var name: String
  public var shape: [Int]
  public var kind: ParameterKind
  /// Offset of the first element in `values` (and `gradients`).
  public var offset: Int
  public var count: Int
  /// False when frozen: the optimiser skips it (its gradient is still computed).
  public var trainable: Bool
  public var range: Range<Int> { offset..<(offset + count) }
}

/// All parameters, buffers and counters of a model in **one** contiguous array, with the gradients
/// in a second array of the same layout (llm.c's `malloc_and_point_parameters`).
///
/// Layers register named entries when they are built and keep only the returned `ParameterEntry`
/// (offset and count). Zeroing gradients is one fill; an optimiser step is one loop over the
/// trainable ranges; a checkpoint is a walk over `entries` in registration order.
/// Convention: layers **accumulate** (`+=`) into `gradients`; activation gradients are returned
/// fresh (`=`).
public final class ParameterStore<Scalar: NNScalar> {
  public private(set) var entries: [ParameterEntry] = []
  public var values: [Scalar] = []
  public var gradients: [Scalar] = []
  private var index: [String: Int] = [:]

  public init() {}

  /// Adds a named entry holding `initial` (row-major, `shape`); names must be unique.
  @discardableResult
  public func register(_ name: String, shape: [Int], kind: ParameterKind = .parameter, initial: [Scalar]) -> ParameterEntry {
    precondition(index[name] == nil, "parameter \(name) registered twice")
    precondition(initial.count == shape.reduce(1, *), "\(name): \(initial.count) values for shape \(shape)")
    let entry = ParameterEntry(name: name, shape: shape, kind: kind, offset: values.count, count: initial.count,
                               trainable: kind == .parameter)
    index[name] = entries.count
    entries.append(entry)
    values.append(contentsOf: initial)
    gradients.append(contentsOf: repeatElement(0, count: initial.count))
    return entry
  }

  /// The entry called `name`, if any.
  public func entry(_ name: String) -> ParameterEntry? { index[name].map { entries[$0] } }

  /// Sets gradients to zero (one fill).
  @_specialize(where Scalar == Float)
  public func zeroGradients() {
    gradients.withUnsafeMutableBufferPointer { g in for i in 0..<g.count { g[i] = 0 } }
  }

  /// Freezes (or unfreezes) every parameter whose name satisfies `predicate`.
  public func setTrainable(_ trainable: Bool, where predicate: (String) -> Bool) {
    for i in entries.indices where entries[i].kind == .parameter && predicate(entries[i].name) {
      entries[i].trainable = trainable
    }
  }

  /// A copy of one entry's values as a tensor.
  public func tensor(_ name: String) -> Tensor<Scalar>? {
    guard let e = entry(name) else { return nil }
    return Tensor(shape: e.shape, scalars: Array(values[e.range]))
  }

  /// A copy of one entry's gradient as a tensor.
  public func gradient(_ name: String) -> Tensor<Scalar>? {
    guard let e = entry(name) else { return nil }
    return Tensor(shape: e.shape, scalars: Array(gradients[e.range]))
  }

  /// Overwrites one entry's values; the element count must match (shape `[]` and `[1]` agree).
  public func set(_ name: String, _ newValues: [Scalar], file: String = "") throws {
    guard let e = entry(name) else { throw OmicsError(file: file, location: name, "no such parameter in the model") }
    guard newValues.count == e.count else {
      throw OmicsError(file: file, location: name, "expected \(e.count) values (shape \(e.shape)), found \(newValues.count)")
    }
    values.replaceSubrange(e.range, with: newValues)
  }

  /// A copy of all values (to restore the best epoch's weights later).
  public func snapshot() -> [Scalar] { values }
  /// Restores a `snapshot()`.
  public func restore(_ snapshot: [Scalar]) {
    precondition(snapshot.count == values.count, "snapshot from another model")
    values = snapshot
  }
}
