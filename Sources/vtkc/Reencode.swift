import ArgumentParser
import Codec
import SafeOutput
import Foundation
import VideoIO

/// `vtkc reencode`: any video through the project's own H.264 writer, the classic-codec
/// baseline that the tokenizer is measured against.
struct Reencode: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-encode a video with libx264 through vtkc's own writer.",
        discussion: """
            Decodes every frame to RGB and writes it with the same writer `vtkc expand` uses, \
            at the given --crf, --preset and --pix-fmt (an .mkv output is lossless FFV1 RGB, as \
            in expand); frame count, rate and size are kept (at a constant frame rate), audio is \
            dropped. Reports the file size and the bits per pixel (file bits over width x \
            height x frames), the baseline for the tokenizer's rate-distortion report.
            """)

    @Argument(help: ArgumentHelp("Input video.", valueName: "input"))
    var input: String

    @OptionGroup var out: OutputOptions

    @OptionGroup var x264: X264Options

    func validate() throws { try x264.check(output: out.output) }

    func run() throws {
        let target = try out.target(input: input)
        let start = Date()
        let bar = ProgressBar(label: "reencode", quiet: out.quiet)
        let result = try Transcoder.transcode(file: URL(fileURLWithPath: input), to: target,
                                              options: x264.writerOptions(output: out.output),
                                              progress: { bar.update(done: $0, total: $1) },
                                              notice: { printError("vtkc: \($0)") })
        bar.finish()
        let bitsPerPixel = result.bitsPerPixel ?? 0
        if out.json {
            try printJSON(RunReport(input: input, output: out.output, summary: result,
                                    seconds: Date().timeIntervalSince(start),
                                    fields: ["bits_per_pixel": .number(bitsPerPixel), "crf": .integer(x264.crf),
                                             "preset": .text(x264.preset)]))
        } else if !out.quiet {
            printError("\(target.displayName): \(result.frames) frames \(result.width)x\(result.height), "
                + "\(result.bytes ?? 0) bytes, " + String(format: "%.4f bits per pixel", bitsPerPixel))
        }
    }
}
