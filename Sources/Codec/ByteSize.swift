import Foundation

/// Byte sizes as options take them: a number with an optional unit. K, M, G and T (with or
/// without a trailing B, any case) are powers of 1000, so "1GB" is 10^9 bytes; KiB, MiB, GiB
/// and TiB are powers of 1024.
public enum ByteSize {
    /// The bytes `text` stands for; throws `CodecError.invalidOption` for anything else or a
    /// size below 1 byte.
    public static func parse(_ text: String) throws -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let units: [String: Double] = [
            "": 1, "b": 1, "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
            "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776,
        ]
        guard let number = Double(digits), let scale = units[unit], number.isFinite else {
            throw CodecError.invalidOption("size '\(text)' is not a number with an optional unit (e.g. 500MB, 1GB, 2GiB)")
        }
        let bytes = (number * scale).rounded(.down)
        guard bytes >= 1, bytes < 9e18 else {
            throw CodecError.invalidOption("size '\(text)' must be at least 1 byte")
        }
        return Int(bytes)
    }
}
