import CFFmpeg
import Foundation
import XCTest
@testable import VideoIO

/// Reading through FFmpeg custom I/O: from a pipe (not seekable), from an open regular file
/// (seekable through pread), and from bytes in memory, against reading the file by path.
final class CustomInputTests: XCTestCase {
    private let rate = Rational(num: 25, den: 1)

    /// A clip of `frames` smooth 48x32 frames in `container` with `codec`, and its bytes.
    private func clip(_ name: String, codec: String, container: String, frames: Int = 6,
                      pixelFormat: AVPixelFormat = AV_PIX_FMT_YUV420P) throws -> (URL, [UInt8]) {
        let url = try makeScratchDirectory(self).appendingPathComponent(name)
        let options = codec == "libx264" ? ["preset": "ultrafast"] : [:]
        try writeClip(url, width: 48, height: 32, frames: frames, rate: rate,
                      spec: EncoderSpec(codec: codec, pixelFormat: pixelFormat, options: options, container: container))
        return (url, [UInt8](try Data(contentsOf: url)))
    }

    /// Every frame read from `input`.
    private func readAll(_ input: VideoInput) throws -> (VideoInfo, [RGBFrame]) {
        let reader = try VideoReader(input: input)
        var frames: [RGBFrame] = []
        while let frame = try reader.nextFrame() { frames.append(frame) }
        return (reader.info, frames)
    }

