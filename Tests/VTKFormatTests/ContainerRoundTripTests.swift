import Foundation
import SHA256Oracle
import XCTest
@testable import VTKFormat

final class ContainerRoundTripTests: XCTestCase {
    func testHeaderRoundTrip() throws {
        for encoding in [VTKLatentEncoding.float16, .quantized(bits: 1), .quantized(bits: 8), .quantized(bits: 16)] {
            let header = smallHeader(encoding: encoding)
            let bytes = try encodedBytes(header, randomGroups(header, seed: 1))
            let reader = try VTKReader(bytes: bytes)
            XCTAssertEqual(reader.header, header)
            XCTAssertEqual(reader.groupCount, 3)
        }
    }

    func testFloat16RoundTripWithinHalfPrecision() throws {
        let header = smallHeader(encoding: .float16)
        let groups = randomGroups(header, seed: 2)
        let audio = Array("opaque audio packets".utf8)
        let (_, decoded, decodedAudio) = try readAll(try encodedBytes(header, groups, audio: audio))
        XCTAssertEqual(decoded.count, groups.count)
        for (g, d) in zip(groups, decoded) {
            XCTAssertEqual(d.count, g.count)
            for (x, y) in zip(g, d) { XCTAssertEqual(y, Float(Float16(x))) }
            for (x, y) in zip(g, d) { XCTAssertLessThanOrEqual(abs(x - y), abs(x) * 0x1p-11 + 0x1p-24) }
        }
        XCTAssertEqual(decodedAudio, audio)
    }

    /// Quantized files decode to exactly the dequantized symbols, and the error is at most half
    /// a quantization step.
    func testQuantizedRoundTripIsExactOnQuantizedValues() throws {
        for bits in [1, 2, 5, 8, 12, 16] {
            let header = smallHeader(encoding: .quantized(bits: bits))
            let groups = randomGroups(header, seed: UInt64(bits))
            let (_, decoded, _) = try readAll(try encodedBytes(header, groups))
            let quantizer = LatentQuantizer(bits: bits, channels: header.latentChannels)
            for (g, d) in zip(groups, decoded) {
                let ranges = quantizer.ranges(g)
                XCTAssertEqual(d, quantizer.dequantize(quantizer.quantize(g, ranges: ranges), ranges: ranges), "bits \(bits)")
                for (i, (x, y)) in zip(g, d).enumerated() {
                    let r = ranges[i % header.latentChannels]
                    let step = (r.hi - r.lo) / Float((1 << bits) - 1)
                    XCTAssertLessThanOrEqual(abs(x - y), step * 0.5001 + 1e-6, "bits \(bits) value \(i)")
                }
            }
        }
    }

    func testSameInputGivesIdenticalBytes() throws {
        for encoding in [VTKLatentEncoding.float16, .quantized(bits: 8)] {
            let header = smallHeader(encoding: encoding)
            let groups = randomGroups(header, seed: 5)
            let first = try encodedBytes(header, groups, audio: [1, 2, 3])
            let second = try encodedBytes(header, groups, audio: [1, 2, 3])
            XCTAssertEqual(first, second)
        }
    }

    func testAudioMayComeAnywhereAndByteCountsAddUp() throws {
        let header = smallHeader(encoding: .quantized(bits: 6))
        let groups = randomGroups(header, seed: 6)
        let audio = (0..<777).map { UInt8($0 % 251) }
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for after in 0...groups.count {
            let url = dir.appendingPathComponent("a\(after).vtk")
            let bytes = try writeFile(header, groups, audio: audio, audioAfter: after, to: url)
            let reader = try VTKReader(url: url)
            XCTAssertEqual(try reader.audio(), audio)
            var count = 0
            while try reader.nextGroup() != nil { count += 1 }
            XCTAssertEqual(count, groups.count)
            let c = reader.byteCounts
            XCTAssertEqual(c.file, bytes.count)
            XCTAssertEqual(c.header + c.groups + c.audio + c.end, c.file)
            XCTAssertEqual(c.audio, audio.count + 16)
            XCTAssertEqual(c.end, 28)
        }
    }

    func testRandomAccessMatchesSequential() throws {
        let header = smallHeader(encoding: .quantized(bits: 8), frames: 80)
        let groups = randomGroups(header, seed: 8)
        let reader = try VTKReader(bytes: try encodedBytes(header, groups))
        let backwards = (0..<reader.groupCount).reversed().map { try! reader.group(at: $0) }
        var sequential: [[Float]] = []
        while let g = try reader.nextGroup() { sequential.append(g) }
        XCTAssertEqual(Array(backwards.reversed()), sequential)
        XCTAssertNoThrow(try reader.verify())
    }

