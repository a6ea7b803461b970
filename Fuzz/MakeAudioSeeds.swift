// Writes audio record payloads (Codec's AudioTrack.serialized()) as seeds for the audio
// fuzzer: AAC stereo with its AudioSpecificConfig, MP3 mono, Opus, FLAC and AC-3, a few
// packets each, with and without timestamps. Compiled with the fuzzer's sources by
// scripts/fuzz.sh; argument: output directory.
import Foundation

@main
struct MakeAudioSeeds {
    static func main() throws {
        let dir = URL(fileURLWithPath: CommandLine.arguments[1])
        let kinds: [(String, Int, Int, UInt64, [UInt8], Int)] = [
            ("aac", 44100, 2, 3, [0x12, 0x10], 1024), ("mp3", 22050, 1, 4, [], 576),
            ("opus", 48000, 2, 3, Array("OpusHead".utf8) + [1, 2, 0x38, 1, 0x80, 0xBB, 0, 0, 0, 0, 0], 960),
            ("flac", 16000, 1, 0, [], 4096), ("ac3", 48000, 6, 0x60F, [], 1536),
        ]
        for (index, (codec, rate, channels, mask, extradata, frame)) in kinds.enumerated() {
            var packets: [AudioTrack.Packet] = []
            for i in 0..<(3 + index) {
                let time: Int64? = index == 3 && i > 0 ? nil : Int64(i * frame)
                packets.append(AudioTrack.Packet(pts: time, dts: time, duration: Int64(frame), flags: i == 0 ? 1 : 0,
                                                 data: (0..<(8 + 5 * i)).map { UInt8(($0 * 31 + i) & 255) }))
            }
            let track = AudioTrack(codecName: codec, sampleRate: rate, channels: channels, channelMask: mask,
                                   extradata: extradata, frameSize: frame, timeBase: Rational(num: 1, den: rate),
                                   packets: packets)
            try Data(track.serialized()).write(to: dir.appendingPathComponent("\(codec).audio"))
        }
    }
}
