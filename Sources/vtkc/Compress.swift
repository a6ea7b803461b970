import ArgumentParser
import Codec
import SafeOutput
import Foundation
import VideoIO

/// `vtkc compress`: a video file to a .vtk file of ViTok latents.
struct Compress: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compress a video into a .vtk file of ViTok latents.",
        discussion: """
            Frames are cut into 16-frame groups (the last one padded by repeating its last \
            frame; the true count is stored) and covered by 128x128 tiles; each 16x128x128 clip \
            is encoded by the model. The video is streamed: memory does not grow with its \
            length. MP4-compatible audio (AAC, MP3, AC-3, E-AC-3, Opus, ALAC, FLAC) is stored \
            untouched; other audio is dropped with a notice.
            """)

    @Argument(help: ArgumentHelp("Input video (anything FFmpeg reads).", valueName: "input"))
    var input: String

    @OptionGroup var out: OutputOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var tilingArguments: TilingArguments
    @OptionGroup var encodingArguments: EncodingArguments

    /// The JSON summary.
    struct Summary: Encodable {
        var input: String
        var output: String
        var frames: Int
        var groups: Int
        var tilesPerGroup: Int
        var width: Int
        var height: Int
        var frameRate: String
        var tiling: String
        var latentEncoding: String
        var audio: Bool
        var bytes: Int
        var bitsPerPixel: Double
        var seconds: Double
        var framesPerSecond: Double
    }

    func run() throws {
        let target = try out.target(input: input)
        let start = Date()
        let reader = try VideoReader(url: URL(fileURLWithPath: input))
        let model = try modelOptions.load()
        let geometry = ClipGeometry(model.config)
        let tiling = tilingArguments.options(tileSize: min(geometry.tileWidth, geometry.tileHeight))
        try tiling.validate(tileSize: min(geometry.tileWidth, geometry.tileHeight))
        let compressor = Compressor(model: model, identity: try ModelIdentity(model), tiling: tiling,
                                    encoding: encodingArguments.encoding)
        let bar = ProgressBar(label: "compress", quiet: out.quiet)
        compressor.progress = { bar.update(done: $0, total: $1) }
        compressor.notice = { printError("vtkc: \($0)") }
        let sink = VTKFileSink(target: target)
        let result = try compressor.compress(reader, path: input, into: sink)
        bar.finish()
        let seconds = Date().timeIntervalSince(start)
        let pixels = Double(result.width * result.height * result.frames)
        let summary = Summary(
            input: input, output: out.output, frames: result.frames, groups: result.groups,
            tilesPerGroup: result.tilesPerGroup, width: result.width, height: result.height,
            frameRate: result.frameRate,
            tiling: tiling.mode.overlaps
                ? "\(tiling.mode.rawValue), overlap \(tiling.overlap), \(tiling.ramp.rawValue) blend"
                : tiling.mode.rawValue,
            latentEncoding: compressor.encoding.description, audio: result.audio,
            bytes: sink.fileBytes, bitsPerPixel: Double(sink.fileBytes * 8) / pixels,
            seconds: seconds, framesPerSecond: Double(result.frames) / max(seconds, 1e-9))
        if out.json {
            try printJSON(summary)
        } else if !out.quiet {
            printError("\(target.displayName): \(result.frames) frames \(result.width)x\(result.height) @ "
                + "\(result.frameRate), \(result.groups) groups x \(result.tilesPerGroup) tiles -> "
                + "\(sink.fileBytes) bytes (" + String(format: "%.4f bpp", summary.bitsPerPixel)
                + String(format: ") in %.1f s (%.2f fps)", seconds, summary.framesPerSecond))
        }
    }
}
