import XCTest
@testable import VideoIO

/// Write -> read round trips with the public writer: frame count, rate and size survive.
final class RoundTripTests: XCTestCase {
    private func roundTrip(width: Int, height: Int, frames: Int, rate: Rational,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try makeScratchDirectory(self)
        let url = dir.appendingPathComponent("clip.mp4")
        try writeClip(url, width: width, height: height, frames: frames, rate: rate)
        let (info, decoded, audio) = try readAll(url)
        XCTAssertEqual(info.width, width, file: file, line: line)
        XCTAssertEqual(info.height, height, file: file, line: line)
        XCTAssertEqual(info.frameCount, frames, "container frame count", file: file, line: line)
        XCTAssertEqual(decoded.count, frames, "decoded frames (the last one must not be dropped)", file: file, line: line)
        XCTAssertEqual(info.frameRate, rate.reduced, file: file, line: line)
        XCTAssertEqual(info.duration, Double(frames) / rate.doubleValue, accuracy: 1e-3, file: file, line: line)
        XCTAssertEqual(info.codecName, "h264", file: file, line: line)
        XCTAssertEqual(info.rotation, 0, file: file, line: line)
        XCTAssertFalse(info.hasAudio, file: file, line: line)
        XCTAssertNil(audio, file: file, line: line)
        XCTAssertEqual(info.pixelAspect, Rational(num: 1, den: 1), file: file, line: line)
        for (i, frame) in decoded.enumerated() {
            XCTAssertEqual(frame.width, width, file: file, line: line)
            XCTAssertEqual(frame.height, height, file: file, line: line)
            XCTAssertEqual(frame.pixels.count, width * height * 3, file: file, line: line)
            XCTAssertEqual(frame.pts ?? -1, Double(i) / rate.doubleValue, accuracy: 1e-3, file: file, line: line)
        }
        XCTAssertEqual(directoryEntries(dir), ["clip.mp4"], "no temporary file left", file: file, line: line)
    }

    func testSingleFrame() throws { try roundTrip(width: 64, height: 48, frames: 1, rate: Rational(num: 25, den: 1)) }
    func testSeventeenFrames() throws { try roundTrip(width: 96, height: 64, frames: 17, rate: Rational(num: 25, den: 1)) }
    func testNTSCRate() throws { try roundTrip(width: 80, height: 60, frames: 31, rate: Rational(num: 30000, den: 1001)) }
    func testUnreducedRateComesBackReduced() throws { try roundTrip(width: 32, height: 32, frames: 5, rate: Rational(num: 50, den: 2)) }
    func testOddSize() throws { try roundTrip(width: 127, height: 93, frames: 9, rate: Rational(num: 24, den: 1)) }
    func testOddWidthOnly() throws { try roundTrip(width: 33, height: 20, frames: 3, rate: Rational(num: 10, den: 1)) }

    /// skipFrame() decodes the same frames nextFrame() would, without converting them.
    func testSkipFrameKeepsCountAndOrder() throws {
        let dir = try makeScratchDirectory(self)
        let url = dir.appendingPathComponent("skip.mp4")
        try writeClip(url, width: 40, height: 30, frames: 7, rate: Rational(num: 25, den: 1))
        let (_, all, _) = try readAll(url)
        let reader = try VideoReader(url: url)
        XCTAssertTrue(try reader.skipFrame())
        XCTAssertTrue(try reader.skipFrame())
        XCTAssertEqual(try reader.nextFrame(), all[2])
        var rest = 0
        while try reader.skipFrame() { rest += 1 }
        XCTAssertEqual(rest, 4)
        XCTAssertNil(try reader.nextFrame())
    }