    /// A writer that fails or is dropped unfinished removes the file it was writing (where
    /// finished bytes go is OutputTarget's job, tested in SafeOutputTests).
    func testUnfinishedWriterRemovesItsFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("out.vtk")
        let header = smallHeader()
        do {
            let writer = try VTKWriter(url: url, header: header)
            try writer.appendGroup(randomGroups(header, seed: 1)[0])
            assertFormatError(.misuse, ["40 frames need 3 groups but 1 were appended"]) { try writer.finish() }
        }
        do {
            let writer = try VTKWriter(url: url, header: header)
            try writer.appendGroup(randomGroups(header, seed: 1)[0])
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "partial file left behind")
    }

    func testWriterMisuseIsReported() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let header = smallHeader(frames: 16)
        let writer = try VTKWriter(url: dir.appendingPathComponent("m.vtk"), header: header)
        try writer.setAudio([9])
        assertFormatError(.misuse, ["audio was already written"]) { try writer.setAudio([9]) }
        try writer.appendGroup(randomGroups(header, seed: 1)[0])
        try writer.appendGroup(randomGroups(header, seed: 1)[0])
        assertFormatError(.misuse, ["16 frames need 1 groups but 2 were appended"]) { try writer.finish() }
        assertFormatError(.misuse, ["0 frames need 0 groups"]) { try writer.finish(frameCount: 0) }
        try writer.finish(frameCount: 17)
        assertFormatError(.misuse, ["finished"]) { try writer.finish() }
    }

    /// The codec learns the true frame count only at the end of the stream: finish(frameCount:)
    /// patches the header, giving the bytes of a writer that knew the count from the start.
    func testFrameCountGivenAtFinishGivesIdenticalBytes() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let header = smallHeader(encoding: .quantized(bits: 8), frames: 40)
        let groups = randomGroups(header, seed: 12)
        let direct = try writeFile(header, groups, audio: [7], to: dir.appendingPathComponent("direct.vtk"))
        var provisional = header
        provisional.frameCount = 1
        let url = dir.appendingPathComponent("late.vtk")
        let writer = try VTKWriter(url: url, header: provisional)
        for g in groups { try writer.appendGroup(g) }
        try writer.setAudio([7])
        try writer.finish(frameCount: 40)
        XCTAssertEqual(writer.header.frameCount, 40)
        XCTAssertEqual(Array(try Data(contentsOf: url)), direct)
        XCTAssertEqual(try VTKReader(url: url).header.frameCount, 40)
    }

    func testInvalidHeaderFieldsAreRefusedByTheWriter() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var header = smallHeader()
        header.modelSHA256 = [1, 2, 3]
        assertFormatError(.malformed, ["SHA-256 has 3 bytes"]) { try VTKWriter(url: dir.appendingPathComponent("h.vtk"), header: header) }
        header = smallHeader()
        header.frameRate = VTKRational(num: 0, den: 1)
        assertFormatError(.malformed, ["frame rate numerator is 0"]) { try VTKWriter(url: dir.appendingPathComponent("h.vtk"), header: header) }
        header = smallHeader(encoding: .quantized(bits: 17))
        assertFormatError(.malformed, ["quantizer bits is 17"]) { try VTKWriter(url: dir.appendingPathComponent("h.vtk"), header: header) }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }

    func testModelCheck() throws {
        let header = smallHeader()
        XCTAssertNoThrow(try header.checkModel(sha256: SHA256.hash(Array("weights".utf8))))
        let other = SHA256.hash(Array("other".utf8))
        assertFormatError(.modelMismatch, ["clip.vtk", "vitok-test", Hex.string(header.modelSHA256), "vitok-x", Hex.string(other)]) {
            try header.checkModel(sha256: other, name: "vitok-x", file: "clip.vtk")
        }
    }

    /// Issue 30.13: a write error names the destination the caller gave, not the staging file
    /// the bytes go to (/dev/full stands in for a full disk).
    func testWriteErrorsNameTheGivenName() throws {
        let header = smallHeader()
        XCTAssertThrowsError(try VTKWriter(url: URL(fileURLWithPath: "/dev/full"), header: header, name: "out/a.vtk")) { error in
            let message = (error as? LocalizedError)?.errorDescription ?? "\(error)"
            XCTAssertTrue(message.hasPrefix("out/a.vtk: at byte 0: write failed"), message)
            XCTAssertTrue(message.contains("space"), message)
        }
        var info = stat()
        XCTAssertEqual(stat("/dev/full", &info), 0, "the failed writer left the device it was given alone")
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR)
    }
}