    /// Reads `bytes` from the read end of a pipe that a background thread fills (and closes).
    private func readFromPipe(_ bytes: [UInt8], name: String = "standard input") throws -> (VideoInfo, [RGBFrame]) {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        signal(SIGPIPE, SIG_IGN)  // the reader may stop early; the writer then gets EPIPE
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let written = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            bytes.withUnsafeBufferPointer { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = write(writeEnd, buffer.baseAddress! + offset, buffer.count - offset)
                    if n <= 0 { break }
                    offset += n
                }
            }
            close(writeEnd)
            written.signal()
        }
        defer {
            close(readEnd)
            written.wait()
        }
        return try readAll(.fileDescriptor(readEnd, name: name))
    }

    private func assertSameFrames(_ a: [RGBFrame], _ b: [RGBFrame], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "frame count", file: file, line: line)
        XCTAssertEqual(a.map(\.pixels), b.map(\.pixels), "pixels", file: file, line: line)
        XCTAssertEqual(a.map(\.pts), b.map(\.pts), "timestamps", file: file, line: line)
    }

    func testStandardInputName() {
        XCTAssertEqual(VideoInput.standardInput, .fileDescriptor(STDIN_FILENO, name: "standard input"))
        XCTAssertEqual(VideoInput.standardInput.name, "standard input")
        XCTAssertEqual(VideoInput.file(URL(fileURLWithPath: "/tmp/a.mp4")).name, "/tmp/a.mp4")
    }

    func testMKVFromPipeDecodesTheSameFramesAsTheFile() throws {
        let (url, bytes) = try clip("clip.mkv", codec: "libx264", container: "matroska", frames: 8)
        let (fileInfo, fromFile, _) = try VideoIOTests.readAll(url)
        let (pipeInfo, fromPipe) = try readFromPipe(bytes)
        assertSameFrames(fromPipe, fromFile)
        XCTAssertEqual(fromFile.count, 8)
        XCTAssertEqual(pipeInfo.width, fileInfo.width)
        XCTAssertEqual(pipeInfo.frameRate, fileInfo.frameRate)
        XCTAssertEqual(pipeInfo.frameCount, 0, "a pipe cannot be read twice to count MKV frames")
    }

    /// The streamable containers decode fully from a pipe.
    func testStreamableContainersFromPipe() throws {
        let cases: [(String, String, String, AVPixelFormat)] = [
            ("clip.nut", "ffv1", "nut", AV_PIX_FMT_YUV420P),
            ("clip.ts", "mpeg2video", "mpegts", AV_PIX_FMT_YUV420P),
            ("clip.y4m", "wrapped_avframe", "yuv4mpegpipe", AV_PIX_FMT_YUV420P),
            ("clip.avi", "mpeg4", "avi", AV_PIX_FMT_YUV420P),
        ]
        for (name, codec, container, format) in cases {
            let (url, bytes) = try clip(name, codec: codec, container: container, pixelFormat: format)
            let fromFile = try VideoIOTests.readAll(url).1
            let fromPipe = try readFromPipe(bytes).1
            XCTAssertEqual(fromFile.count, 6, name)
            XCTAssertEqual(fromPipe.count, fromFile.count, name)
            XCTAssertEqual(fromPipe.map(\.pixels), fromFile.map(\.pixels), name)
        }
    }

    /// A MOV written without faststart keeps its 'moov' after 'mdat': from a pipe that is a
    /// clear one-line error; from the open file (seekable) it reads.
    func testIndexAtTheEndFromPipeIsRefused() throws {
        let (url, bytes) = try clip("late-index.mov", codec: "libx264", container: "mov")
        XCTAssertThrowsError(try readFromPipe(bytes)) { error in
            let message = error.localizedDescription
            XCTAssertTrue(message.hasPrefix("standard input: "), message)
            XCTAssertTrue(message.contains("index (moov) after the media data"), message)
            XCTAssertTrue(message.contains("+faststart"), message)
            XCTAssertFalse(message.contains("\n"), message)
        }
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        let (info, frames) = try readAll(.fileDescriptor(fd, name: "standard input"))
        XCTAssertEqual(frames.count, 6)
        XCTAssertEqual(info.frameCount, 6)
    }

    /// The writer's MP4s have their index first (faststart).
    func testFaststartMP4FromPipe() throws {
        let url = try makeScratchDirectory(self).appendingPathComponent("fast.mp4")
        try writeClip(url, width: 48, height: 32, frames: 6, rate: rate)
        let fromFile = try VideoIOTests.readAll(url)
        let (info, fromPipe) = try readFromPipe([UInt8](try Data(contentsOf: url)))
        assertSameFrames(fromPipe, fromFile.1)
        XCTAssertEqual(info.frameCount, 6, "MP4 stores its frame count")
    }

    func testMemoryInputEqualsFileInput() throws {
        for (name, codec, container) in [("m.mkv", "libx264", "matroska"), ("m.avi", "mpeg4", "avi"),
                                         ("m.mov", "libx264", "mov")] {
            let (url, bytes) = try clip(name, codec: codec, container: container)
            let (fileInfo, fromFile, _) = try VideoIOTests.readAll(url)
            let (memoryInfo, fromMemory) = try readAll(.memory(bytes, name: name))
            XCTAssertEqual(memoryInfo, fileInfo, name)
            assertSameFrames(fromMemory, fromFile)
        }
    }

    /// An open regular file descriptor is seekable: frames are counted like a file's.
    func testRegularFileDescriptorEqualsFile() throws {
        let (url, _) = try clip("fd.mkv", codec: "libx264", container: "matroska")
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        let (fileInfo, fromFile, _) = try VideoIOTests.readAll(url)
        let (fdInfo, fromFD) = try readAll(.fileDescriptor(fd, name: "clip on fd"))
        XCTAssertEqual(fdInfo, fileInfo)
        assertSameFrames(fromFD, fromFile)
    }

    func testBadInputsGiveOneLineErrorsNamingTheInput() throws {
        func assertFails(_ run: () throws -> Void, name: String, mentioning cause: String, line: UInt = #line) {
            XCTAssertThrowsError(try run(), line: line) { error in
                let message = error.localizedDescription
                XCTAssertTrue(message.hasPrefix("\(name): "), message, line: line)
                XCTAssertTrue(message.localizedCaseInsensitiveContains(cause), message, line: line)
                XCTAssertFalse(message.contains("\n"), message, line: line)
            }
        }
        assertFails({ _ = try readFromPipe([]) }, name: "standard input", mentioning: "the input is empty")
        assertFails({ _ = try readAll(.memory([], name: "nothing")) }, name: "nothing", mentioning: "the input is empty")
        let text = [UInt8](String(repeating: "not a video\n", count: 100).utf8)
        assertFails({ _ = try readFromPipe(text) }, name: "standard input", mentioning: "invalid data")
        assertFails({ _ = try readAll(.memory(text, name: "notes")) }, name: "notes", mentioning: "invalid data")
        let url = try makeScratchDirectory(self).appendingPathComponent("cut.mp4")
        try writeClip(url, width: 64, height: 48, frames: 20, rate: rate)
        let bytes = [UInt8](try Data(contentsOf: url))
        assertFails({ _ = try readAll(.memory(Array(bytes.prefix(bytes.count * 3 / 4)), name: "cut"))},
                    name: "cut", mentioning: "the file is truncated")
        assertFails({ _ = try readAll(.fileDescriptor(-1, name: "closed")) }, name: "closed", mentioning: "bad file descriptor")
    }
}