    /// A display rotation given to the writer is what the reader reports; frames stay unrotated.
    func testRotationMetadataRoundTrip() throws {
        let dir = try makeScratchDirectory(self)
        for rotation in [90, 180, 270, -90] {
            let url = dir.appendingPathComponent("rot\(rotation).mp4")
            try writeClip(url, width: 48, height: 32, frames: 2, rate: Rational(num: 25, den: 1),
                          options: .init(preset: "ultrafast", rotation: rotation))
            let (info, frames, _) = try readAll(url)
            XCTAssertEqual(info.rotation, (rotation + 360) % 360)
            XCTAssertEqual(info.width, 48)
            XCTAssertEqual(frames.first?.width, 48)
        }
        XCTAssertThrowsError(try VideoWriter(url: dir.appendingPathComponent("x.mp4"), width: 8, height: 8,
                                             frameRate: Rational(num: 25, den: 1), options: .init(rotation: 45)))
    }

    /// The cropped frame is the picture itself, not shifted: the right and bottom edges match.
    func testOddSizeKeepsEdges() throws {
        let dir = try makeScratchDirectory(self)
        let url = dir.appendingPathComponent("odd.mp4")
        try writeClip(url, width: 127, height: 93, frames: 2, rate: Rational(num: 25, den: 1),
                      options: .init(crf: 0, preset: "ultrafast"))
        let (_, decoded, _) = try readAll(url)
        XCTAssertEqual(decoded.count, 2)
        for (i, frame) in decoded.enumerated() {
            let source = smoothFrame(width: 127, height: 93, index: i)
            let error = pixelError(source, frame)
            XCTAssertLessThanOrEqual(error.max, YUV420Bound.maxError)
            XCTAssertLessThanOrEqual(error.mean, YUV420Bound.meanError)
        }
    }

    /// CRF 0 is lossless in YUV, so what is lost is the RGB -> 4:2:0 -> RGB conversion.
    func testLosslessRoundTripWithinConversionBound() throws {
        let dir = try makeScratchDirectory(self)
        let url = dir.appendingPathComponent("lossless.mp4")
        try writeClip(url, width: 128, height: 96, frames: 4, rate: Rational(num: 25, den: 1),
                      options: .init(crf: 0, preset: "ultrafast"))
        let (_, decoded, _) = try readAll(url)
        XCTAssertEqual(decoded.count, 4)
        for (i, frame) in decoded.enumerated() {
            let error = pixelError(smoothFrame(width: 128, height: 96, index: i), frame)
            XCTAssertLessThanOrEqual(error.max, YUV420Bound.maxError, "frame \(i)")
            XCTAssertLessThanOrEqual(error.mean, YUV420Bound.meanError, "frame \(i)")
        }
    }

    /// A lossy CRF is clearly worse than lossless on the same content, so CRF reaches x264.
    func testCRFChangesQuality() throws {
        let dir = try makeScratchDirectory(self)
        let good = dir.appendingPathComponent("good.mp4"), bad = dir.appendingPathComponent("bad.mp4")
        try writeClip(good, width: 64, height: 64, frames: 3, rate: Rational(num: 25, den: 1), options: .init(crf: 0, preset: "ultrafast"))
        try writeClip(bad, width: 64, height: 64, frames: 3, rate: Rational(num: 25, den: 1), options: .init(crf: 51, preset: "ultrafast"))
        let goodSize = try FileManager.default.attributesOfItem(atPath: good.path)[.size] as! Int
        let badSize = try FileManager.default.attributesOfItem(atPath: bad.path)[.size] as! Int
        XCTAssertGreaterThan(goodSize, badSize * 2)
    }
}

/// The error allowed after RGB -> YUV 4:2:0 (BT.601 at these sizes, limited range) -> RGB on the smooth test
/// content. Limited-range quantisation alone moves a channel by up to about 1.6 levels
/// (Y steps are 255/219, chroma steps 255/224 and B takes 1.77 x Cb); averaging 2x2 chroma
/// blocks of a gradient whose colour changes by at most ~2 levels per pixel adds a few more.
/// Measured here: max 3, mean 0.35-0.37 per frame; the bounds leave one level of room.
enum YUV420Bound {
    static let maxError = 4
    static let meanError = 0.6
}
