import Foundation

/// The element types the engine computes in: `Float` (training default) and `Double` (tests, parity).
///
/// One generic code path serves both: layers are written once against `NNScalar`, and the matrix
/// product dispatches to `cblas_sgemm` or `cblas_dgemm` through `gemm` (see `BLAS.swift`). The
/// transcendental functions are requirements so that `Float` uses the single-precision libm
/// routines (`expf`, `erff`, ...) exactly as PyTorch's CPU kernels do, instead of going through `Double`.
public protocol NNScalar: BinaryFloatingPoint, SIMDScalar, Sendable where Self.RawSignificand: FixedWidthInteger {
  /// The safetensors dtype tag (`F32`, `F64`).
  static var safetensorsDType: String { get }
  static func nnExp(_ x: Self) -> Self
  /// e^x where speed matters more than the last bit: `FastExp` (≤ 2 ulp) for Float, `exp` for Double.
  static func nnFastExp(_ x: Self) -> Self
  static func nnExpm1(_ x: Self) -> Self
  static func nnLog(_ x: Self) -> Self
  static func nnLog1p(_ x: Self) -> Self
  static func nnTanh(_ x: Self) -> Self
  static func nnErf(_ x: Self) -> Self
  static func nnSqrt(_ x: Self) -> Self
  static func nnCos(_ x: Self) -> Self
  /// `C ← alpha·op(A)·op(B) + beta·C`, row-major, through OpenBLAS (`BLAS.swift`).
  static func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Self,
    a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
    beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)
}

extension Float: NNScalar {
  public static var safetensorsDType: String { "F32" }
  @inlinable public static func nnExp(_ x: Float) -> Float { expf(x) }
  @inlinable public static func nnFastExp(_ x: Float) -> Float { FastExp.exp(x) }
  @inlinable public static func nnExpm1(_ x: Float) -> Float { expm1f(x) }
  @inlinable public static func nnLog(_ x: Float) -> Float { logf(x) }
  @inlinable public static func nnLog1p(_ x: Float) -> Float { log1pf(x) }
  @inlinable public static func nnTanh(_ x: Float) -> Float { tanhf(x) }
  @inlinable public static func nnErf(_ x: Float) -> Float { erff(x) }
  @inlinable public static func nnSqrt(_ x: Float) -> Float { x.squareRoot() }
  @inlinable public static func nnCos(_ x: Float) -> Float { cosf(x) }
}

extension Double: NNScalar {
  public static var safetensorsDType: String { "F64" }
  @inlinable public static func nnExp(_ x: Double) -> Double { exp(x) }
  @inlinable public static func nnFastExp(_ x: Double) -> Double { exp(x) }
  @inlinable public static func nnExpm1(_ x: Double) -> Double { expm1(x) }
  @inlinable public static func nnLog(_ x: Double) -> Double { log(x) }
  @inlinable public static func nnLog1p(_ x: Double) -> Double { log1p(x) }
  @inlinable public static func nnTanh(_ x: Double) -> Double { tanh(x) }
  @inlinable public static func nnErf(_ x: Double) -> Double { erf(x) }
  @inlinable public static func nnSqrt(_ x: Double) -> Double { x.squareRoot() }
  @inlinable public static func nnCos(_ x: Double) -> Double { cos(x) }
}
