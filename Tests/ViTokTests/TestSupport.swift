import Foundation
import XCTest
@testable import ViTok

/// Fixture locations (see scripts/fixtures/golden.py for how they were made).
enum Fixtures {
    static let golden = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/golden")
    static let int8Model = golden.appendingPathComponent("tiny-int8")
    static let io = golden.appendingPathComponent("io.safetensors")
    static let int8IO = golden.appendingPathComponent("io-int8.safetensors")
    static let int8BF16IO = golden.appendingPathComponent("io-int8-bf16.safetensors")
    /// The smallest valid config (width 64, one head, one block per tower) for malformed-file tests.
    static let smallConfig = ViTokConfig(encoderWidth: 64, encoderDepth: 1, encoderHeads: 1,
                                         encoderMlpHidden: 16, decoderWidth: 64, decoderDepth: 1,
                                         decoderHeads: 1, decoderMlpHidden: 16, latentChannels: 4,
                                         tubelet: [2, 4, 4], clip: [4, 8, 8])
}

/// A fresh temporary directory, removed at the end of the test.
func temporaryDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("vitok-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// One tensor to write: name, safetensors dtype string, shape and raw little-endian bytes.
struct RawTensor {
    var name: String
    var dtype: String
    var shape: [Int]
    var bytes: [UInt8]

    init(_ name: String, dtype: String = "F32", shape: [Int], bytes: [UInt8]) {
        (self.name, self.dtype, self.shape, self.bytes) = (name, dtype, shape, bytes)
    }

    /// A tensor of floats stored as F32, F16 or BF16 (BF16 by truncation).
    init(_ name: String, shape: [Int], floats: [Float], dtype: String = "F32") {
        var bytes: [UInt8] = []
        for value in floats {
            switch dtype {
            case "F16": withUnsafeBytes(of: Float16(value).bitPattern.littleEndian) { bytes += $0 }
            case "BF16":
                withUnsafeBytes(of: UInt16(value.bitPattern >> 16).littleEndian) { bytes += $0 }
            default: withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
            }
        }
        self.init(name, dtype: dtype, shape: shape, bytes: bytes)
    }
}

/// Serialises tensors in safetensors layout. `headerEdit` may rewrite the JSON header text
/// (to make lying headers for the bad-input tests).
func safetensorsBytes(_ tensors: [RawTensor], metadata: [String: String]?,
                      headerEdit: (String) -> String = { $0 }) throws -> [UInt8] {
    var header: [String: Any] = [:]
    if let metadata { header["__metadata__"] = metadata }
    var offset = 0
    var data: [UInt8] = []
    for tensor in tensors {
        header[tensor.name] = ["dtype": tensor.dtype, "shape": tensor.shape,
                               "data_offsets": [offset, offset + tensor.bytes.count]]
        offset += tensor.bytes.count
        data += tensor.bytes
    }
    let json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    var text = headerEdit(String(decoding: json, as: UTF8.self))
    while (text.utf8.count + 8) % 8 != 0 { text += " " }
    var bytes: [UInt8] = []
    withUnsafeBytes(of: UInt64(text.utf8.count).littleEndian) { bytes += $0 }
    return bytes + Array(text.utf8) + data
}

@discardableResult
func writeSafetensors(_ tensors: [RawTensor], metadata: [String: String]?, to url: URL,
                      headerEdit: (String) -> String = { $0 }) throws -> URL {
    try Data(safetensorsBytes(tensors, metadata: metadata, headerEdit: headerEdit)).write(to: url)
    return url
}

/// Reads float tensors of a safetensors file (F32, F16, BF16), keyed by name.
func readFloats(_ url: URL) throws -> [String: [Float]] {
    try FloatTensorFile.readFloats(url).mapValues(\.values)
}

/// The golden int8 model rewritten with every tensor as float `dtype` (dequantized), one file.
func convertGoldenModel(to dtype: String, in directory: URL) throws -> URL {
    let store = try WeightStore(url: Fixtures.int8Model)
    var tensors: [RawTensor] = []
    for (name, shape) in tensorShapes(store.config) {
        let tensor = try store.take(name, shape: shape)
        let values = Array(UnsafeBufferPointer(start: tensor.pointer, count: tensor.count))
        tensors.append(RawTensor(name, shape: shape, floats: values, dtype: dtype))
    }
    let url = directory.appendingPathComponent("tiny-\(dtype).safetensors")
    return try writeSafetensors(tensors, metadata: ["vitok_config": store.config.jsonString()],
                                to: url)
}

/// Every tensor a model of `config` has, with its shape (docs/MODEL.md names).
func tensorShapes(_ c: ViTokConfig) -> [(String, [Int])] {
    var shapes: [(String, [Int])] = []
    func block(_ prefix: String, _ width: Int, _ hidden: Int) {
        shapes += [("\(prefix).norm1.weight", [width]), ("\(prefix).norm1.bias", [width]),
                   ("\(prefix).attn.qkv.weight", [3 * width, width]),
                   ("\(prefix).attn.proj.weight", [width, width]), ("\(prefix).attn.proj.bias", [width]),
                   ("\(prefix).norm2.weight", [width]), ("\(prefix).norm2.bias", [width]),
                   ("\(prefix).mlp.fc1.weight", [hidden, width]), ("\(prefix).mlp.fc1.bias", [hidden]),
                   ("\(prefix).mlp.fc2.weight", [hidden, width]), ("\(prefix).mlp.fc2.bias", [hidden]),
                   ("\(prefix).mlp.fc3.weight", [width, hidden]), ("\(prefix).mlp.fc3.bias", [width])]
    }
    let (we, wd) = (c.encoderWidth, c.decoderWidth)
    shapes += [("encoder.patch_embed.weight", [we, c.patchDim]), ("encoder.patch_embed.bias", [we])]
    for i in 0..<c.encoderDepth { block("encoder.blocks.\(i)", we, c.encoderMlpHidden) }
    shapes += [("encoder.norm.weight", [we]), ("encoder.norm.bias", [we]),
               ("encoder.to_latent.weight", [2 * c.latentChannels, we]),
               ("encoder.to_latent.bias", [2 * c.latentChannels]),
               ("decoder.from_latent.weight", [wd, c.latentChannels]),
               ("decoder.from_latent.bias", [wd])]
    for i in 0..<c.decoderDepth { block("decoder.blocks.\(i)", wd, c.decoderMlpHidden) }
    shapes += [("decoder.norm.weight", [wd]), ("decoder.norm.bias", [wd]),
               ("decoder.to_pixels.weight", [c.patchDim, wd]),
               ("decoder.to_pixels.bias", [c.patchDim])]
    return shapes
}

/// A model of `config` with seeded random F32 weights (LayerNorm weights near 1).
func randomModelTensors(_ config: ViTokConfig, seed: UInt64) -> [RawTensor] {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1
    func next() -> Float {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1_000_000
    }
    return tensorShapes(config).map { name, shape in
        let count = shape.reduce(1, *)
        let scale = shape.count == 2 ? 1.7 / Float(shape[1]).squareRoot() : 0.1
        let center: Float = name.contains("norm") && name.hasSuffix(".weight") ? 1 : 0
        return RawTensor(name, shape: shape, floats: (0..<count).map { _ in center + scale * next() })
    }
}

/// A deterministic clip batch in [-1, 1].
func syntheticClips(_ config: ViTokConfig, count: Int, seed: Int = 0) -> [Float] {
    let phase = Double(seed) * 1.3
    return (0..<count * config.clipValues).map { (i: Int) -> Float in
        let angle: Double = Double(i % 9973) * 0.37 + Double(i / 9973) * 0.11 + phase
        return Float(sin(angle))
    }
}

/// Fails unless |actual - expected| <= tolerance everywhere; reports the worst element.
func assertClose(_ actual: [Float], _ expected: [Float], tolerance: Float, _ what: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(what): sizes differ", file: file, line: line)
    guard actual.count == expected.count else { return }
    var worst: Float = 0, index = 0
    for i in actual.indices {
        let d = abs(actual[i] - expected[i])
        if d > worst || (d.isNaN && !worst.isNaN) { (worst, index) = (d, i) }
    }
    XCTAssertTrue(worst <= tolerance, "\(what): max |diff| \(worst) at \(index) > \(tolerance)",
                  file: file, line: line)
}
