/// The arithmetic of attention's two products, softmax(q k^T) and its weighted sum of v
/// (docs/MODEL.md, "Attention in bf16"). The softmax itself, the scaling and everything outside
/// attention keep their own arithmetic (`EnginePrecision`).
public enum AttentionPrecision: String, CaseIterable, Sendable, Codable {
    /// float32 products on OpenBLAS (every CPU).
    case float32
    /// bf16 inputs, float32 accumulation and results, on oneDNN's native bf16 kernels
    /// (AVX512_BF16 or AMX): q, k, v and the softmax numerators rounded to bf16 (to nearest,
    /// ties to even), as the model ran in training (PyTorch bf16 autocast).
    case bf16

    /// The attention an engine at `precision` uses when none is asked for: bf16 for the int8
    /// engine where this CPU has native bf16 kernels, float32 otherwise (the float32 engine
    /// stays the all-float32 reference).
    public static func automatic(for precision: EnginePrecision) -> AttentionPrecision {
        precision == .int8 && BF16Attention.nativeImplementation != nil ? .bf16 : .float32
    }

    /// Throws when this CPU cannot run `self` (bf16 without native kernels: oneDNN would
    /// emulate it, slower than float32).
    func checkAvailable() throws {
        guard self == .bf16, BF16Attention.nativeImplementation == nil else { return }
        throw ViTokError(.unsupportedPrecision, file: nil,
                         "bf16 attention needs a CPU with AVX512_BF16 or AMX; oneDNN offers "
                         + "\(BF16Attention.probedImplementation) here")
    }
}
