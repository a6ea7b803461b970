import ArgumentParser
import VideoIO

/// The video encoder settings shared by `vtkc expand` and `vtkc reencode`. The output file's
/// extension chooses the codec (`VideoContainer`): `.mkv` is lossless FFV1 RGB, anything
/// else H.264 MP4, which the other options tune.
struct X264Options: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "x264 constant rate factor, 0 (lossless in YUV, not in RGB) to 51 (MP4 only).", valueName: "n"))
    var crf = 18

    @Option(name: .long, help: ArgumentHelp(
        "x264 preset: \(VideoWriter.Options.presets.joined(separator: ", ")) (MP4 only).", valueName: "name"))
    var preset = "medium"

    @Option(name: .customLong("pix-fmt"), help: ArgumentHelp(
        "H.264 chroma layout: yuv420p (default, plays everywhere) or yuv444p (full-resolution "
            + "chroma; with --crf 0 lossless in YUV). MP4 only: .mkv is always FFV1 RGB.",
        valueName: "fmt"))
    var pixelFormat: H264PixelFormat?

    /// The writer options these settings select for the output path `output`.
    func writerOptions(output: String) -> VideoWriter.Options {
        .init(crf: crf, preset: preset, container: VideoContainer(path: output),
              pixelFormat: pixelFormat ?? .yuv420p)
    }

    func validate() throws {
        guard (0...51).contains(crf) else { throw ValidationError("--crf must be within 0...51 (got \(crf))") }
        guard VideoWriter.Options.presets.contains(preset) else {
            throw ValidationError("unknown --preset '\(preset)' (use one of "
                                  + VideoWriter.Options.presets.joined(separator: ", ") + ")")
        }
    }

    /// Throws when an H.264-only option is given for an output whose container is not MP4.
    func check(output: String) throws {
        if pixelFormat != nil, VideoContainer(path: output) == .mkv {
            throw ValidationError("--pix-fmt applies to H.264 MP4 output; \(output) is written as lossless FFV1 RGB")
        }
    }
}

extension H264PixelFormat: ExpressibleByArgument {}
