import ArgumentParser
import Codec
import SafeOutput
import Foundation
import VideoIO

/// `vtkc expand`: a .vtk file back to a video: H.264 MP4, or lossless FFV1 RGB in MKV.
struct Expand: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Expand a .vtk file back into a video (H.264 MP4, or lossless FFV1 in MKV).",
        discussion: """
            Decodes every group, blends or stitches the tiles, trims the padding and writes \
            exactly the original frame count, frame rate and size; stored audio is muxed back \
            unchanged. A file made with different model weights is refused unless \
            --force-model is given (a model with a different clip or latent shape is always \
            refused).

            The output's extension chooses the codec. -o out.mkv writes FFV1 (planar RGB, \
            lossless: the decoder's frames exactly) in Matroska, with any stored audio. Every \
            other name, - included, writes H.264 MP4: yuv420p by default (chroma at half \
            resolution: a loss even with --crf 0), --pix-fmt yuv444p for full-resolution chroma \
            (with --crf 0 lossless in YUV; the RGB -> YUV rounding remains; the README gives \
            measured values). To measure only the tokenizer, write .mkv or score \
            the .vtk itself (vtkc score REF clip.vtk).

            Timing: the output has a constant frame rate, the one stored in the .vtk; frame i \
            is shown at i / rate. A variable-frame-rate source does not get its original \
            timestamps back.
            """)

    @Argument(help: ArgumentHelp("Input .vtk file.", valueName: "input.vtk"))
    var input: String

    @OptionGroup var out: OutputOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var memoryOptions: MemoryOptions

    @OptionGroup var x264: X264Options

    @Flag(name: .long, help: "Decode even if the file was made with other weights of the same shape.")
    var forceModel = false

    func validate() throws { try x264.check(output: out.output) }

    func run() throws {
        let target = try out.target(input: input)
        let start = Date()
        let expander = Expander(try IdentifiedModel(modelOptions.settings))
        expander.forceModel = forceModel
        expander.memory = memoryOptions.memory
        let bar = ProgressBar(label: "expand", quiet: out.quiet)
        expander.progress = { bar.update(done: $0, total: $1) }
        let result = try expander.expand(file: URL(fileURLWithPath: input), to: target,
                                         options: x264.writerOptions(output: out.output)) { printError("vtkc: \($0)") }
        bar.finish()
        let seconds = Date().timeIntervalSince(start)
        let fps = Double(result.frames) / max(seconds, 1e-9)
        if out.json {
            try printJSON(RunReport(input: input, output: out.output, summary: result, seconds: seconds,
                                    fields: ["frames_per_second": .number(fps)]))
        } else if !out.quiet {
            printError("\(target.displayName): \(result.frames) frames \(result.width)x\(result.height) @ "
                + "\(result.frameRate)\(result.audio == true ? " with audio" : "")"
                + String(format: " in %.1f s (%.2f fps)", seconds, fps))
        }
    }
}
