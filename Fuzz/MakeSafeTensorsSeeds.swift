// Writes small seed safetensors files for the fuzzer corpus: every dtype the reader converts
// (F32, F16, BF16, I8), metadata, an empty tensor and a scalar. Standalone (no module sources);
// run by scripts/fuzz.sh when Fuzz/seeds/safetensors is empty. Argument: output directory.
import Foundation

@main
struct MakeSafeTensorsSeeds {
    /// One tensor: name, dtype, shape and its raw little-endian bytes.
    typealias Tensor = (name: String, dtype: String, shape: [Int], bytes: [UInt8])

    static func main() throws {
        let dir = URL(fileURLWithPath: CommandLine.arguments[1])
        func f32(_ n: Int) -> [UInt8] { (0..<n).flatMap { withUnsafeBytes(of: Float(Double($0) * 0.25 - 1).bitPattern.littleEndian, Array.init) } }
        func f16(_ n: Int) -> [UInt8] { (0..<n).flatMap { withUnsafeBytes(of: Float16(Double($0) * 0.5 - 2).bitPattern.littleEndian, Array.init) } }
        func bf16(_ n: Int) -> [UInt8] { (0..<n).flatMap { withUnsafeBytes(of: UInt16(Float(Double($0) - 3).bitPattern >> 16).littleEndian, Array.init) } }
        let files: [(String, [Tensor], [String: String])] = [
            ("f32", [("w", "F32", [2, 3], f32(6)), ("b", "F32", [3], f32(3))], ["format": "pt"]),
            ("f16", [("layer.0.weight", "F16", [4, 2], f16(8)), ("scale", "F32", [], f32(1))], [:]),
            ("bf16", [("x", "BF16", [5], bf16(5)), ("empty", "F32", [0, 7], [])], [:]),
            ("i8", [("q", "I8", [2, 4], (0..<8).map { UInt8(bitPattern: Int8($0 - 4)) }),
                    ("q.scale", "F32", [2], f32(2))], ["vitok": "{\"dim\": 8}"]),
        ]
        for (name, tensors, metadata) in files {
            try Data(encode(tensors, metadata: metadata)).write(to: dir.appendingPathComponent("\(name).safetensors"))
        }
    }

    /// The file: header length, JSON header, then the tensors' bytes in order.
    static func encode(_ tensors: [Tensor], metadata: [String: String]) throws -> [UInt8] {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for t in tensors {
            header[t.name] = ["dtype": t.dtype, "shape": t.shape, "data_offsets": [offset, offset + t.bytes.count]]
            offset += t.bytes.count
        }
        let json = [UInt8](try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        let length = withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init)
        return length + json + tensors.flatMap(\.bytes)
    }
}
