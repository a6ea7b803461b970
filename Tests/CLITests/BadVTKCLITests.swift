import Foundation
import VTKFormat
import XCTest

/// Damaged or foreign .vtk files through `vtkc expand`, `info` and `latents`: a one-line error
/// naming the offset or the cause, exit status 1, and no output file left behind.
final class BadVTKCLITests: XCTestCase {
    let model = CodecCLI.tinyModel.path
    var dir: URL!
    var good: [UInt8] = []

    override func setUpWithError() throws {
        dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 40, height: 36, frames: 20)
        let r = try CodecCLI.run(["compress", "in.mp4", "-o", "good.vtk", "--model", model, "-q"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        good = Array(try Data(contentsOf: dir.appendingPathComponent("good.vtk")))
    }

    /// Expands (and exports latents of) `bytes`; expects failure mentioning `expected`.
    func expectFailure(_ bytes: [UInt8], mentioning expected: [String], modelPath: String? = nil,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        try Data(bytes).write(to: dir.appendingPathComponent("bad.vtk"))
        let before = CodecCLI.entries(dir)
        var runs = [try CodecCLI.run(["expand", "bad.vtk", "-o", "out.mp4", "--model", modelPath ?? model],
                                     in: dir)]
        if modelPath == nil {
            runs.append(try CodecCLI.run(["latents", "bad.vtk", "-o", "z.safetensors"], in: dir))
        }
        for r in runs {
            XCTAssertEqual(r.status, 1, r.stderr, file: file, line: line)
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "one line: \(r.stderr)", file: file, line: line)
            for word in expected {
                XCTAssertTrue(r.stderr.contains(word), "'\(word)' missing in: \(r.stderr)", file: file, line: line)
            }
        }
        XCTAssertEqual(CodecCLI.entries(dir), before, "no output or temporary file", file: file, line: line)
    }

    /// Offset of the first record: 16-byte prefix, header payload, 4-byte CRC.
    var firstRecord: Int {
        let h = Int(good[12]) | Int(good[13]) << 8 | Int(good[14]) << 16 | Int(good[15]) << 24
        return 16 + h + 4
    }

    func testTruncatedFile() throws {
        try expectFailure(Array(good.dropLast(40)), mentioning: ["truncated", "at byte"])
    }

    func testFlippedByteInAGroupRecordFailsItsCRC() throws {
        var bytes = good
        bytes[firstRecord + 12 + 50] ^= 0x20
        try expectFailure(bytes, mentioning: ["CRC", "group 0", "at byte \(firstRecord)"])
    }

    func testWrongMagic() throws {
        var bytes = good
        bytes[1] = UInt8(ascii: "X")
        try expectFailure(bytes, mentioning: ["magic"])
    }

    func testFutureVersion() throws {
        var bytes = good
        bytes[8] = 9
        try expectFailure(bytes, mentioning: ["version 9"])
    }

    func testModelHashMismatch() throws {
        // The same tiny model with another name in its metadata: other bytes, other SHA-256.
        let other = dir.appendingPathComponent("other-model")
        try FileManager.default.copyItem(at: CodecCLI.tinyModel, to: other)
        let shard = other.appendingPathComponent("model-00001.safetensors")
        var data = Array(try Data(contentsOf: shard))
        let name = Array("vitok-tiny-golden".utf8)
        let at = try XCTUnwrap((0...(data.count - name.count)).first { data[$0..<($0 + name.count)].elementsEqual(name) })
        data[at + 11] = UInt8(ascii: "G")
        try Data(data).write(to: shard)
        try expectFailure(good, mentioning: ["vitok-tiny-golden", "vitok-tiny-Golden", "sha256", "--force-model"],
                          modelPath: other.path)
        let forced = try CodecCLI.run(["expand", "bad.vtk", "-o", "forced.mp4", "--model", other.path,
                                       "--force-model", "-q", "--preset", "ultrafast"], in: dir)
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(try CodecCLI.probe(dir.appendingPathComponent("forced.mp4")).frames, 20)
    }

    func testInfoReportsTheSameDefects() throws {
        var bytes = good
        bytes[firstRecord + 12 + 50] ^= 0x20
        try Data(bytes).write(to: dir.appendingPathComponent("bad.vtk"))
        let plain = try CodecCLI.run(["info", "bad.vtk"], in: dir)
        XCTAssertEqual(plain.status, 0, "framing is intact; only --verify reads payloads")
        let verify = try CodecCLI.run(["info", "bad.vtk", "--verify"], in: dir)
        XCTAssertEqual(verify.status, 1)
        XCTAssertTrue(verify.stderr.contains("CRC"), verify.stderr)
    }

    /// A model path that does not exist, from --model or from $VTKC_MODEL: one line naming
    /// the path and where it came from, exit 1, no output.
    func testMissingModelPathIsNamed() throws {
        let missing = dir.appendingPathComponent("no-such-model").path
        let runs = [
            ("--model", try CodecCLI.run(["compress", "in.mp4", "-o", "x.vtk", "--model", missing], in: dir)),
            ("$VTKC_MODEL", try CodecCLI.run(["expand", "good.vtk", "-o", "x.mp4"], in: dir,
                                             modelVariable: missing)),
        ]
        for (origin, r) in runs {
            XCTAssertEqual(r.status, 1, r.stderr)
            let lines = r.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(missing) && r.stderr.contains(origin), r.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.vtk").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.mp4").path))
    }
}
