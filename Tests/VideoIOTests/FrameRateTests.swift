import XCTest
@testable import VideoIO

/// Variable-frame-rate sources are flagged, and their warning names the constant rate used.
final class FrameRateTests: XCTestCase {
    func clip(_ name: String) throws -> URL {
        guard let shared = sharedDirectory() else {
            throw XCTSkip("../shared/data is absent: variable-frame-rate detection not tested on real clips")
        }
        return shared.appendingPathComponent("data/clips/\(name)")
    }

    func testVariableRateClipIsFlaggedAndConstantOnesAreNot() throws {
        // moviepy_fire2.mp4: average 750000/71393 (10.505 fps) against a base rate of 90000/1
        let fire = try VideoReader(url: try clip("moviepy_fire2.mp4")).info
        XCTAssertTrue(fire.variableFrameRate)
        XCTAssertEqual(fire.frameRate.reduced, Rational(num: 750000, den: 71393))
        let warning = try XCTUnwrap(fire.variableRateWarning(path: "fire2.mp4"))
        XCTAssertTrue(warning.hasPrefix("warning: fire2.mp4 has a variable frame rate"), warning)
        XCTAssertTrue(warning.contains("750000/71393 = 10.505 fps"), warning)
        XCTAssertFalse(warning.contains("\n"))
        // ocv_tree.avi declares 15 fps, but its 68 frames' timestamps step by 5 to 11 ticks of
        // 1/15 s (30 s in all): found from the timestamps, written at their average.
        let tree = try VideoReader(url: try clip("ocv_tree.avi")).info
        XCTAssertTrue(tree.variableFrameRate)
        XCTAssertEqual(tree.frameRate.reduced, Rational(num: 2269, den: 1000))
        for name in ["mmaction2_demo.mp4", "decord_flipping_a_pancake.mkv"] {
            let info = try VideoReader(url: try clip(name)).info
            XCTAssertFalse(info.variableFrameRate, name)
            XCTAssertNil(info.variableRateWarning(path: name), name)
        }
    }
}
