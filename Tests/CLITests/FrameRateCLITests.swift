import Foundation
import XCTest

/// A variable-frame-rate input gets one warning line naming the constant rate the output uses.
final class FrameRateCLITests: XCTestCase {
    func testVariableRateInputIsWarnedAboutOnce() throws {
        let clip = CodecCLI.repo.deletingLastPathComponent().appendingPathComponent("shared/data/clips/moviepy_fire2.mp4")
        guard FileManager.default.fileExists(atPath: clip.path) else {
            throw XCTSkip("../shared/data is absent: the variable-frame-rate warning not tested on a real clip")
        }
        let dir = try CodecCLI.scratch(self)
        let model = CodecCLI.tinyModel.path
        let compress = try CodecCLI.run(["compress", clip.path, "-o", "f.vtk", "--model", model, "-q",
                                         "--resize", "64"], in: dir)
        XCTAssertEqual(compress.status, 0, compress.stderr)
        let reencode = try CodecCLI.run(["reencode", clip.path, "-o", "f.mp4", "-q"], in: dir)
        XCTAssertEqual(reencode.status, 0, reencode.stderr)
        for run in [compress, reencode] {
            let lines = run.stderr.split(separator: "\n").filter { $0.contains("variable frame rate") }
            XCTAssertEqual(lines.count, 1, run.stderr)
            XCTAssertTrue(lines.first?.contains("750000/71393 = 10.505 fps") ?? false, run.stderr)
        }
        let steady = try CodecCLI.run(["reencode", CodecCLI.repo.appendingPathComponent("samples/tree.mp4").path,
                                       "-o", "t.mp4", "-q"], in: dir)
        XCTAssertEqual(steady.status, 0, steady.stderr)
        XCTAssertFalse(steady.stderr.contains("variable frame rate"), steady.stderr)
    }
}
