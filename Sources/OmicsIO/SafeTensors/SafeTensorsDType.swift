/// Element types of the safetensors format (Hugging Face `safetensors`, format of 0.4–0.8).
///
/// Declared in the order of the Rust `Dtype` enum: the writer sorts tensors by this rank,
/// descending, then by name — the layout `safetensors.torch.save_file` produces.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
  case BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64

  /// Bytes per element.
  public var byteSize: Int {
    switch self {
    case .BOOL, .U8, .I8, .F8_E5M2, .F8_E4M3: return 1
    case .I16, .U16, .F16, .BF16: return 2
    case .I32, .U32, .F32: return 4
    case .F64, .I64, .U64: return 8
    }
  }

  /// Position in the Rust enum (used to order tensors when writing).
  public var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}
