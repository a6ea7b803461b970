import Codec
import VideoIO
import VTKFormat
import XCTest

/// The .vtk audio record payload round-trips exactly and its parser is strict.
final class AudioRecordTests: XCTestCase {
    private var sample: AudioTrack {
        AudioTrack(codecName: "mp3", sampleRate: 48000, channels: 2, channelMask: 3, extradata: [9, 8, 7],
                   frameSize: 1152, initialPadding: 0, bitRate: 128_000, blockAlign: 0,
                   timeBase: Rational(num: 1, den: 48000), packets: [
                       .init(pts: 0, dts: 0, duration: 1152, flags: 1, data: [1, 2, 3]),
                       .init(pts: nil, dts: 1152, duration: 1152, flags: 0, data: []),
                       .init(pts: -5, dts: nil, duration: 0, flags: 3, data: [UInt8](repeating: 0xAB, count: 300)),
                   ])
    }

    func testSerializationRoundTrip() throws {
        let bytes = sample.serialized()
        XCTAssertEqual(Array(bytes.prefix(6)), Array("VTKA".utf8) + [1, 0])
        XCTAssertEqual(try AudioTrack(serialized: bytes), sample)
    }

    func testEveryTruncationIsRejected() {
        let bytes = sample.serialized()
        for length in 0..<bytes.count {
            XCTAssertThrowsError(try AudioTrack(serialized: Array(bytes.prefix(length))), "length \(length)")
        }
    }

    func testMalformedInputIsRejected() {
        let bytes = sample.serialized()
        func mutated(_ change: (inout [UInt8]) -> Void) -> [UInt8] { var b = bytes; change(&b); return b }
        let cases: [(String, [UInt8])] = [
            ("magic", mutated { $0[0] = 0x58 }),
            ("version", mutated { $0[4] = 2 }),
            ("trailing byte", bytes + [0]),
            ("zero sample rate", mutated { $0[6 + 2 + 3] = 0; $0[6 + 2 + 4] = 0; $0[6 + 2 + 5] = 0 }),
            ("huge name length", mutated { $0[6] = 0xFF; $0[7] = 0xFF }),
            ("huge packet count", mutated { let at = bytes.count - (3 * 33 + 303) - 4; $0[at + 3] = 0x7F }),
            ("bad timestamp flags", mutated { $0[bytes.count - (3 * 33 + 303)] = 4 }),
        ]
        for (label, data) in cases {
            XCTAssertThrowsError(try AudioTrack(serialized: data), label) {
                XCTAssertEqual(($0 as? VTKFormatError)?.kind, .malformed, label)
                XCTAssertTrue($0.localizedDescription.contains("audio record"), $0.localizedDescription)
            }
        }
    }

    /// Issue 30.1: every field is held to what a muxer accepts; the limits, not the muxer,
    /// refuse a record (flags 0x2000 crashed libavformat), each with a one-line message.
    func testFieldsOutsideTheMuxersRangeAreRefused() throws {
        var cases: [(String, (inout AudioTrack) -> Void)] = [
            ("flags 0x2000", { $0.packets[0].flags = 0x2000 }),
            ("flags 0x8", { $0.packets[0].flags = 0x8 }),
            ("pts 9223372036854775807", { $0.packets[0].pts = .max }),
            ("duration -1", { $0.packets[1].duration = -1 }),
            ("sample rate, channel count and time base must be positive", { $0.channels = 0 }),
            ("channel mask has 2 channels but the track 6", { $0.channels = 6 }),
            ("sample rate 2000000", { $0.sampleRate = 2_000_000 }),
            ("not one vtkc stores", { $0.codecName = "pcm_s16le" }),
        ]
        cases.append(("is not an FFmpeg codec name", { $0.codecName = "aa\n" }))
        for (message, edit) in cases {
            var track = sample
            edit(&track)
            XCTAssertThrowsError(try AudioTrack(serialized: track.serialized()), message) {
                XCTAssertTrue($0.localizedDescription.contains(message), "\($0.localizedDescription)")
                XCTAssertFalse($0.localizedDescription.contains("\n"))
            }
        }
    }

    /// What the audio fuzzer found (Fuzz/regressions/audio): a codec name with a newline
    /// broke the one-line error.
    func testFuzzRegressionsGiveOneLineErrors() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/regressions/audio")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        XCTAssertFalse(names.isEmpty)
        for name in names {
            let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
            do { _ = try AudioTrack(serialized: bytes) } catch {
                XCTAssertFalse(error.localizedDescription.contains("\n"), name)
            }
        }
    }
}
