import ArgumentParser
import Codec
import SafeOutput
import Foundation

/// `vtkc latents`: export the latent tensor of a .vtk file.
struct Latents: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export the latents of a .vtk file as a float32 tensor (.npy or .safetensors).",
        discussion: """
            The tensor has shape (groups, tiles, tokens, channels), 1024 x 16 per tile for \
            S-B/4x8, tiles row-major. .safetensors stores it as "latents" with the geometry \
            (frame size and count, frame rate, tile origins, model) as metadata; .npy stores \
            only the array (NPY 1.0) and the geometry goes to a sidecar .json file beside it.
            """)

    @Argument(help: ArgumentHelp("A .vtk file.", valueName: "file.vtk"))
    var input: String

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Output: Z.npy or Z.safetensors, a device or FIFO, or - for standard output.", valueName: "file"))
    var output: String

    @Option(name: .long, help: ArgumentHelp(
        "npy or safetensors (default: from the output's extension; safetensors for - and for "
            + "names without one).", valueName: "format"))
    var format: LatentExport.Format?

    @Flag(name: .customShort("y"), help: "Overwrite the output (and sidecar) if it is an existing regular file.")
    var overwrite = false

    /// The format: the option, else the extension, else safetensors (self-describing).
    var chosenFormat: LatentExport.Format {
        format ?? LatentExport.Format(rawValue: URL(fileURLWithPath: output).pathExtension.lowercased())
            ?? .safetensors
    }

    func validate() throws {
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        if format == nil, output != "-", !ext.isEmpty, LatentExport.Format(rawValue: ext) == nil {
            throw ValidationError("-o must end in .npy or .safetensors, or give --format (got '\(output)')")
        }
    }

    func run() throws {
        if output != "-", OutputTarget.sameFile(input, output) {
            throw ValidationError("the output \(output) is the input file; choose another name")
        }
        let target = try OutputTarget(path: output, overwrite: overwrite)
        // The .npy geometry sidecar goes beside a regular file; a stream carries the array only.
        let sidecar = chosenFormat == .npy && !target.kind.isStream
            ? try OutputTarget(path: LatentExport.sidecarPath(for: output), overwrite: overwrite) : nil
        if chosenFormat == .npy && sidecar == nil {
            printError("vtkc: \(target.displayName) gets the array only; use --format safetensors to keep the geometry")
        }
        let source = try VTKFileSource(url: URL(fileURLWithPath: input))
        let shape = try LatentExport.export(source, path: input, format: chosenFormat, to: target,
                                            sidecar: sidecar)
        printError("\(target.displayName): float32 latents of shape \(shape)")
    }
}

extension LatentExport.Format: ExpressibleByArgument {}
