import Foundation
import SafeTensors
import XCTest
@testable import ViTok

/// `SafeTensorsFile(bytes:name:)` (what the fuzzer parses) reads the same tensors as the file
/// on disk and fails with the same errors, naming the name given.
final class SafeTensorsMemoryTests: XCTestCase {
    private let config = Fixtures.smallConfig

    func testMemoryCopyReadsTheSameTensorsAsTheFile() throws {
        let bytes = try safetensorsBytes(randomModelTensors(config, seed: 3), metadata: ["k": "v"])
        let url = try temporaryDirectory(self).appendingPathComponent("m.safetensors")
        try Data(bytes).write(to: url)
        let onDisk = try SafeTensorsFile(url: url)
        let inMemory = try SafeTensorsFile(bytes: bytes, name: "m.safetensors")
        XCTAssertEqual(inMemory.metadata, onDisk.metadata)
        XCTAssertEqual(Set(inMemory.tensors.keys), Set(onDisk.tensors.keys))
        for (name, entry) in onDisk.tensors {
            let copy = try XCTUnwrap(inMemory.tensors[name])
            XCTAssertEqual(copy.shape, entry.shape, name)
            XCTAssertEqual(copy.offset, entry.offset, name)
            XCTAssertEqual(try copy.floats(), try entry.floats(), name)
            XCTAssertEqual(Int(bitPattern: copy.bytes) % 4, Int(bitPattern: entry.bytes) % 4, "same alignment")
        }
    }

    func testMemoryCopyFailsLikeTheFile() throws {
        let bytes = try safetensorsBytes(randomModelTensors(config, seed: 3), metadata: nil)
        for (cut, text) in [(Array(bytes.dropLast(10)), "past the"), (Array(bytes.prefix(5)), "shorter than the 8-byte"),
                            ([], "shorter than the 8-byte")] {
            XCTAssertThrowsError(try SafeTensorsFile(bytes: cut, name: "cut.safetensors")) { error in
                let message = (error as? SafeTensorsError)?.message ?? "\(error)"
                XCTAssertTrue(message.hasPrefix("cut.safetensors"), message)
                XCTAssertTrue(message.contains(text), message)
            }
        }
    }
}
