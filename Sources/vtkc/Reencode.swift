import ArgumentParser
import Codec
import SafeOutput
import Foundation
import VideoIO

/// `vtkc reencode`: any video through the project's own H.264 writer, the classic-codec
/// baseline that the tokenizer is measured against.
struct Reencode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-encode a video with libx264 (yuv420p) through vtkc's own writer.",
        discussion: """
            Decodes every frame to RGB and writes it with the same writer `vtkc expand` uses, \
            at the given --crf and --preset; frame count, rate and size are kept, audio is \
            dropped. Reports the file size and the bits per pixel (file bits over width x \
            height x frames), the baseline for the tokenizer's rate-distortion report.
            """)

    @Argument(help: ArgumentHelp("Input video.", valueName: "input"))
    var input: String

    @OptionGroup var out: OutputOptions

    @OptionGroup var x264: X264Options

    struct Summary: Encodable {
        var input: String
        var output: String
        var crf: Int
        var preset: String
        var frames: Int
        var width: Int
        var height: Int
        var frameRate: String
        var bytes: Int
        var bitsPerPixel: Double
        var seconds: Double
    }


    func run() throws {
        let target = try out.target(input: input)
        let start = Date()
        let reader = try VideoReader(url: URL(fileURLWithPath: input))
        let info = reader.info
        guard var frame = try reader.nextFrame() else { throw CodecError.noFrames(path: input) }
        let width = frame.width, height = frame.height
        let writer = try VideoWriter(url: URL(fileURLWithPath: target.stagingPath), width: width, height: height, frameRate: info.frameRate,
                                     options: x264.writerOptions)
        let bar = ProgressBar(label: "reencode", quiet: out.quiet)
        var count = 0
        while true {
            guard frame.width == width, frame.height == height else {
                throw CodecError.frameSizeChanged(path: input, frame: count, expected: "\(width)x\(height)",
                                                  got: "\(frame.width)x\(frame.height)")
            }
            try writer.write(frame)
            count += 1
            bar.update(done: count, total: max(info.frameCount, count))
            guard let next = try reader.nextFrame() else { break }
            frame = next
        }
        try writer.finish()
        try target.commit()
        bar.finish()
        let bytes = target.committedBytes
        let rate = info.frameRate.reduced
        let summary = Summary(
            input: input, output: out.output, crf: x264.crf, preset: x264.preset, frames: count, width: width,
            height: height, frameRate: "\(rate.num)/\(rate.den)", bytes: bytes,
            bitsPerPixel: Double(bytes * 8) / Double(width * height * count),
            seconds: Date().timeIntervalSince(start))
        if out.json {
            try printJSON(summary)
        } else if !out.quiet {
            printError("\(target.displayName): \(count) frames \(width)x\(height), \(bytes) bytes, "
                + String(format: "%.4f bits per pixel", summary.bitsPerPixel))
        }
    }
}
