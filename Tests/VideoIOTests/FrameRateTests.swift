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

/// Variable frame rate from the timestamps themselves (issue 30.10), whatever the container.
final class TimestampRhythmTests: XCTestCase {
    func testUnevenTimestampsAreAVariableRate() throws {
        // 12 frames over 0-2.2 s in a millisecond time base, spaced unevenly.
        let uneven: [Int64] = [0, 100, 150, 400, 500, 900, 1000, 1300, 1500, 1800, 2000, 2200]
        let rhythm = try XCTUnwrap(TimestampRhythm(uneven.shuffled(), timeBase: Rational(num: 1, den: 1000)))
        XCTAssertTrue(rhythm.uneven)
        XCTAssertEqual(rhythm.averageRate, Rational(num: 5, den: 1))
    }

    func testConstantRatesWithRoundingOrOneOutlierAreNot() throws {
        // 29.97 fps rounded to milliseconds: gaps of 33 and 34.
        let ntsc = (0..<300).map { Int64((Double($0) * 1001 / 30).rounded()) }
        let rhythm = try XCTUnwrap(TimestampRhythm(ntsc, timeBase: Rational(num: 1, den: 1000)))
        XCTAssertFalse(rhythm.uneven)
        XCTAssertEqual(rhythm.averageRate.doubleValue, 29.97, accuracy: 0.01)
        var longLast = (0..<400).map { Int64($0) * 1001 }
        longLast.append(longLast.last! + 5005)
        XCTAssertFalse(try XCTUnwrap(TimestampRhythm(longLast, timeBase: Rational(num: 1, den: 30000))).uneven)
        XCTAssertNil(TimestampRhythm([0, 0, 10], timeBase: Rational(num: 1, den: 1000)))
    }
}
