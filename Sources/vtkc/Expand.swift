import ArgumentParser
import Codec
import SafeOutput
import Foundation
import VideoIO

/// `vtkc expand`: a .vtk file back to an MP4 video.
struct Expand: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Expand a .vtk file back into an H.264 MP4 video.",
        discussion: """
            Decodes every group, blends or stitches the tiles, trims the padding and writes \
            exactly the original frame count, frame rate and size; stored audio is muxed back \
            unchanged. A file made with different model weights is refused unless \
            --force-model is given (a model with a different clip or latent shape is always \
            refused).
            """)

    @Argument(help: ArgumentHelp("Input .vtk file.", valueName: "input.vtk"))
    var input: String

    @OptionGroup var out: OutputOptions
    @OptionGroup var modelOptions: ModelOptions

    @OptionGroup var x264: X264Options

    @Flag(name: .long, help: "Decode even if the file was made with other weights of the same shape.")
    var forceModel = false

    func run() throws {
        let target = try out.target(input: input)
        let start = Date()
        let model = try modelOptions.load()
        let expander = Expander(model: model, identity: try ModelIdentity(model))
        expander.forceModel = forceModel
        let bar = ProgressBar(label: "expand", quiet: out.quiet)
        expander.progress = { bar.update(done: $0, total: $1) }
        let result = try expander.expand(file: URL(fileURLWithPath: input), to: target,
                                         options: x264.writerOptions) { printError("vtkc: \($0)") }
        bar.finish()
        let seconds = Date().timeIntervalSince(start)
        let fps = Double(result.frames) / max(seconds, 1e-9)
        if out.json {
            try printJSON(RunReport(input: input, output: out.output, summary: result, seconds: seconds,
                                    fields: ["frames_per_second": .number(fps)]))
        } else if !out.quiet {
            printError("\(target.displayName): \(result.frames) frames \(result.width)x\(result.height) @ "
                + "\(result.frameRate)\(result.audio ? " with audio" : "")"
                + String(format: " in %.1f s (%.2f fps)", seconds, fps))
        }
    }
}
