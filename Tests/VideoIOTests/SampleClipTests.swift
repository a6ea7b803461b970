import XCTest
@testable import VideoIO

/// The committed sample clip decodes as its README describes.
final class SampleClipTests: XCTestCase {
    func testSampleClip() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let (info, frames, audio) = try readAll(repo.appendingPathComponent("samples/tree.mp4"))
        XCTAssertEqual(info.width, 320)
        XCTAssertEqual(info.height, 240)
        XCTAssertEqual(info.frameCount, 68)
        XCTAssertEqual(frames.count, 68)
        XCTAssertEqual(info.frameRate, Rational(num: 15, den: 1))
        XCTAssertEqual(info.codecName, "h264")
        XCTAssertNil(audio)
    }
}
