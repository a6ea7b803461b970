import CFFmpeg
import XCTest
@testable import VideoIO

/// The writer's lossless and high-fidelity outputs, and a stream whose frame size changes.
final class LosslessOutputTests: XCTestCase {
    /// Full-range pseudo-random RGB (every value 0...255 occurs), where any rounding shows.
    private func noiseFrame(width: Int, height: Int, seed: UInt32) -> RGBFrame {
        var state = seed &* 2_654_435_761 &+ 1
        let pixels = (0..<(width * height * 3)).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        return RGBFrame(width: width, height: height, pixels: pixels)
    }

    private func roundTrip(_ frames: [RGBFrame], options: VideoWriter.Options, ext: String,
                           rate: Rational = Rational(num: 25, den: 1)) throws -> (VideoInfo, [RGBFrame]) {
        let url = try makeScratchDirectory(self).appendingPathComponent("out.\(ext)")
        let writer = try VideoWriter(url: url, width: frames[0].width, height: frames[0].height,
                                     frameRate: rate, options: options)
        for frame in frames { try writer.write(frame) }
        try writer.finish()
        let (info, decoded, _) = try readAll(url)
        return (info, decoded)
    }

    private func psnr(_ a: [RGBFrame], _ b: [RGBFrame]) -> Double {
        var squared = 0.0, count = 0.0
        for (x, y) in zip(a, b) {
            for i in x.pixels.indices {
                let d = Double(x.pixels[i]) - Double(y.pixels[i])
                squared += d * d
            }
            count += Double(x.pixels.count)
        }
        return squared == 0 ? .infinity : 10 * log10(255 * 255 / (squared / count))
    }

    func testContainerFollowsTheExtension() {
        XCTAssertEqual(VideoContainer(path: "out.mkv"), .mkv)
        XCTAssertEqual(VideoContainer(path: "dir/OUT.MKV"), .mkv)
        XCTAssertEqual(VideoContainer(path: "out.mp4"), .mp4)
        XCTAssertEqual(VideoContainer(path: "-"), .mp4)
        XCTAssertEqual(VideoContainer(path: "/dev/null"), .mp4)
    }

    func testFFV1InMatroskaGivesBackTheExactRGBFrames() throws {
        // Odd size, full-range noise, an NTSC rate: nothing may round.
        let frames = (0..<5).map { noiseFrame(width: 37, height: 23, seed: UInt32($0)) }
        let rate = Rational(num: 30000, den: 1001)
        let (info, decoded) = try roundTrip(frames, options: .init(container: .mkv), ext: "mkv", rate: rate)
        XCTAssertEqual(info.codecName, "ffv1")
        XCTAssertEqual(info.frameCount, 5)
        XCTAssertEqual(info.frameRate, rate)
        XCTAssertEqual(decoded.count, 5)
        XCTAssertEqual(decoded.map(\.pixels), frames.map(\.pixels), "FFV1 RGB is lossless")
    }

    func testYUV444AtCRF0IsCloserThan420() throws {
        // Smooth content, as decoded video is: 4:2:0 loses chroma detail, 4:4:4 only rounding.
        let frames = (0..<4).map { smoothFrame(width: 64, height: 48, index: $0 * 5) }
        let (info444, yuv444) = try roundTrip(frames, options: .init(crf: 0, preset: "ultrafast", pixelFormat: .yuv444p), ext: "mp4")
        let (_, yuv420) = try roundTrip(frames, options: .init(crf: 0, preset: "ultrafast"), ext: "mp4")
        XCTAssertEqual(info444.codecName, "h264")
        XCTAssertEqual(yuv444.count, 4)
        let p444 = psnr(frames, yuv444), p420 = psnr(frames, yuv420)
        print("crf 0 smooth 64x48: yuv444p \(p444) dB, yuv420p \(p420) dB")
        XCTAssertGreaterThan(p444, 45, "4:4:4 at CRF 0 loses only the RGB -> YUV rounding")
        XCTAssertGreaterThan(p444, p420)
    }

    func testFrameSizeChangeIsReportedWithItsFrameIndex() throws {
        // Two raw H.264 streams back to back: 3 frames of 64x48, then 2 of 32x24.
        let dir = try makeScratchDirectory(self)
        let spec = EncoderSpec(codec: "libx264", pixelFormat: AV_PIX_FMT_YUV420P,
                               options: ["preset": "ultrafast", "crf": "10"], container: "h264")
        let first = dir.appendingPathComponent("a.h264"), second = dir.appendingPathComponent("b.h264")
        try writeClip(first, width: 64, height: 48, frames: 3, rate: Rational(num: 25, den: 1), spec: spec)
        try writeClip(second, width: 32, height: 24, frames: 2, rate: Rational(num: 25, den: 1), spec: spec)
        let joined = dir.appendingPathComponent("joined.h264")
        try (try Data(contentsOf: first) + Data(contentsOf: second)).write(to: joined)
        let reader = try VideoReader(url: joined)
        var notices: [String] = []
        reader.notice = { notices.append($0) }
        var frames: [RGBFrame] = []
        while let frame = try reader.nextFrame() { frames.append(frame) }
        XCTAssertEqual(frames.count, 5)
        // Every frame comes back at the size the stream announces (for this short raw stream
        // the probe ends on the second parameter set, so that is 32x24).
        let size = (reader.info.width, reader.info.height)
        XCTAssertTrue(frames.allSatisfy { ($0.width, $0.height) == size }, "\(frames.map { "\($0.width)x\($0.height)" })")
        XCTAssertEqual(notices.count, 1, "\(notices)")
        XCTAssertTrue(notices.first?.contains("frame 3 changes the picture size from 64x48 to 32x24") == true,
                      "\(notices)")
    }
}
