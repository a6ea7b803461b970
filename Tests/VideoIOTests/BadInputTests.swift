import CFFmpeg
import XCTest
@testable import VideoIO

/// Bad input gives a one-line error naming the file and the cause, and leaves no file behind.
final class BadInputTests: XCTestCase {
    private func assertReadFails(_ url: URL, mentioning cause: String,
                                 file: StaticString = #filePath, line: UInt = #line) {
        do {
            let reader = try VideoReader(url: url)
            while try reader.nextFrame() != nil {}
            XCTFail("reading \(url.lastPathComponent) succeeded", file: file, line: line)
        } catch {
            let message = error.localizedDescription
            XCTAssertTrue(message.contains(url.path), "names the file: \(message)", file: file, line: line)
            XCTAssertTrue(message.localizedCaseInsensitiveContains(cause), "says why: \(message)", file: file, line: line)
            XCTAssertFalse(message.contains("\n"), "one line: \(message)", file: file, line: line)
        }
    }

    func testMissingFile() throws {
        let dir = try makeScratchDirectory(self)
        assertReadFails(dir.appendingPathComponent("nope.mp4"), mentioning: "No such file")
    }

    func testEmptyFile() throws {
        let dir = try makeScratchDirectory(self)
        let url = dir.appendingPathComponent("empty.mp4")
        try Data().write(to: url)
        assertReadFails(url, mentioning: "the file is empty")
    }

    func testTextFile() throws {
        let dir = try makeScratchDirectory(self)
        let url = dir.appendingPathComponent("notes.mp4")
        try Data(String(repeating: "this is not a video\n", count: 50).utf8).write(to: url)
        assertReadFails(url, mentioning: "invalid data")
    }

