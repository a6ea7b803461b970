import Foundation

/// A safetensors file read whole into memory: the converted LPIPS and I3D weights.
///
/// Format: an 8-byte little-endian header length, a JSON header mapping tensor names to
/// `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets relative to the data section)
/// plus an optional `"__metadata__"` string map, then the data. F32, F16 and BF16 tensors are
/// returned as Float; every offset is checked before use.
public struct MetricsSafetensors {
    /// One tensor's description in the header.
    public struct Entry: Sendable {
        public let dtype: String
        public let shape: [Int]
        let begin: Int
        let end: Int
    }

    /// Where the file came from (for error messages).
    public let url: URL
    /// The header's `__metadata__` map (empty when absent).
    public let metadata: [String: String]
    /// Every tensor of the file by name.
    public let entries: [String: Entry]
    private let data: Data
    private let dataStart: Int

    /// Reads and validates `url`; throws `MetricsSafetensorsError` on a malformed file.
    public init(url: URL) throws {
        self.url = url
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw MetricsSafetensorsError.malformed(url.path, "cannot read: \(error.localizedDescription)")
        }
        guard data.count >= 8 else { throw MetricsSafetensorsError.malformed(url.path, "shorter than 8 bytes") }
        let headerLength = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw MetricsSafetensorsError.malformed(url.path, "header length \(headerLength) exceeds the file")
        }
        let start = 8 + Int(headerLength)
        let json = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<start))
        guard let header = json as? [String: Any] else {
            throw MetricsSafetensorsError.malformed(url.path, "header is not a JSON object")
        }
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in header {
            if name == "__metadata__" {
                metadata = value as? [String: String] ?? [:]
                continue
            }
            guard let info = value as? [String: Any], let dtype = info["dtype"] as? String,
                  let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int],
                  offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1],
                  offsets[1] <= data.count - start, shape.allSatisfy({ $0 >= 0 })
            else { throw MetricsSafetensorsError.malformed(url.path, "bad header entry for \(name)") }
            entries[name] = Entry(dtype: dtype, shape: shape, begin: offsets[0], end: offsets[1])
        }
        self.data = data
        self.dataStart = start
        self.entries = entries
        self.metadata = metadata
    }

    /// The tensor `name` as Float values in row-major order; its shape must equal `shape`.
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        guard let entry = entries[name] else { throw MetricsSafetensorsError.missingTensor(url.path, name) }
        guard entry.shape == shape else {
            throw MetricsSafetensorsError.wrongShape(url.path, name, expected: shape, found: entry.shape)
        }
        let count = shape.reduce(1, *)
        let width: Int
        switch entry.dtype {
        case "F32": width = 4
        case "F16", "BF16": width = 2
        default: throw MetricsSafetensorsError.malformed(url.path, "\(name) has unsupported dtype \(entry.dtype)")
        }
        guard entry.end - entry.begin == count * width else {
            throw MetricsSafetensorsError.malformed(url.path, "\(name) has \(entry.end - entry.begin) bytes, expected \(count * width)")
        }
        var out = [Float](repeating: 0, count: count)
        data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart + entry.begin
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<count {
                    switch entry.dtype {
                    case "F32":
                        o[i] = Float(bitPattern: UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                    case "F16":
                        o[i] = Float(Float16(bitPattern: UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))))
                    default:
                        o[i] = Float(bitPattern: UInt32(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
                    }
                }
            }
        }
        return out
    }
}

/// A weights file that is not what the metric networks expect.
public enum MetricsSafetensorsError: LocalizedError, Equatable {
    case malformed(String, String)
    case missingTensor(String, String)
    case wrongShape(String, String, expected: [Int], found: [Int])

    public var errorDescription: String? {
        let fix = "; reinstall it with `scripts/setup_weights.sh`"
        switch self {
        case let .malformed(path, why): return "\(path) is not a valid safetensors file: \(why)" + fix
        case let .missingTensor(path, name): return "\(path) lacks tensor \(name)" + fix
        case let .wrongShape(path, name, expected, found):
            return "\(path): tensor \(name) has shape \(found), expected \(expected)" + fix
        }
    }
}
