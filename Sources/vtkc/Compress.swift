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
            untouched; other audio is dropped with a notice. The .vtk stores one constant frame \
            rate: a variable-frame-rate source's timestamps are not kept, and a source whose \
            picture size changes part-way is scaled to one size, with a warning naming the frame.
            """)

    @Argument(help: ArgumentHelp(
        "Input video (anything FFmpeg reads), or - for standard input (streamable formats: MKV, "
            + "WebM, MPEG-TS, NUT, Y4M, AVI, MP4 with its index first).", valueName: "input"))
    var input: String

    @OptionGroup var out: OutputOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var tilingArguments: TilingArguments
    @OptionGroup var encodingArguments: EncodingArguments

    func run() throws {
        let target = try out.target(input: input)
        let start = Date()
        let model = try modelOptions.load()
        let geometry = ClipGeometry(model.config)
        let tiling = tilingArguments.options(tileSize: min(geometry.tileWidth, geometry.tileHeight))
        try tiling.validate(tileSize: min(geometry.tileWidth, geometry.tileHeight))
        let compressor = Compressor(model: model, identity: try ModelIdentity(model), tiling: tiling,
                                    encoding: encodingArguments.encoding)
        let bar = ProgressBar(label: "compress", quiet: out.quiet)
        compressor.progress = { bar.update(done: $0, total: $1) }
        compressor.notice = { printError("vtkc: \($0)") }
        let source: VideoInput = input == "-" ? .standardInput : .file(URL(fileURLWithPath: input))
        let result = try compressor.compress(source, to: target)
        bar.finish()
        let seconds = Date().timeIntervalSince(start)
        let fps = Double(result.frames) / max(seconds, 1e-9)
        if out.json {
            try printJSON(RunReport(input: input, output: out.output, summary: result, seconds: seconds,
                                    fields: ["bits_per_pixel": .number(result.bitsPerPixel), "frames_per_second": .number(fps)]))
        } else if !out.quiet {
            printError("\(target.displayName): \(result.frames) frames \(result.width)x\(result.height) @ "
                + "\(result.frameRate), \(result.groups) groups x \(result.tilesPerGroup) tiles -> "
                + "\(result.bytes) bytes (" + String(format: "%.4f bpp", result.bitsPerPixel)
                + String(format: ") in %.1f s (%.2f fps)", seconds, fps))
        }
    }
}
