import Foundation
import XCTest
@testable import VTKFormat

/// Damaged files: every defect is a one-line VTKFormatError naming the cause and offset,
/// found before any latent is returned, never a crash.
final class CorruptionTests: XCTestCase {
    private func sample(_ encoding: VTKLatentEncoding = .quantized(bits: 8)) throws -> [UInt8] {
        let header = smallHeader(encoding: encoding)
        return try encodedBytes(header, randomGroups(header, seed: 21), audio: Array("audio!".utf8))
    }

    /// Record start offsets, walking the framing of a valid file.
    private func recordOffsets(_ bytes: [UInt8]) -> [Int] {
        let headerLength = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
        var offsets: [Int] = []
        var position = 16 + headerLength + 4
        while position < bytes.count {
            offsets.append(position)
            var length = 0
            for i in 0..<8 { length |= Int(bytes[position + 4 + i]) << (8 * i) }
            position += length + 16
        }
        return offsets
    }

    func testTruncationAtEveryCutPointIsDetected() throws {
        for encoding in [VTKLatentEncoding.float16, .quantized(bits: 8)] {
            let bytes = try sample(encoding)
            for cut in 0..<bytes.count {
                do {
                    _ = try readAll(Array(bytes.prefix(cut)))
                    XCTFail("cut at \(cut) of \(bytes.count) was accepted")
                } catch let error as VTKFormatError {
                    let message = error.errorDescription ?? ""
                    XCTAssertTrue(error.kind == .truncated || (cut == 0 && error.kind == .badMagic)
                                  || error.kind == .crcMismatch, "cut \(cut): \(message)")
                    XCTAssertFalse(message.contains("\n"))
                }
            }
        }
    }

    func testTruncationAfterTheLastGroupNamesTheMissingEndRecord() throws {
        let bytes = try sample()
        let end = recordOffsets(bytes).last!
        assertFormatError(.truncated, ["t.vtk", "at byte \(end)", "without an end record"]) { try readAll(Array(bytes.prefix(end))) }
    }

    func testFlippedByteInEachRecordIsACRCMismatch() throws {
        let bytes = try sample()
        let offsets = recordOffsets(bytes)
        XCTAssertEqual(offsets.count, 5, "3 groups, audio, end")
        for (n, offset) in offsets.enumerated() {
            let next = n + 1 < offsets.count ? offsets[n + 1] : bytes.count
            // Flip a payload byte and a CRC byte of every record.
            for position in [offset + 12, (offset + 12 + next - 4) / 2, next - 1] {
                var damaged = bytes
                damaged[position] ^= 0x5A
                assertFormatError(.crcMismatch, ["at byte \(offset)", "CRC mismatch (stored 0x"]) { try readAll(damaged) }
            }
        }
        var damaged = bytes
        damaged[40] ^= 1
        assertFormatError(.crcMismatch, ["header", "CRC mismatch"]) { try readAll(damaged) }
    }

    func testWrongMagicAndFutureVersion() throws {
        var bytes = try sample()
        bytes[1] = UInt8(ascii: "X")
        assertFormatError(.badMagic, ["not a .vtk file", "at byte 0"]) { try readAll(bytes) }
        assertFormatError(.badMagic) { try readAll(Array("RIFF....WAVEfmt ".utf8)) }
        assertFormatError(.badMagic, ["empty file"]) { try readAll([]) }
        bytes = try sample()
        bytes[8] = 7
        assertFormatError(.unsupportedVersion, ["format version 7 is not supported", "reads version 1"]) { try readAll(bytes) }
    }

    func testBadLengthsAreReportedWithOffsets() throws {
        let bytes = try sample()
        let offsets = recordOffsets(bytes)
        var damaged = bytes
        damaged[offsets[1] + 11] = 0x7F   // a huge group payload length
        assertFormatError(.truncated, ["record 1 at byte \(offsets[1])", "runs past the end"]) { try readAll(damaged) }
        damaged = bytes
        damaged[offsets[0]] = 9           // unknown record type
        assertFormatError(.malformed, ["unknown record type 9"]) { try readAll(damaged) }
        damaged = bytes
        damaged[15] = 0x7F                // header length beyond 16 MiB
        assertFormatError(.malformed, ["header length"]) { try readAll(damaged) }
        damaged = bytes
        damaged[12] &+= 1                 // header length one too long: the CRC no longer matches
        assertFormatError(.crcMismatch, ["header"]) { try readAll(damaged) }
        assertFormatError(.malformed, ["unexpected bytes after the end record"]) { try readAll(bytes + [0]) }
    }

    /// A record whose framing is rebuilt around a shorter payload (valid CRC) must still be
    /// refused by the length rules or by the decoder, never decoded into garbage.
    private func reframed(_ bytes: [UInt8], record offset: Int, dropping count: Int, fixCRC: Bool) -> [UInt8] {
        var length = 0
        for i in 0..<8 { length |= Int(bytes[offset + 4 + i]) << (8 * i) }
        let payload = Array(bytes[(offset + 12)..<(offset + 12 + length - count)])
        var w = ByteWriter()
        w.u32(1)
        w.u64(UInt64(payload.count))
        w.raw(payload)
        let crc = fixCRC ? CRC32.checksum(w.bytes) : UInt32(bytes[offset + 12 + length]) | UInt32(bytes[offset + 13 + length]) << 8
            | UInt32(bytes[offset + 14 + length]) << 16 | UInt32(bytes[offset + 15 + length]) << 24
        w.u32(crc)
        return Array(bytes[..<offset]) + w.bytes + Array(bytes[(offset + length + 16)...])
    }

    func testTruncatedCodedPayloadIsCaughtByCRCBeforeDecoding() throws {
        let bytes = try sample()
        let offset = recordOffsets(bytes)[0]
        for drop in [1, 2, 10] {
            assertFormatError(.crcMismatch, ["group 0 record", "at byte \(offset)"]) {
                try readAll(reframed(bytes, record: offset, dropping: drop, fixCRC: false))
            }
            // Even with a recomputed CRC the range decoder notices the missing bytes.
            assertFormatError(.malformed, ["group 0 record", "range-coded latents are malformed"]) {
                try readAll(reframed(bytes, record: offset, dropping: drop, fixCRC: true))
            }
        }
    }

    func testFloat16PayloadWithWrongLengthIsRefusedWhileScanning() throws {
        let bytes = try sample(.float16)
        let offset = recordOffsets(bytes)[1]
        assertFormatError(.malformed, ["group 1 record", "payload length"]) {
            try VTKReader(bytes: reframed(bytes, record: offset, dropping: 2, fixCRC: true), name: "t.vtk")
        }
    }

    func testMissingGroupAndDuplicateAudioAreRefused() throws {
        let bytes = try sample()
        let offsets = recordOffsets(bytes)
        // Remove group record 1 entirely: the end record's counts no longer match.
        let withoutGroup = Array(bytes[..<offsets[1]]) + Array(bytes[offsets[2]...])
        assertFormatError(.malformed, ["end record", "counts 3 groups"]) { try readAll(withoutGroup) }
        // Duplicate the audio record (offsets[3]).
        let audio = Array(bytes[offsets[3]..<offsets[4]])
        assertFormatError(.malformed, ["a second audio record"]) { try readAll(Array(bytes[..<offsets[4]]) + audio + Array(bytes[offsets[4]...])) }
    }

    func testReaderReportsMissingFile() {
        assertFormatError(.io, ["nowhere.vtk", "cannot open"]) { try VTKReader(url: URL(fileURLWithPath: "/nonexistent/nowhere.vtk")) }
    }
}
