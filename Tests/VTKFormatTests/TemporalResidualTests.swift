import Foundation
import XCTest
@testable import VTKFormat

/// Coder scheme 2: quantized symbols coded as residuals against the same channel one latent
/// time step (`predictionStride` tokens) earlier in the same tile.
final class TemporalResidualTests: XCTestCase {
    func testResidualMappingIsABijectionForEveryPrevious() {
        for bits in 1...9 {
            let m = 1 << bits
            for previous in 0..<m {
                let coded = (0..<m).map { LatentQuantizer.residual($0, previous: previous, bits: bits) }
                XCTAssertEqual(Set(coded), Set(0..<m), "bits \(bits) previous \(previous)")
                for (value, c) in coded.enumerated() {
                    XCTAssertEqual(LatentQuantizer.unresidual(c, previous: previous, bits: bits), value)
                }
            }
        }
        // Small differences get small codes: 0, -1, +1, -2 -> 0, 1, 2, 3; wrap-around too.
        XCTAssertEqual([9, 8, 10, 7].map { LatentQuantizer.residual($0, previous: 9, bits: 4) }, [0, 1, 2, 3])
        XCTAssertEqual(LatentQuantizer.residual(15, previous: 0, bits: 4), 1, "15 - 0 wraps to -1")
        XCTAssertEqual(LatentQuantizer.residual(65535, previous: 0, bits: 16), 1)
        XCTAssertEqual(LatentQuantizer.unresidual(1, previous: 0, bits: 16), 65535)
    }

    /// Through the container: exactly the dequantized symbols, at every bit depth and for
    /// strides of one token up to all but one token of a tile.
    func testTemporalFilesDecodeExactly() throws {
        for (bits, stride) in [(1, 1), (4, 2), (5, 7), (8, 4), (16, 3)] {
            var header = smallHeader(encoding: .quantized(bits: bits))
            header.predictionStride = stride
            let groups = randomGroups(header, seed: UInt64(bits * 31 + stride))
            let (back, decoded, _) = try readAll(try encodedBytes(header, groups))
            XCTAssertEqual(back.predictionStride, stride)
            XCTAssertEqual(back, header)
            let q = LatentQuantizer(bits: bits, channels: header.latentChannels)
            for (g, d) in zip(groups, decoded) {
                let ranges = q.ranges(g)
                XCTAssertEqual(d, q.dequantize(q.quantize(g, ranges: ranges), ranges: ranges), "bits \(bits)")
            }
        }
    }

    /// Latents that change slowly over time (as a video tokenizer's do) code to far fewer bytes
    /// than with scheme 1; independent symbols stay decodable.
    func testSlowlyChangingLatentsCodeSmaller() {
        var rng = SplitMix64(seed: 5)
        let (tiles, tokens, steps, channels) = (3, 1024, 4, 16)
        let perStep = tokens / steps
        var values = [Float](repeating: 0, count: tiles * tokens * channels)
        for tile in 0..<tiles {
            for token in 0..<tokens {
                for c in 0..<channels {
                    let i = (tile * tokens + token) * channels + c
                    values[i] = token < perStep ? rng.gaussian() * Float(1 + c % 3)
                        : values[i - perStep * channels] + 0.1 * rng.gaussian()
                }
            }
        }
        let plain = LatentQuantizer(bits: 6, channels: channels)
        let temporal = LatentQuantizer(bits: 6, channels: channels, tokens: tokens, predictionStride: perStep)
        let symbols = plain.quantize(values, ranges: plain.ranges(values))
        let (a, b) = (plain.encode(symbols), temporal.encode(symbols))
        print("scheme 1: \(a.count) bytes, scheme 2: \(b.count) bytes")
        XCTAssertLessThan(Double(b.count), 0.7 * Double(a.count))
        XCTAssertEqual(temporal.decode(b[...], count: symbols.count), symbols)
        XCTAssertNil(temporal.decode(b.dropLast(), count: symbols.count))
        XCTAssertNotEqual(plain.decode(b[...], count: symbols.count), symbols,
                          "scheme 2 bytes do not decode as scheme 1")
    }

    /// Independent latents predict badly: each group then falls back to intra coding (mode 0),
    /// so a scheme-2 file costs at most the stride field plus one byte per group more.
    func testUnpredictableGroupsFallBackToIntraCoding() throws {
        let plain = smallHeader(encoding: .quantized(bits: 6), frames: 160, tokens: 64)
        var temporal = plain
        temporal.predictionStride = 16
        let groups = randomGroups(plain, seed: 77)
        let (a, b) = (try encodedBytes(plain, groups), try encodedBytes(temporal, groups))
        XCTAssertLessThanOrEqual(b.count, a.count + 4 + plain.groupCount)
        XCTAssertEqual(try readAll(b).1, try readAll(a).1)
    }

    func testInvalidStridesAreRefused() throws {
        var header = smallHeader(encoding: .quantized(bits: 4))
        for stride in [8, 9, -1] {
            header.predictionStride = stride
            XCTAssertThrowsError(try encodedBytes(header, randomGroups(header, seed: 1)), "stride \(stride)")
        }
        var f16 = smallHeader(encoding: .float16)
        f16.predictionStride = 2
        XCTAssertThrowsError(try encodedBytes(f16, randomGroups(f16, seed: 1)))
        // A file whose stride field says 0 or >= tokens per tile: a one-line header error.
        header.predictionStride = 3
        let bytes = try encodedBytes(header, randomGroups(header, seed: 2))
        let at = locateStride(bytes)
        for bad: UInt32 in [0, 8, 1 << 31] {
            var corrupt = bytes
            withUnsafeBytes(of: bad.littleEndian) { for (k, byte) in $0.enumerated() { corrupt[at + k] = byte } }
            fixHeaderCRC(&corrupt)
            XCTAssertThrowsError(try VTKReader(bytes: corrupt, name: "t.vtk")) { error in
                XCTAssertTrue("\(error.localizedDescription)".contains("prediction stride"), "\(error)")
            }
        }
    }

    /// Offset of the u32 prediction stride: right after the (kind 1, bits, scheme 2) bytes.
    private func locateStride(_ bytes: [UInt8]) -> Int {
        let headerLength = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
        for i in 16..<(16 + headerLength - 7) where bytes[i] == 1 && bytes[i + 1] == 4 && bytes[i + 2] == 2
            && bytes[i + 3] == 3 && bytes[i + 4] == 0 && bytes[i + 5] == 0 && bytes[i + 6] == 0 {
            return i + 3
        }
        XCTFail("no scheme-2 encoding field")
        return 0
    }

    private func fixHeaderCRC(_ bytes: inout [UInt8]) {
        let headerLength = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
        let crc = CRC32.checksum(bytes[0..<(16 + headerLength)])
        withUnsafeBytes(of: crc.littleEndian) { for (k, byte) in $0.enumerated() { bytes[16 + headerLength + k] = byte } }
    }
}
