import Foundation
import VideoIO
import XCTest

/// `vtkc reencode`: the libx264 baseline through the project's own writer.
final class ReencodeCLITests: XCTestCase {
    func testReencodeKeepsFramesAndReportsBitsPerPixel() throws {
        let dir = try CodecCLI.scratch(self)
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 45, height: 33, frames: 17,
                               rate: Rational(num: 25, den: 1))
        var sizes: [Int] = []
        for crf in [45, 10] {
            let r = try CodecCLI.run(["reencode", "in.mp4", "-o", "\(crf).mp4", "--crf", "\(crf)",
                                      "--preset", "ultrafast", "--json"], in: dir)
            XCTAssertEqual(r.status, 0, r.stderr)
            let url = dir.appendingPathComponent("\(crf).mp4")
            let out = try CodecCLI.probe(url)
            XCTAssertEqual(out.frames, 17)
            XCTAssertEqual([out.width, out.height], [45, 33])
            XCTAssertEqual(out.rate, Rational(num: 25, den: 1))
            let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let bytes = try XCTUnwrap(try url.resourceValues(forKeys: [.fileSizeKey]).fileSize)
            XCTAssertEqual(json["bytes"] as? Int, bytes)
            XCTAssertEqual(json["frames"] as? Int, 17)
            let bpp = try XCTUnwrap(json["bits_per_pixel"] as? Double)
            XCTAssertEqual(bpp, Double(bytes * 8) / Double(45 * 33 * 17), accuracy: 1e-9)
            sizes.append(bytes)
        }
        XCTAssertLessThan(sizes[0], sizes[1], "CRF 45 must be smaller than CRF 10")
    }

    func testBadInputAndOptionsFailWithoutPartialOutput() throws {
        let dir = try CodecCLI.scratch(self)
        try Data("not a video".utf8).write(to: dir.appendingPathComponent("junk.mp4"))
        let junk = try CodecCLI.run(["reencode", "junk.mp4", "-o", "out.mp4"], in: dir)
        XCTAssertEqual(junk.status, 1)
        XCTAssertTrue(junk.stderr.contains("junk.mp4"), junk.stderr)
        let missing = try CodecCLI.run(["reencode", "absent.mp4", "-o", "out.mp4"], in: dir)
        XCTAssertEqual(missing.status, 1)
        try CodecCLI.writeClip(dir.appendingPathComponent("in.mp4"), width: 16, height: 16, frames: 2)
        let badCRF = try CodecCLI.run(["reencode", "in.mp4", "-o", "out.mp4", "--crf", "52"], in: dir)
        XCTAssertEqual(badCRF.status, 64)
        let badPreset = try CodecCLI.run(["reencode", "in.mp4", "-o", "out.mp4", "--preset", "warp"], in: dir)
        XCTAssertEqual(badPreset.status, 64)
        let same = try CodecCLI.run(["reencode", "in.mp4", "-o", "in.mp4", "-y"], in: dir)
        XCTAssertEqual(same.status, 1, "a refused output is a runtime error, not a usage error")
        XCTAssertTrue(same.stderr.contains("the output in.mp4 is an input of this command"), same.stderr)
        XCTAssertEqual(CodecCLI.entries(dir), ["in.mp4", "junk.mp4"], "no partial or temporary output")
        try Data("keep".utf8).write(to: dir.appendingPathComponent("out.mp4"))
        let exists = try CodecCLI.run(["reencode", "in.mp4", "-o", "out.mp4"], in: dir)
        XCTAssertEqual(exists.status, 1)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("out.mp4")), Data("keep".utf8))
        let overwrite = try CodecCLI.run(["reencode", "in.mp4", "-o", "out.mp4", "-y", "-q"], in: dir)
        XCTAssertEqual(overwrite.status, 0, overwrite.stderr)
        XCTAssertEqual(try CodecCLI.probe(dir.appendingPathComponent("out.mp4")).frames, 2)
    }
}
