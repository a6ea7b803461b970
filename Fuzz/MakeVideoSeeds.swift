// Writes tiny synthetic video clips (32x32, 4 frames of moving gradients) as seeds for the
// video fuzzer: MP4 (faststart) and MOV (index last) with H.264, MKV with H.264, AVI with
// MPEG-4 Part 2, NUT with FFV1, MPEG-TS with MPEG-2, Y4M. Compiled with the VideoIO sources by
// scripts/fuzz.sh (it uses the writer's internal encoder spec); argument: output directory.
import CFFmpeg
import Foundation

@main
struct MakeVideoSeeds {
    static func main() throws {
        let dir = URL(fileURLWithPath: CommandLine.arguments[1])
        let x264 = ["preset": "ultrafast", "crf": "30"]
        let clips: [(String, String, [String: String], String)] = [
            ("clip.mp4", "libx264", x264, "mp4"), ("clip.mov", "libx264", x264, "mov"),
            ("clip.mkv", "libx264", x264, "matroska"), ("clip.avi", "mpeg4", [:], "avi"),
            ("clip.nut", "ffv1", [:], "nut"), ("clip.ts", "mpeg2video", [:], "mpegts"),
            ("clip.y4m", "wrapped_avframe", [:], "yuv4mpegpipe"),
        ]
        for (name, codec, options, container) in clips {
            let spec = EncoderSpec(codec: codec, pixelFormat: AV_PIX_FMT_YUV420P, options: options, container: container)
            let writer = try VideoWriter(url: dir.appendingPathComponent(name), width: 32, height: 32,
                                         frameRate: Rational(num: 25, den: 1), spec: spec, audio: nil)
            for index in 0..<4 { try writer.write(frame(index)) }
            try writer.finish()
        }
    }

    /// A 32x32 gradient that shifts with `index`.
    static func frame(_ index: Int) -> RGBFrame {
        var pixels = [UInt8](repeating: 0, count: 32 * 32 * 3)
        for y in 0..<32 {
            for x in 0..<32 {
                let o = (y * 32 + x) * 3
                pixels[o] = UInt8((x * 8 + index * 16) & 255)
                pixels[o + 1] = UInt8((y * 8) & 255)
                pixels[o + 2] = UInt8(((x + y) * 4 + index * 8) & 255)
            }
        }
        return RGBFrame(width: 32, height: 32, pixels: pixels)
    }
}
