/// One value in a result table written by ``TSVWriter``.
///
/// Numbers are formatted so that pandas (`read_csv(sep="\t")`) and R (`read.delim`) read them back:
/// doubles in the shortest decimal that round-trips (or with a fixed number of significant digits,
/// see ``TSVWriter/significantDigits``), `Inf`/`-Inf` for infinities, and the writer's
/// ``TSVWriter/missingValue`` (default `NA`) for NaN and ``missing``. Booleans are `True`/`False`
/// (pandas' spelling, which R's `type.convert` also reads as logical).
public enum TSVCell: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral,
  ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral
{
  /// Text, escaped by the writer's quoting policy.
  case string(String)
  /// An integer.
  case int(Int)
  /// A floating-point number.
  case double(Double)
  /// A boolean.
  case bool(Bool)
  /// A missing value.
  case missing

  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
}
