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

    struct Summary: Encodable {
        var input: String
        var output: String
        var frames: Int
        var groups: Int
        var tilesPerGroup: Int
        var width: Int
        var height: Int
        var frameRate: String
        var audio: Bool
        var seconds: Double
        var framesPerSecond: Double
    }


    func run() throws {
        let target = try out.target(input: input)
        let start = Date()
        let source = try VTKFileSource(url: URL(fileURLWithPath: input))
        let model = try modelOptions.load()
        let expander = Expander(model: model, identity: try ModelIdentity(model))
        expander.forceModel = forceModel
        _ = try expander.prepare(source.header, path: input)
        var audio = try source.audioTrack()
        if let track = audio, !track.isMP4Compatible {
            printError("vtkc: dropping the stored \(track.codecName) audio track: MP4 cannot hold it")
            audio = nil
        }
        let header = source.header
        let writer = try VideoWriter(
            url: URL(fileURLWithPath: target.stagingPath), width: header.width, height: header.height,
            frameRate: Rational(num: header.frameRate.num, den: header.frameRate.den),
            options: x264.writerOptions, audio: audio)
        let bar = ProgressBar(label: "expand", quiet: out.quiet)
        expander.progress = { bar.update(done: $0, total: $1) }
        let result = try expander.expand(source, path: input, into: writer)
        try target.commit()
        bar.finish()
        let seconds = Date().timeIntervalSince(start)
        let summary = Summary(
            input: input, output: out.output, frames: result.frames, groups: result.groups,
            tilesPerGroup: result.tilesPerGroup, width: result.width, height: result.height,
            frameRate: result.frameRate, audio: audio != nil, seconds: seconds,
            framesPerSecond: Double(result.frames) / max(seconds, 1e-9))
        if out.json {
            try printJSON(summary)
        } else if !out.quiet {
            printError("\(target.displayName): \(result.frames) frames \(result.width)x\(result.height) @ "
                + "\(result.frameRate)\(audio != nil ? " with audio" : "")"
                + String(format: " in %.1f s (%.2f fps)", seconds, summary.framesPerSecond))
        }
    }
}
