import ArgumentParser
import VideoIO

/// The H.264 encoder settings shared by `vtkc expand` and `vtkc reencode`.
struct X264Options: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("x264 constant rate factor, 0 (lossless in YUV) to 51.", valueName: "n"))
    var crf = 18

    @Option(name: .long, help: ArgumentHelp(
        "x264 preset: \(VideoWriter.Options.presets.joined(separator: ", ")).", valueName: "name"))
    var preset = "medium"

    /// The writer options these settings select.
    var writerOptions: VideoWriter.Options { .init(crf: crf, preset: preset) }

    func validate() throws {
        guard (0...51).contains(crf) else { throw ValidationError("--crf must be within 0...51 (got \(crf))") }
        guard VideoWriter.Options.presets.contains(preset) else {
            throw ValidationError("unknown --preset '\(preset)' (use one of "
                                  + VideoWriter.Options.presets.joined(separator: ", ") + ")")
        }
    }
}
