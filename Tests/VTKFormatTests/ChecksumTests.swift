import Foundation
import SHA256Oracle
import XCTest
@testable import VTKFormat

final class ChecksumTests: XCTestCase {
    /// FIPS 180-4 / NIST CSRC example vectors.
    func testSHA256KnownVectors() {
        let vectors: [(String, String)] = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
             "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ]
        for (message, digest) in vectors {
            XCTAssertEqual(Hex.string(SHA256.hash(Array(message.utf8))), digest, message)
        }
    }

    func testSHA256MillionA() {
        var hasher = SHA256()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        XCTAssertEqual(Hex.string(hasher.finalize()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Feeding the same bytes in pieces of every awkward size gives the one-shot digest.
    func testSHA256StreamedEqualsOneShot() {
        var rng = SplitMix64(seed: 7)
        let data = (0..<1000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let expected = SHA256.hash(data)
        for piece in [1, 3, 55, 56, 63, 64, 65, 127, 999] {
            var hasher = SHA256()
            var start = 0
            while start < data.count {
                let end = min(start + piece, data.count)
                hasher.update(data[start..<end])
                start = end
            }
            XCTAssertEqual(hasher.finalize(), expected, "piece \(piece)")
        }
        // Padding boundaries: lengths around one block give distinct digests.
        let digests = Set((50...70).map { Hex.string(SHA256.hash(data.prefix($0))) })
        XCTAssertEqual(digests.count, 21)
    }

    func testCRC32KnownVectors() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([UInt8]()), 0)
        XCTAssertEqual(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)), 0x414F_A339)
    }

    /// The slicing-by-8 path agrees with the bit-at-a-time definition, in one piece or many.
    func testCRC32MatchesBitwiseDefinition() {
        func bitwise(_ bytes: [UInt8]) -> UInt32 {
            var c: UInt32 = 0xFFFF_FFFF
            for b in bytes {
                c ^= UInt32(b)
                for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            }
            return c ^ 0xFFFF_FFFF
        }
        var rng = SplitMix64(seed: 3)
        for length in [1, 7, 8, 9, 15, 16, 17, 100, 1021] {
            let data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            XCTAssertEqual(CRC32.checksum(data), bitwise(data), "length \(length)")
            var crc = CRC32()
            crc.update(data.prefix(length / 3))
            crc.update(data.dropFirst(length / 3))
            XCTAssertEqual(crc.value, bitwise(data), "split, length \(length)")
        }
    }
}