    /// Cut inside the media data (the index, at the front, is complete) and inside the index.
    func testTruncatedMP4() throws {
        let dir = try makeScratchDirectory(self)
        let url = dir.appendingPathComponent("cut.mp4")
        try writeClip(url, width: 64, height: 48, frames: 20, rate: Rational(num: 25, den: 1))
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count * 3 / 4).write(to: url)
        assertReadFails(url, mentioning: "the file is truncated")
        try bytes.prefix(300).write(to: url)
        assertReadFails(url, mentioning: "truncated")
    }

    /// An AVI cut short (its index sits at the end, so the cut loses it): still no crash, and
    /// either a clear error or the frames before the cut.
    func testTruncatedAVIDoesNotCrash() throws {
        let dir = try makeScratchDirectory(self)
        let url = dir.appendingPathComponent("cut.avi")
        try writeClip(url, width: 64, height: 48, frames: 20, rate: Rational(num: 25, den: 1),
                      spec: EncoderSpec(codec: "mpeg4", pixelFormat: AV_PIX_FMT_YUV420P, options: [:], container: "avi"))
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count / 2).write(to: url)
        do {
            let (_, frames, _) = try readAll(url)
            XCTAssertLessThan(frames.count, 20)
        } catch {
            XCTAssertTrue(error.localizedDescription.contains(url.path), error.localizedDescription)
        }
    }

    func testAudioOnlyFile() throws {
        let dir = try makeScratchDirectory(self)
        let url = dir.appendingPathComponent("tone.wav")
        try Data(wavTone(seconds: 0.2)).write(to: url)
        assertReadFails(url, mentioning: "no video stream, only audio")
    }

    func testUnwritableOutputPath() throws {
        let dir = try makeScratchDirectory(self)
        let blocker = dir.appendingPathComponent("file")
        try Data([1]).write(to: blocker)
        for url in [dir.appendingPathComponent("missing/out.mp4"), blocker.appendingPathComponent("out.mp4")] {
            XCTAssertThrowsError(try VideoWriter(url: url, width: 16, height: 16, frameRate: Rational(num: 25, den: 1))) { error in
                let message = error.localizedDescription
                XCTAssertTrue(message.contains(url.path), message)
                XCTAssertTrue(message.contains("create output file"), message)
                XCTAssertFalse(message.contains("\n"), message)
            }
        }
        XCTAssertEqual(directoryEntries(dir), ["file"])
    }

    func testWriterDroppedWithoutFinishLeavesNothing() throws {
        let dir = try makeScratchDirectory(self)
        do {
            let writer = try VideoWriter(url: dir.appendingPathComponent("out.mp4"), width: 32, height: 32,
                                         frameRate: Rational(num: 25, den: 1), options: .init(preset: "ultrafast"))
            try writer.write(smoothFrame(width: 32, height: 32, index: 0))
            XCTAssertEqual(directoryEntries(dir), ["out.mp4"], "the file exists while writing")
        }
        XCTAssertEqual(directoryEntries(dir), [])
    }

    func testWrongFrameSizeIsAnErrorAndLeavesNothing() throws {
        let dir = try makeScratchDirectory(self)
        let url = dir.appendingPathComponent("out.mp4")
        do {
            let writer = try VideoWriter(url: url, width: 32, height: 32, frameRate: Rational(num: 25, den: 1))
            XCTAssertThrowsError(try writer.write(smoothFrame(width: 30, height: 32, index: 0))) { error in
                XCTAssertTrue(error.localizedDescription.contains("expected 32x32"), error.localizedDescription)
            }
            XCTAssertThrowsError(try writer.finish()) {
                XCTAssertTrue($0.localizedDescription.contains("no frames"), $0.localizedDescription)
            }
        }
        XCTAssertEqual(directoryEntries(dir), [])
    }

    func testBadWriterArguments() throws {
        let dir = try makeScratchDirectory(self)
        let url = dir.appendingPathComponent("out.mp4")
        let rate = Rational(num: 25, den: 1)
        XCTAssertThrowsError(try VideoWriter(url: url, width: 0, height: 16, frameRate: rate))
        XCTAssertThrowsError(try VideoWriter(url: url, width: 16, height: 16, frameRate: Rational(num: 0, den: 1)))
        XCTAssertThrowsError(try VideoWriter(url: url, width: 16, height: 16, frameRate: rate, options: .init(crf: 52)))
        XCTAssertThrowsError(try VideoWriter(url: url, width: 16, height: 16, frameRate: rate, options: .init(preset: "fastest"))) {
            XCTAssertTrue($0.localizedDescription.contains("ultrafast"), $0.localizedDescription)
        }
        XCTAssertEqual(directoryEntries(dir), [])
    }

    /// A writer that fails or is dropped removes only a file it created: a device it was given
    /// stays (it used to unlink /dev/full), and a name is never read as another protocol.
    func testAFailedWriterLeavesADeviceAlone() throws {
        do {
            let writer = try VideoWriter(url: URL(fileURLWithPath: "/dev/full"), width: 16, height: 16,
                                         frameRate: Rational(num: 25, den: 1),
                                         spec: EncoderSpec(codec: "ffv1", pixelFormat: AV_PIX_FMT_BGR0, options: [:], container: "matroska"), audio: nil)
            try? writer.write(RGBFrame(width: 16, height: 16, pixels: [UInt8](repeating: 9, count: 16 * 16 * 3)))
            XCTAssertThrowsError(try writer.finish())
        } catch {}
        var info = stat()
        XCTAssertEqual(stat("/dev/full", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR)
    }
}

/// A mono 16-bit PCM WAV file with a 440 Hz tone: an audio-only input.
func wavTone(seconds: Double, sampleRate: Int = 8000) -> [UInt8] {
    let samples = (0..<Int(seconds * Double(sampleRate))).map {
        Int16(8000 * sin(2 * Double.pi * 440 * Double($0) / Double(sampleRate)))
    }
    var out: [UInt8] = []
    func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
    out += Array("RIFF".utf8)
    u32(UInt32(36 + samples.count * 2))
    out += Array("WAVEfmt ".utf8)
    u32(16); u16(1); u16(1); u32(UInt32(sampleRate)); u32(UInt32(sampleRate * 2))
    u16(2); u16(16)
    out += Array("data".utf8)
    u32(UInt32(samples.count * 2))
    for s in samples { u16(UInt16(bitPattern: s)) }
    return out
}
