import Foundation
import XCTest
@testable import ViTok

/// The engine's output does not depend on the thread count, bit for bit, at the row counts
/// of the real model (1024 tokens per clip, width 768), where the work is split into pieces.
final class ThreadDeterminismTests: XCTestCase {
    /// S-B/4x8's layer shapes (width 768, 12 heads, MLP 2048, 1024 tokens of 768 values,
    /// 16 latent channels) with one block per tower, so that a debug-build test stays short.
    static let shallowSB4x8 = ViTokConfig(
        encoderWidth: 768, encoderDepth: 1, encoderHeads: 12, encoderMlpHidden: 2048,
        decoderWidth: 768, decoderDepth: 1, decoderHeads: 12, decoderMlpHidden: 2048,
        latentChannels: 16, tubelet: [4, 8, 8], clip: [16, 128, 128], ropePairs: [8, 12, 12])

    func testOneTwoAndThreeThreadsGiveIdenticalLatentsAndPixels() throws {
        try checkThreadCountIndependence(precision: .float32)
    }

    /// The int8 path (four pieces of 256 rows per clip) gives the same bytes too.
    func testInt8IsIdenticalForAnyThreadCount() throws {
        try checkThreadCountIndependence(precision: .int8)
    }

    /// bf16 attention (oneDNN, four query tiles per head) too, where this CPU has it.
    func testBF16AttentionIsIdenticalForAnyThreadCount() throws {
        try XCTSkipIf(BF16Attention.nativeImplementation == nil, "no native bf16 kernels on this CPU")
        try checkThreadCountIndependence(precision: .int8, attention: .bf16)
    }

    /// Loading converts F16 tensors and expands I8 matrices on the given threads (here 4 parts
    /// of 2^16 values each); the values are the same as on one thread.
    func testWeightConversionAtLoadIsIdenticalForAnyThreadCount() throws {
        let (rows, columns) = (512, 512)
        let values = (0..<rows * columns).map { Float(($0 * 7919) % 2001 - 1000) / 997 }
        let url = try writeSafetensors([
            RawTensor("half.weight", shape: [rows, columns], floats: values, dtype: "F16"),
            RawTensor("int8.weight", dtype: "I8", shape: [rows, columns],
                      bytes: values.map { UInt8(bitPattern: Int8(($0 * 100).rounded())) }),
            RawTensor("int8.weight_scale", shape: [rows], floats: (0..<rows).map { 0.01 + Float($0) / 4096 }),
        ], metadata: ["vitok_config": Fixtures.smallConfig.jsonString()],
           to: try temporaryDirectory(self).appendingPathComponent("big.safetensors"))
        func load(threads: Int) throws -> [[Float]] {
            let store = try WeightStore(url: url, threads: threads)
            return try ["half.weight", "int8.weight"].map { name in
                let tensor = try store.take(name, shape: [rows, columns])
                return Array(UnsafeBufferPointer(start: tensor.pointer, count: tensor.count))
            }
        }
        let one = try load(threads: 1)
        XCTAssertEqual(one[0][1], Float(Float16(values[1])))
        XCTAssertEqual(one[1][columns + 1], Float(Int8((values[columns + 1] * 100).rounded())) * (0.01 + 1 / 4096))
        for threads in [2, 4] {
            XCTAssertEqual(try load(threads: threads), one, "\(threads) threads")
        }
    }

    private func checkThreadCountIndependence(precision: EnginePrecision,
                                              attention: AttentionPrecision = .float32) throws {
        let config = Self.shallowSB4x8
        let url = try temporaryDirectory(self).appendingPathComponent("sb4x8-shallow.safetensors")
        try writeSafetensors(randomModelTensors(config, seed: 11),
                             metadata: ["vitok_config": config.jsonString()], to: url)
        let model = try ViTokModel.load(url, precision: precision, attention: attention)
        XCTAssertEqual(model.attention, attention)
        let clips = syntheticClips(config, count: 1, seed: 3)
        model.threads = 1
        let latents = model.encode(clips, count: 1)
        let pixels = model.decode(latents, count: 1)
        for threads in [2, 3] {
            model.threads = threads
            XCTAssertEqual(model.encode(clips, count: 1), latents, "\(precision)/\(attention) latents, \(threads) threads")
            XCTAssertEqual(model.decode(latents, count: 1), pixels, "\(precision)/\(attention) pixels, \(threads) threads")
        }
    }
}
