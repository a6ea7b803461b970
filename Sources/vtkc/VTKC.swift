import ArgumentParser
import SafeOutput

/// The `vtkc` command: a codec-style front end to the ViTok S-B/4x8 video tokenizer.
@main
struct VTKC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vtkc",
        abstract: "Neural video tokenizer codec: ViTok S-B/4x8 latents in a .vtk container.",
        discussion: """
            Exit codes: 0 success; 1 runtime error (bad input, I/O failure, corrupt file, an \
            output that is an input or another output); 64 usage error (bad options); 141 \
            standard output or error is a closed pipe; 128 + N on signal N (unfinished outputs \
            are removed first).
            """,
        version: VTKCVersion.string,
        subcommands: [Compress.self, Expand.self, Score.self, Info.self, Latents.self, Seams.self, Bench.self, Reencode.self]
    )

    /// OpenBLAS's kernels are checked first (a fallback set restarts the program on the right
    /// one, `BLASSelection`); SIGINT and SIGTERM remove unfinished outputs (exit 130 and 143)
    /// before parsing starts; a library error leaves with the flag that fixes it (`ErrorHints`).
    static func main() {
        BLASSelection.ensureModernKernels()
        InterruptCleanup.install()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: ErrorHints.adding(to: error))
        }
    }
}

enum VTKCVersion {
    static let string = "0.3.0"
}
