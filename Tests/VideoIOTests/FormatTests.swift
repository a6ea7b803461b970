import CFFmpeg
import XCTest
@testable import VideoIO

/// Inputs in other codecs, containers, chroma layouts and bit depths decode to RGB24 at their
/// size, keep frame count and rate, and survive a re-encode through the public writer.
final class FormatTests: XCTestCase {
    private func check(_ spec: EncoderSpec, ext: String, width: Int = 96, height: Int = 64,
                       frames: Int = 12, rate: Rational = Rational(num: 25, den: 1),
                       codecName: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = try makeScratchDirectory(self)
        let source = dir.appendingPathComponent("source.\(ext)")
        try writeClip(source, width: width, height: height, frames: frames, rate: rate, spec: spec)
        let (info, decoded, _) = try readAll(source)
        XCTAssertEqual(info.codecName, codecName, file: file, line: line)
        XCTAssertEqual(info.width, width, file: file, line: line)
        XCTAssertEqual(info.height, height, file: file, line: line)
        XCTAssertEqual(info.frameCount, frames, file: file, line: line)
        XCTAssertEqual(decoded.count, frames, file: file, line: line)
        XCTAssertEqual(info.frameRate, rate, file: file, line: line)
        if let first = decoded.first {
            let error = pixelError(smoothFrame(width: width, height: height, index: 0), first)
            XCTAssertLessThanOrEqual(error.mean, 3, "decoded colours are close to the source", file: file, line: line)
        }
        let copy = dir.appendingPathComponent("copy.mp4")
        let writer = try VideoWriter(url: copy, width: info.width, height: info.height, frameRate: info.frameRate,
                                     options: .init(crf: 10, preset: "ultrafast"))
        for frame in decoded { try writer.write(frame) }
        try writer.finish()
        let (copyInfo, copyFrames, _) = try readAll(copy)
        XCTAssertEqual(copyFrames.count, frames, file: file, line: line)
        XCTAssertEqual(copyInfo.frameRate, rate, file: file, line: line)
        XCTAssertEqual(copyInfo.width, width, file: file, line: line)
        XCTAssertEqual(copyInfo.height, height, file: file, line: line)
    }

    func testH264444() throws {
        try check(EncoderSpec(codec: "libx264", pixelFormat: AV_PIX_FMT_YUV444P,
                              options: ["preset": "ultrafast", "crf": "10"], container: "mp4"),
                  ext: "mp4", codecName: "h264")
    }

    func testH264TenBit() throws {
        try check(EncoderSpec(codec: "libx264", pixelFormat: AV_PIX_FMT_YUV420P10LE,
                              options: ["preset": "ultrafast", "crf": "10"], container: "mp4"),
                  ext: "mp4", rate: Rational(num: 30000, den: 1001), codecName: "h264")
    }

    func testFFV1TenBit444InMatroska() throws {
        try check(EncoderSpec(codec: "ffv1", pixelFormat: AV_PIX_FMT_YUV444P10LE, options: [:], container: "matroska"),
                  ext: "mkv", width: 63, height: 41, frames: 7, codecName: "ffv1")
    }

    func testMPEG4InAVI() throws {
        try check(EncoderSpec(codec: "mpeg4", pixelFormat: AV_PIX_FMT_YUV420P, options: ["b": "4000000"], container: "avi"),
                  ext: "avi", frames: 17, rate: Rational(num: 15, den: 1), codecName: "mpeg4")
    }

    func testVP9InWebM() throws {
        try requireEncoder("libvpx-vp9")
        try check(EncoderSpec(codec: "libvpx-vp9", pixelFormat: AV_PIX_FMT_YUV420P,
                              options: ["crf": "20", "b": "0", "deadline": "realtime", "cpu-used": "8"], container: "webm"),
                  ext: "webm", frames: 9, rate: Rational(num: 24, den: 1), codecName: "vp9")
    }

    func testHEVCInMatroska() throws {
        try requireEncoder("libx265")
        try check(EncoderSpec(codec: "libx265", pixelFormat: AV_PIX_FMT_YUV420P,
                              options: ["preset": "ultrafast", "crf": "12", "x265-params": "log-level=none"], container: "matroska"),
                  ext: "mkv", frames: 10, rate: Rational(num: 30000, den: 1001), codecName: "hevc")
    }

    private func requireEncoder(_ name: String) throws {
        if avcodec_find_encoder_by_name(name) == nil {
            throw XCTSkip("this FFmpeg build has no \(name) encoder")
        }
    }

    func testMSMPEG4InAVI() throws {
        try check(EncoderSpec(codec: "msmpeg4", pixelFormat: AV_PIX_FMT_YUV420P, options: ["b": "4000000"], container: "avi"),
                  ext: "avi", frames: 5, codecName: "msmpeg4v3")
    }
}
