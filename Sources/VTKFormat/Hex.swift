/// Hexadecimal spelling of bytes, as digests are shown (`model_sha256`, `vtkc info`, errors).
public enum Hex {
    /// Two lower-case hexadecimal digits per byte, in order, without separators.
    public static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(2 * bytes.count)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
