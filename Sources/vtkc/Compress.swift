import ArgumentParser
import Codec
import Datasets
import SafeOutput
import Foundation
import VideoIO

/// `vtkc compress`: a video file to a .vtk file of ViTok latents, or many into a directory.
struct Compress: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compress a video into a .vtk file of ViTok latents, or many into a directory.",
        discussion: """
            Frames are cut into 16-frame groups (the last one padded by repeating its last \
            frame; the true count is stored) and covered by 128x128 tiles; each 16x128x128 clip \
            is encoded by the model. The video is streamed: memory does not grow with its \
            length. MP4-compatible audio (AAC, MP3, AC-3, E-AC-3, Opus, ALAC, FLAC) is stored \
            untouched; other audio is dropped with a notice. The .vtk stores one constant frame \
            rate: a variable-frame-rate source's timestamps are not kept (a warning names the \
            average rate used), and a source whose \
            picture size changes part-way is scaled to one size, with a warning naming the frame.

            Batch mode (several inputs, a directory, --list, --report or --shard; -o names a \
            directory): directories are walked recursively for \(videoExtensionList) files \
            (any case). Each input becomes DIR/<relative path>.vtk (extension replaced), where \
            the relative path is, for a file found under a directory argument, its path \
            relative to that directory; for a file argument, its file name; for a --list \
            entry, the entry itself when it is relative without "..", else its file name. \
            Inputs run in relative-path order (bytes); two inputs with one output are an error \
            before any work. An existing output that reads back whole (every CRC) and was made \
            with the same model and settings is skipped, so a killed batch rerun finishes only \
            the rest; any other is rewritten atomically. A failed input is reported and the \
            batch goes on; the exit status is 0 only if none failed, else 1.
            """)

    static let videoExtensionList = InputCatalog.videoExtensions.sorted().joined(separator: " ")

    @Argument(help: ArgumentHelp(
        "Input videos (anything FFmpeg reads) or directories; - for standard input (one input; "
            + "streamable formats: MKV, WebM, MPEG-TS, NUT, Y4M, AVI, MP4 with its index first).",
        valueName: "input"))
    var inputs: [String] = []

    @OptionGroup var out: OutputOptions

    @Option(name: .long, help: ArgumentHelp(
        "Batch: also compress the files listed in this text file, one path per line (relative "
            + "paths resolve against the current directory).", valueName: "file"))
    var list: String?

    @Option(name: .long, help: ArgumentHelp(
        "Batch: write one JSON line per input (path, output, status ok|skipped|failed, error, "
            + "frames, groups, bytes, seconds) to this file at the end. A report an earlier batch "
            + "wrote is replaced; any other existing file is refused unless -y.", valueName: "file.jsonl"))
    var report: String?

    @Option(name: .long, help: ArgumentHelp(
        "Batch: compress only shard K of N (0-based): the inputs whose relative output path's "
            + "SHA-256 (first 8 bytes, big-endian) mod N is K. N tasks cover every input once.",
        valueName: "K/N"), transform: { try ShardPlan(parsing: $0) })
    var shard: ShardPlan?

    @Option(name: .long, help: ArgumentHelp(
        "Resize frames so that their short side is this many pixels (aspect kept, long side "
            + "rounded) before tiling.", valueName: "px"))
    var resize: Int?

    @Option(name: .long, help: ArgumentHelp(
        "swscale filter for --resize: \(ScaleFilter.allCases.map(\.rawValue).joined(separator: ", ")) "
            + "(default: \(ScaleFilter.default.rawValue)).", valueName: "name"))
    var resizeFilter: ScaleFilter?

    @Option(name: .long, help: ArgumentHelp(
        "Crop frames (after --resize) to one model tile: center keeps the central 128x128 "
            + "pixels (a smaller side is kept whole).", valueName: "mode"))
    var crop: CropMode?

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var memoryOptions: MemoryOptions
    @OptionGroup var tilingArguments: TilingArguments
    @OptionGroup var encodingArguments: EncodingArguments

    /// Whether the options ask for batch mode (-o is then a directory). One file input keeps
    /// the single-file behaviour, also when -o names a directory (a one-line error).
    var isBatch: Bool {
        var info = stat()
        return inputs.count != 1 || list != nil || report != nil || shard != nil
            || stat(inputs[0], &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    func validate() throws {
        if inputs.isEmpty && list == nil { throw ValidationError("give an input (a video, a directory or --list FILE)") }
        if let resize, !FrameScaling.shortSideRange.contains(resize) {
            throw ValidationError("--resize must be within \(FrameScaling.shortSideRange) (got \(resize))")
        }
        if resizeFilter != nil && resize == nil { throw ValidationError("--resize-filter applies only with --resize") }
        guard isBatch else { return }
        if inputs.contains("-") { throw ValidationError("- (standard input) cannot be part of a batch") }
        if out.output == "-" { throw ValidationError("a batch writes a directory: -o names it, not -") }
        if out.json { throw ValidationError("--json applies to one input; a batch writes --report FILE.jsonl") }
    }

    /// The frame preprocessing the options ask for.
    var preprocessing: FramePreprocessing {
        FramePreprocessing(scaling: resize.map { FrameScaling(shortSide: $0, filter: resizeFilter ?? .default) },
                           crop: crop)
    }

    /// A compressor for the model and options.
    func makeCompressor() throws -> Compressor {
        let loaded = try IdentifiedModel(modelOptions.settings)
        let geometry = ClipGeometry(loaded.model.config)
        let tiling = try tilingArguments.spec.options(tileSize: min(geometry.tileWidth, geometry.tileHeight))
        let compressor = Compressor(loaded, tiling: tiling, encoding: encodingArguments.encoding)
        compressor.preprocessing = preprocessing
        compressor.memory = memoryOptions.memory
        compressor.notice = { printError("vtkc: \($0)") }
        return compressor
    }

    func run() throws {
        if isBatch { return try runBatch() }
        let input = inputs[0]
        let target = try out.target(input: input)
        let start = Date()
        let compressor = try makeCompressor()
        let bar = ProgressBar(label: "compress", quiet: out.quiet)
        compressor.progress = { bar.update(done: $0, total: $1) }
        let source: VideoInput = input == "-" ? .standardInput : .file(URL(fileURLWithPath: input))
        let result = try compressor.compress(source, to: target)
        bar.finish()
        let seconds = Date().timeIntervalSince(start)
        let fps = Double(result.frames) / max(seconds, 1e-9)
        if out.json {
            try printJSON(RunReport(input: input, output: out.output, summary: result, seconds: seconds,
                                    fields: ["bits_per_pixel": .number(result.bitsPerPixel ?? 0), "frames_per_second": .number(fps)]))
        } else if !out.quiet {
            printError("\(target.displayName): \(result.frames) frames \(result.width)x\(result.height) @ "
                + "\(result.frameRate), \(result.groups ?? 0) groups x \(result.tilesPerGroup ?? 0) tiles -> "
                + "\(result.bytes ?? 0) bytes (" + String(format: "%.4f bpp", result.bitsPerPixel ?? 0)
                + String(format: ") in %.1f s (%.2f fps)", seconds, fps))
        }
    }
}

extension ScaleFilter: ExpressibleByArgument {}
extension CropMode: ExpressibleByArgument {}
