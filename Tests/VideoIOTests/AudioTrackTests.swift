import XCTest
@testable import VideoIO

/// Audio packets pass through write -> read untouched (the stored form: CodecTests).
final class AudioTrackTests: XCTestCase {
    /// Packet bytes, durations and relative timestamps (in seconds) of two tracks agree.
    private func assertSamePackets(_ a: AudioTrack, _ b: AudioTrack, _ label: String,
                                   file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.codecName, b.codecName, label, file: file, line: line)
        XCTAssertEqual(a.sampleRate, b.sampleRate, label, file: file, line: line)
        XCTAssertEqual(a.channels, b.channels, label, file: file, line: line)
        if a.codecName != "mp3" {  // AVI's MP3 wave-format bytes have no place in MP4 (nor a use)
            XCTAssertEqual(a.extradata, b.extradata, label, file: file, line: line)
        }
        XCTAssertEqual(a.packets.count, b.packets.count, label, file: file, line: line)
        XCTAssertEqual(a.packets.map(\.data), b.packets.map(\.data), "\(label): packet bytes", file: file, line: line)
        let seconds = { (t: AudioTrack) in t.packets.map { Double(($0.pts ?? 0) - (t.packets[0].pts ?? 0)) * t.timeBase.doubleValue } }
        for (x, y) in zip(seconds(a), seconds(b)) {
            XCTAssertEqual(x, y, accuracy: 1e-3, "\(label): packet times", file: file, line: line)
        }
        XCTAssertEqual(a.duration, b.duration, accuracy: 2e-3, label, file: file, line: line)
    }

    func testAACTrackSurvivesWriteAndRead() throws {
        let track = try makeAACTrack(seconds: 1.0)
        XCTAssertTrue(track.isMP4Compatible)
        XCTAssertGreaterThan(track.packets.count, 40)
        let dir = try makeScratchDirectory(self)
        let url = dir.appendingPathComponent("av.mp4")
        try writeClip(url, width: 64, height: 48, frames: 25, rate: Rational(num: 25, den: 1), audio: track)
        let reader = try VideoReader(url: url)
        XCTAssertTrue(reader.info.hasAudio)
        var frames = 0
        while try reader.nextFrame() != nil { frames += 1 }
        XCTAssertEqual(frames, 25)
        let back = try XCTUnwrap(reader.audio)
        assertSamePackets(track, back, "aac")
    }

    /// Real clips' audio (AAC in MP4, MP3 in AVI, Opus in Matroska) copied into MP4.
    func testRealClipAudioPassesThrough() throws {
        guard let shared = sharedDirectory() else { throw XCTSkip("../shared/data is absent: real audio not tested") }
        let dir = try makeScratchDirectory(self)
        for name in ["imageio_realshort.mp4", "mmaction2_test.avi", "decord_flipping_a_pancake.mkv"] {
            let (info, frames, audio) = try readAll(shared.appendingPathComponent("data/clips/\(name)"))
            let track = try XCTUnwrap(audio, name)
            XCTAssertTrue(track.isMP4Compatible, name)
            let out = dir.appendingPathComponent("\(name).mp4")
            let writer = try VideoWriter(url: out, width: info.width, height: info.height, frameRate: info.frameRate,
                                         options: .init(crf: 30, preset: "ultrafast"), audio: track)
            for frame in frames { try writer.write(frame) }
            try writer.finish()
            let (copyInfo, copyFrames, copyAudio) = try readAll(out)
            XCTAssertEqual(copyFrames.count, frames.count, name)
            XCTAssertEqual(copyInfo.frameRate, info.frameRate, name)
            let copyTrack = try XCTUnwrap(copyAudio, name)
            assertSamePackets(track, copyTrack, name)
            // Audio stays in sync: its start relative to the first video frame is unchanged.
            let start = { (t: AudioTrack) in Double(t.packets[0].pts ?? 0) * t.timeBase.doubleValue }
            XCTAssertEqual(start(track), start(copyTrack), accuracy: 0.002, name)
        }
    }

    func testWriterRefusesAudioMP4CannotHold() throws {
        let dir = try makeScratchDirectory(self)
        let url = dir.appendingPathComponent("out.mp4")
        let pcm = AudioTrack(codecName: "pcm_s16le", sampleRate: 8000, channels: 1, timeBase: Rational(num: 1, den: 8000))
        XCTAssertFalse(pcm.isMP4Compatible)
        XCTAssertThrowsError(try VideoWriter(url: url, width: 16, height: 16, frameRate: Rational(num: 25, den: 1), audio: pcm)) {
            XCTAssertEqual($0 as? VideoIOError, .audioNotMP4Compatible(path: url.path, codec: "pcm_s16le"))
        }
        XCTAssertEqual(directoryEntries(dir), [])
    }
}
