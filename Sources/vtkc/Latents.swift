import ArgumentParser
import Codec
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

    @Option(name: .shortAndLong, help: ArgumentHelp("Output: Z.npy or Z.safetensors.", valueName: "file"))
    var output: String

    @Flag(name: .customShort("y"), help: "Overwrite the output (and sidecar) if it exists.")
    var overwrite = false

    func validate() throws {
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        guard LatentExport.Format(rawValue: ext) != nil else {
            throw ValidationError("-o must end in .npy or .safetensors (got '\(output)')")
        }
    }

    func run() throws {
        let source = try VTKFileSource(url: URL(fileURLWithPath: input))
        let shape = try LatentExport.export(source, path: input, to: URL(fileURLWithPath: output),
                                            overwrite: overwrite)
        printError("\(output): float32 latents of shape \(shape)")
    }
}
