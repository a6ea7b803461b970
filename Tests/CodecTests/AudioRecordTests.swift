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
}
