@testable import Codec
import SHA256Oracle
import VTKFormat
import XCTest

/// libcrypto's SHA-256 of weight files against the portable SHA-256 oracle (Tests/SHA256Oracle).
final class WeightDigestTests: XCTestCase {
    func testDigestOfFilesIsTheDigestOfTheirConcatenation() throws {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("vtkc-digest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var state: UInt64 = 11
        // Longer than one 4 MiB read, and not a multiple of the 64-byte block.
        let a = (0..<((1 << 22) + 4097)).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let b = Array("second shard".utf8)
        let (urlA, urlB) = (dir.appendingPathComponent("a.safetensors"),
                            dir.appendingPathComponent("b.safetensors"))
        let empty = dir.appendingPathComponent("empty.safetensors")
        try Data(a).write(to: urlA)
        try Data(b).write(to: urlB)
        try Data().write(to: empty)
        XCTAssertEqual(try WeightDigest.sha256(files: [urlA, empty, urlB]), SHA256.hash(a + b))
        XCTAssertNotEqual(try WeightDigest.sha256(files: [urlB, urlA]), SHA256.hash(a + b))
        XCTAssertEqual(Hex.string(try WeightDigest.sha256(files: [empty])),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let missing = dir.appendingPathComponent("missing.safetensors")
        XCTAssertThrowsError(try WeightDigest.sha256(files: [urlA, missing])) { error in
            let message = (error as? LocalizedError)?.errorDescription ?? "\(error)"
            XCTAssertTrue(message.contains("missing.safetensors"), message)
            XCTAssertTrue(message.contains("cannot open"), message)
        }
    }
}
