import Foundation
import XCTest
@testable import VTKFormat

/// Seeded random mutations of valid files: the parser and decoders must either accept the bytes
/// or throw a one-line VTKFormatError; any other outcome (crash, trap, other error) fails.
/// The libFuzzer target (Fuzz/VTKFuzz.swift, scripts/fuzz.sh vtk) explores further.
final class MutationFuzzTests: XCTestCase {
    private func seeds() throws -> [[UInt8]] {
        var files: [[UInt8]] = []
        for encoding in [VTKLatentEncoding.float16, .quantized(bits: 3), .quantized(bits: 8)] {
            let header = smallHeader(encoding: encoding, frames: 33, channels: 3, tokens: 4)
            files.append(try encodedBytes(header, randomGroups(header, seed: 99), audio: [1, 2, 3, 4, 5]))
        }
        var temporal = smallHeader(encoding: .quantized(bits: 5), frames: 33, channels: 3, tokens: 4)
        temporal.predictionStride = 2
        files.append(try encodedBytes(temporal, randomGroups(temporal, seed: 98)))
        return files
    }

    private func mutate(_ input: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = input
        let interesting: [UInt64] = [0, 1, 2, 0x7F, 0x80, 0xFF, 0xFFFF, 0xFFFF_FFFF, 0x7FFF_FFFF_FFFF_FFFF, UInt64.max,
                                     UInt64(input.count), UInt64(input.count / 2)]
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !bytes.isEmpty else { bytes = [0x89]; continue }
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0: bytes[at] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            case 1: bytes[at] = UInt8.random(in: 0...255, using: &rng)
            case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...16, using: &rng)))
            case 3: bytes.insert(contentsOf: (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
            case 4: bytes = Array(bytes.prefix(at))
            case 5:
                let value = interesting.randomElement(using: &rng)!
                let width = [1, 2, 4, 8].randomElement(using: &rng)!
                for i in 0..<width where at + i < bytes.count { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
            default:
                let from = Int.random(in: 0..<bytes.count, using: &rng)
                let chunk = bytes[from..<min(bytes.count, from + Int.random(in: 1...32, using: &rng))]
                bytes.insert(contentsOf: chunk, at: at)
            }
        }
        return bytes
    }

    /// Re-frames every record's CRC so mutations reach the payload decoders too.
    private func fixCRCs(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        guard bytes.count >= 20 else { return bytes }
        let h = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
        guard 20 + h <= bytes.count else { return bytes }
        let headerCRC = CRC32.checksum(bytes[0..<(16 + h)])
        for i in 0..<4 { bytes[16 + h + i] = UInt8(truncatingIfNeeded: headerCRC >> (8 * UInt32(i))) }
        var position = 20 + h
        while bytes.count - position >= 16 {
            var length: UInt64 = 0
            for i in 0..<8 { length |= UInt64(bytes[position + 4 + i]) << (8 * UInt64(i)) }
            guard length <= UInt64(bytes.count - position - 16) else { break }
            let end = position + 12 + Int(length)
            let crc = CRC32.checksum(bytes[position..<end])
            for i in 0..<4 { bytes[end + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
            position = end + 4
        }
        return bytes
    }

    func testRandomMutationsNeverCrash() throws {
        let seeds = try seeds()
        var rng = SplitMix64(seed: 2024)
        var outcomes: [String: Int] = [:]
        for iteration in 0..<10000 {
            var bytes = mutate(seeds[iteration % seeds.count], &rng)
            if iteration % 2 == 1 { bytes = fixCRCs(bytes) }
            do {
                let reader = try VTKReader(bytes: bytes, name: "fuzz.vtk")
                try reader.verify()
                outcomes["accepted", default: 0] += 1
            } catch let error as VTKFormatError {
                outcomes[error.kind.rawValue, default: 0] += 1
                XCTAssertFalse((error.errorDescription ?? "\n").contains("\n"), "iteration \(iteration)")
            } catch {
                XCTFail("iteration \(iteration): unexpected error \(error)")
            }
        }
        print("mutation outcomes:", outcomes.sorted { $0.key < $1.key })
        // With CRCs re-framed, mutations must reach the header parser and the decoders.
        XCTAssertGreaterThan(outcomes["malformed", default: 0], 300)
        XCTAssertGreaterThan(outcomes["crcMismatch", default: 0], 300)
        XCTAssertGreaterThan(outcomes["truncated", default: 0], 300)
    }
}
