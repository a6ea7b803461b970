/// The arithmetic of the transformer blocks' Linear layers (qkv, proj, fc1, fc2, fc3).
/// Attention, LayerNorm, the gate and the input and output projections are float32 in both.
public enum EnginePrecision: String, CaseIterable, Sendable, Codable {
    /// float32 products on OpenBLAS; int8 weights are expanded to float32 block by block.
    case float32
    /// int8 products on oneDNN (docs/MODEL.md, "int8 engine"): the int8 weights as shipped
    /// (one scale per output row; float weights are quantized so at load), activations
    /// quantized per token to 7-bit unsigned values with a zero point, exact int32
    /// accumulation, then one pass that dequantizes and adds the bias.
    case int8

    /// The precision used when none is asked for, chosen by `scripts/bench.py engine`
    /// (int8 is the faster on every measured machine, within the accuracy bound of the issue).
    public static let `default`: EnginePrecision = .int8
}
