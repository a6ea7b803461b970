import Foundation
import XCTest
@testable import ViTok

/// bf16 attention (AttentionPrecision.bf16): the rounding, the two oneDNN products against
/// double-precision sums, the automatic choice, and a model against its float32 attention.
final class BF16AttentionTests: XCTestCase {
    /// Round to nearest, ties to even, on bit patterns worked out by hand.
    func testRoundingIsToNearestTiesToEven() {
        let ulp = Float(1) / 128                     // bf16 spacing in [1, 2)
        let values: [Float] = [1, 1 + ulp / 2, 1 + 3 * ulp / 2, 1 + ulp / 2 + 1e-6, -2.5, 0,
                               -0.0, 3.0e38, 1e-40]
        var out = [UInt16](repeating: 0, count: values.count)
        roundToBF16(values, count: values.count, into: &out)
        XCTAssertEqual(out, [0x3F80, 0x3F80, 0x3F82, 0x3F81, 0xC020, 0, 0x8000, 0x7F62, 0x0001])
        // Each result is the nearest bf16 value: no other is closer.
        for (value, bits) in zip(values, out) where value.isNormal {
            let rounded = Float(bitPattern: UInt32(bits) << 16)
            let neighbours = [bits &- 1, bits &+ 1].map { Float(bitPattern: UInt32($0) << 16) }
            for other in neighbours { XCTAssertLessThanOrEqual(abs(rounded - value), abs(other - value)) }
        }
    }

    /// Both products on bf16-exact inputs against double sums, for a full tile and the
    /// shorter last tile (80 tokens in tiles of 64: 64 and 16 rows).
    func testProductsMatchDoubleSums() throws {
        try XCTSkipIf(BF16Attention.nativeImplementation == nil, "no native bf16 kernels on this CPU")
        let (tokens, tile) = (80, 64)
        let attention = try BF16Attention(tokens: tokens, tile: tile)
        var state: UInt32 = 7
        func bf16Value() -> UInt16 {
            state = state &* 1_664_525 &+ 1_013_904_223
            let value = Float(Int(state >> 8) % 2001 - 1000) / 400
            var bits: UInt16 = 0
            roundToBF16([value], count: 1, into: &bits)
            return bits
        }
        func float(_ bits: UInt16) -> Double { Double(Float(bitPattern: UInt32(bits) << 16)) }
        let k = (0..<tokens * 64).map { _ in bf16Value() }
        for rows in [64, 16] {
            let q = (0..<rows * 64).map { _ in bf16Value() }
            var scores = [Float](repeating: .nan, count: rows * tokens)
            attention.scores(q, k, rows: rows, into: &scores)
            for r in 0..<rows {
                for t in 0..<tokens {
                    let exact = (0..<64).reduce(0.0) { $0 + float(q[r * 64 + $1]) * float(k[t * 64 + $1]) }
                    XCTAssertEqual(Double(scores[r * tokens + t]), exact, accuracy: 1e-4 * max(1, abs(exact)))
                }
            }
            let p = (0..<rows * tokens).map { _ in bf16Value() }
            var out = [Float](repeating: .nan, count: rows * 64)
            attention.weightedValues(p, k, rows: rows, into: &out)
            for r in 0..<rows {
                for j in 0..<64 {
                    let exact = (0..<tokens).reduce(0.0) { $0 + float(p[r * tokens + $1]) * float(k[$1 * 64 + j]) }
                    XCTAssertEqual(Double(out[r * 64 + j]), exact, accuracy: 1e-4 * max(1, abs(exact)))
                }
            }
        }
    }

    /// bf16 for the int8 engine where the CPU has native kernels, float32 otherwise, and
    /// always float32 for the float32 engine; asking for bf16 without kernels is an error.
    func testAutomaticChoiceAndAvailability() throws {
        let native = BF16Attention.nativeImplementation != nil
        XCTAssertEqual(AttentionPrecision.automatic(for: .float32), .float32)
        XCTAssertEqual(AttentionPrecision.automatic(for: .int8), native ? .bf16 : .float32)
        XCTAssertNoThrow(try AttentionPrecision.float32.checkAvailable())
        if native {
            XCTAssertNoThrow(try AttentionPrecision.bf16.checkAvailable())
            let model = try ViTokModel.load(Fixtures.int8Model)
            XCTAssertEqual(model.attention, .bf16)
            XCTAssertEqual(model.attentionImplementation, BF16Attention.nativeImplementation)
        } else {
            XCTAssertThrowsError(try AttentionPrecision.bf16.checkAvailable())
        }
        XCTAssertNil(try ViTokModel.load(Fixtures.int8Model, precision: .float32).attentionImplementation)
    }

    /// The golden model at int8 with bf16 attention stays close to its float32 attention
    /// (pixels in [-1, 1]; measured max |diff| 0.048 for the latents and 0.014 for the pixels
    /// here, on random-ish tiny weights; bounded at about twice that), and is not the same
    /// computation.
    func testModelStaysCloseToFloat32Attention() throws {
        try XCTSkipIf(BF16Attention.nativeImplementation == nil, "no native bf16 kernels on this CPU")
        let io = try readFloats(Fixtures.io)
        let bf16 = try ViTokModel.load(Fixtures.int8Model, precision: .int8, attention: .bf16)
        let float32 = try ViTokModel.load(Fixtures.int8Model, precision: .int8, attention: .float32)
        let (latents, reference) = (bf16.encode(io["clip"]!, count: 1), float32.encode(io["clip"]!, count: 1))
        assertClose(latents, reference, tolerance: 0.1, "latents")
        XCTAssertNotEqual(latents, reference)
        let pixels = bf16.decode(io["latents"]!, count: 1)
        assertClose(pixels, float32.decode(io["latents"]!, count: 1), tolerance: 0.03, "pixels")
    }

    /// The engine's bf16 attention against its PyTorch model (training/vitok/int8.py,
    /// `to_int8(attention="bf16")`; fixture io-int8-bf16.safetensors). Rounding to bf16 can turn
    /// a float32 rounding difference (sum order, the scores' kernel) into a whole bf16 step, and
    /// the golden model's int8 codes can turn that into a code flip, so the main check is the
    /// mean |diff|: a small part of the mean |diff| to the float32-attention reference (measured
    /// 1.2e-7 vs 6.6e-3 for the latents, 4.2e-8 vs 2.0e-3 for the pixels); the max is bounded at
    /// 2e-3 (the two attentions differ by 0.048 and 0.014).
    func testBF16AttentionMatchesItsPyTorchModel() throws {
        try XCTSkipIf(BF16Attention.nativeImplementation == nil, "no native bf16 kernels on this CPU")
        let io = try readFloats(Fixtures.io)
        let bf16Reference = try readFloats(Fixtures.int8BF16IO), float32Reference = try readFloats(Fixtures.int8IO)
        let model = try ViTokModel.load(Fixtures.int8Model, precision: .int8, attention: .bf16)
        let outputs = ["latents": model.encode(io["clip"]!, count: 1),
                       "reconstruction": model.decode(io["latents"]!, count: 1)]
        func meanDifference(_ a: [Float], _ b: [Float]) -> Double {
            zip(a, b).map { Double(abs($0 - $1)) }.reduce(0, +) / Double(a.count)
        }
        for (name, output) in outputs {
            let own = meanDifference(output, bf16Reference[name]!)
            let other = meanDifference(output, float32Reference[name]!)
            XCTAssertLessThan(own, other / 100, name)
            assertClose(output, bf16Reference[name]!, tolerance: 2e-3, name)
        }
    }
}
