import Foundation
import XCTest
@testable import VTKFormat

/// Adversarial latent tensors and the entropy coder's efficiency.
final class LatentEncodingTests: XCTestCase {
    private func roundTrip(_ header: VTKHeader, _ groups: [[Float]]) throws -> [[Float]] {
        try readAll(try encodedBytes(header, groups)).1
    }

    func testAllEqualChannelsDecodeExactly() throws {
        for encoding in [VTKLatentEncoding.quantized(bits: 1), .quantized(bits: 8), .quantized(bits: 16), .float16] {
            let header = smallHeader(encoding: encoding)
            let constant = [[Float]](repeating: [Float](repeating: 0.375, count: header.valuesPerGroup), count: header.groupCount)
            XCTAssertEqual(try roundTrip(header, constant), constant, "\(encoding)")
            // One constant channel among varying ones.
            var mixed = randomGroups(header, seed: 4)
            for g in mixed.indices { for i in stride(from: 2, to: mixed[g].count, by: header.latentChannels) { mixed[g][i] = -7.25 } }
            let decoded = try roundTrip(header, mixed)
            for g in decoded { for i in stride(from: 2, to: g.count, by: header.latentChannels) { XCTAssertEqual(g[i], -7.25) } }
        }
    }

    func testExtremeValuesRoundTripInQuantizedFiles() throws {
        let header = smallHeader(encoding: .quantized(bits: 8))
        var groups = randomGroups(header, seed: 9)
        groups[0][0] = -.greatestFiniteMagnitude
        groups[0][4] = .greatestFiniteMagnitude
        groups[1][1] = .leastNonzeroMagnitude
        groups[1][5] = -.leastNonzeroMagnitude
        groups[2][3] = 1e30
        let decoded = try roundTrip(header, groups)
        XCTAssertEqual(decoded[0][0], -.greatestFiniteMagnitude)
        XCTAssertEqual(decoded[0][4], .greatestFiniteMagnitude)
        XCTAssertTrue(decoded.allSatisfy { $0.allSatisfy(\.isFinite) })
        XCTAssertEqual(decoded[2][3], 1e30)
        // One bit, the widest possible range: endpoints survive, nothing overflows.
        let oneBit = smallHeader(encoding: .quantized(bits: 1))
        var wide = randomGroups(oneBit, seed: 10)
        wide[0][0] = -.greatestFiniteMagnitude
        wide[0][4] = .greatestFiniteMagnitude
        let d = try roundTrip(oneBit, wide)
        XCTAssertEqual(d[0][0], -.greatestFiniteMagnitude)
        XCTAssertEqual(d[0][4], .greatestFiniteMagnitude)
    }

    func testNonFiniteAndOutOfRangeLatentsAreRejectedAtWriteTime() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for encoding in [VTKLatentEncoding.float16, .quantized(bits: 8)] {
            let header = smallHeader(encoding: encoding)
            let writer = try VTKWriter(url: dir.appendingPathComponent("n.vtk"), header: header)
            var group = randomGroups(header, seed: 1)[0]
            for bad in [Float.nan, .infinity, -.infinity] {
                group[37] = bad
                assertFormatError(.invalidLatents, ["group 0", "latent value 37", "(tile 1, token 1, channel 1)", "non-finite"]) {
                    try writer.appendGroup(group)
                }
            }
            assertFormatError(.invalidLatents, ["has 3 latent values, expected 64"]) { try writer.appendGroup([1, 2, 3]) }
            XCTAssertEqual(writer.groupsWritten, 0)
        }
        let header = smallHeader(encoding: .float16)
        let writer = try VTKWriter(url: dir.appendingPathComponent("h.vtk"), header: header)
        var group = randomGroups(header, seed: 1)[0]
        group[5] = 70000
        assertFormatError(.invalidLatents, ["beyond the float16 range"]) { try writer.appendGroup(group) }
        group[5] = 65504
        XCTAssertNoThrow(try writer.appendGroup(group), "the largest half is representable")
    }

    /// Order-0 empirical entropy (bits/symbol) of each channel's symbols, averaged over channels.
    private func entropy(_ symbols: [UInt16], channels: Int) -> Double {
        var total = 0.0
        for k in 0..<channels {
            var counts: [UInt16: Int] = [:]
            for i in stride(from: k, to: symbols.count, by: channels) { counts[symbols[i], default: 0] += 1 }
            let n = Double(symbols.count / channels)
            total += counts.values.reduce(0.0) { $0 - Double($1) / n * log2(Double($1) / n) }
        }
        return total / Double(channels)
    }

    /// On a group of 4 tiles x 1024 tokens x 16 channels of Gaussian latents with per-channel
    /// statistics, the adaptive coder stays within 3% of the per-channel order-0 empirical
    /// entropy of the symbols (what a coder told the exact statistics in advance would reach;
    /// the gap is the cost of learning them).
    func testCoderApproachesOrderZeroEntropy() {
        var rng = SplitMix64(seed: 42)
        let channels = 16
        let values = (0..<(4 * 1024 * channels)).map { i -> Float in rng.gaussian() * Float(1 + i % channels) * 0.3 }
        for bits in [4, 6, 8] {
            let q = LatentQuantizer(bits: bits, channels: channels)
            let symbols = q.quantize(values, ranges: q.ranges(values))
            let coded = q.encode(symbols)
            let codedBits = Double(coded.count * 8) / Double(symbols.count)
            let bound = entropy(symbols, channels: channels)
            print("bits \(bits): coder \(String(format: "%.3f", codedBits)) bits/symbol, order-0 entropy \(String(format: "%.3f", bound))")
            XCTAssertLessThan(codedBits, bound * 1.03 + 0.01, "bits \(bits)")
            XCTAssertGreaterThan(codedBits, bound * 0.97, "cannot beat the bound by much on i.i.d. data")
            XCTAssertEqual(q.decode(coded[...], count: symbols.count), symbols)
        }
    }

    /// Every symbol value and a long run of identical symbols (probabilities at their limits).
    func testCoderHandlesSaturatedProbabilities() {
        let q = LatentQuantizer(bits: 3, channels: 2)
        var symbols = [UInt16](repeating: 7, count: 20000)
        symbols += (0..<4000).map { UInt16($0 % 8) }
        symbols += [UInt16](repeating: 0, count: 20000)
        let coded = q.encode(symbols)
        XCTAssertEqual(q.decode(coded[...], count: symbols.count), symbols)
        XCTAssertLessThan(coded.count, 4000)
        XCTAssertNil(q.decode(coded.dropLast(), count: symbols.count), "a shortened stream is refused")
        XCTAssertNil(q.decode(coded[...] + [0], count: symbols.count), "left-over bytes are refused")
    }
}
