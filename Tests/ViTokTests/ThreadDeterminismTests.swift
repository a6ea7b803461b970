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
