import ArgumentParser
import Codec
import Datasets
import SafeOutput
import Foundation

/// `vtkc latents`: export the latent tensor of a .vtk file, or of many as webdataset shards.
struct Latents: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export the latents of a .vtk file as a float32 tensor (.npy or .safetensors), "
            + "or of many as webdataset shards.",
        discussion: """
            The tensor has shape (groups, tiles, tokens, channels), 1024 x 16 per tile for \
            S-B/4x8, tiles row-major. .safetensors stores it as "latents" with the geometry \
            (frame size and count, frame rate, tile origins, model) as metadata; .npy stores \
            only the array (NPY 1.0) and the geometry goes to a sidecar .json file beside it.

            --format webdataset takes .vtk files and directories (walked recursively for \
            *.vtk) and writes DIR/latents-000000.tar, latents-000001.tar, ... (POSIX ustar, \
            deterministic): per input, in relative-path order (bytes), KEY.latents.npy (the \
            bytes -o X.npy writes) then KEY.json (the sidecar's keys plus "key" and "source", \
            the relative .vtk path). KEY is the relative path without .vtk, every character \
            outside A-Z a-z 0-9 _ / - replaced by _. The relative path of a file found under a \
            directory argument is its path below it; of a file argument, its file name.

            -y also replaces an existing .npy sidecar and, for webdataset, the \
            latents-NNNNNN.tar shards already in the directory.
            """)

    @Argument(help: ArgumentHelp("A .vtk file (with --format webdataset: .vtk files and directories).",
                                 valueName: "file.vtk"))
    var inputs: [String]

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "Output: Z.npy or Z.safetensors, a device or FIFO, or - for standard output; the "
            + "directory of the shards for --format webdataset.", valueName: "file"))
    var output: String

    @Option(name: .long, help: ArgumentHelp(
        "npy, safetensors or webdataset (default: from the output's extension; safetensors for "
            + "- and for names without one).", valueName: "format"))
    var format: Format?

    @Option(name: .long, help: ArgumentHelp(
        "webdataset: largest shard file; a shard is closed before a sample that would pass it "
            + "(a larger sample gets a shard of its own). K/M/G/T (B) are powers of 1000, "
            + "KiB/MiB/GiB/TiB of 1024 (default: 1GB).", valueName: "size"), transform: ByteSize.parse)
    var shardSize: Int?

    /// -y: also the sidecar, and for webdataset the latents-NNNNNN.tar shards already there.
    @OptionGroup var replace: OverwriteOption
    var overwrite: Bool { replace.overwrite }

    @Flag(name: .shortAndLong, help: "No summary on stderr.")
    var quiet = false

    enum Format: String, CaseIterable, ExpressibleByArgument {
        case npy, safetensors, webdataset
    }

    /// The per-file format: the option, else the extension, else safetensors (self-describing).
    var fileFormat: LatentExport.Format {
        LatentExport.Format(rawValue: format?.rawValue ?? URL(fileURLWithPath: output).pathExtension.lowercased())
            ?? .safetensors
    }

    func validate() throws {
        if format == .webdataset {
            if output == "-" { throw ValidationError("--format webdataset writes a directory: -o names it, not -") }
            return
        }
        if shardSize != nil { throw ValidationError("--shard-size applies only to --format webdataset") }
        guard inputs.count == 1 else {
            throw ValidationError("several inputs need --format webdataset (npy and safetensors export one file)")
        }
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        if format == nil, output != "-", !ext.isEmpty, LatentExport.Format(rawValue: ext) == nil {
            throw ValidationError("-o must end in .npy or .safetensors, or give --format (got '\(output)')")
        }
    }

    func run() throws {
        if format == .webdataset { return try runWebDataset() }
        let input = inputs[0]
        let plan = OutputPlan(inputs: [input], overwrite: overwrite)
        let target = try plan.target(output)
        // The .npy geometry sidecar goes beside a regular file; a stream carries the array only.
        let sidecar = fileFormat == .npy && !target.kind.isStream
            ? try plan.target(LatentExport.sidecarPath(for: output)) : nil
        if fileFormat == .npy && sidecar == nil {
            printError("vtkc: \(target.displayName) gets the array only; use --format safetensors to keep the geometry")
        }
        let source = try VTKFileSource(url: URL(fileURLWithPath: input))
        let shape = try LatentExport.export(source, path: input, format: fileFormat, to: target,
                                            sidecar: sidecar)
        if !quiet { printError("\(target.displayName): float32 latents of shape \(shape)") }
    }

    private func runWebDataset() throws {
        let start = Date()
        let entries = try InputCatalog.collect(arguments: inputs, extensions: InputCatalog.vtkExtensions)
        guard !entries.isEmpty else { throw CodecError.invalidOption("no .vtk files in \(inputs.joined(separator: ", "))") }
        let writer = WebDatasetWriter(directory: output,
                                      shardSize: shardSize ?? WebDatasetWriter.defaultShardSize,
                                      overwrite: overwrite)
        let bar = ProgressBar(label: "latents", quiet: quiet)
        let summary = try writer.write(entries) { bar.update(done: $0, total: $1) }
        bar.finish()
        if !quiet {
            printError("\(output): \(summary.samples) samples in \(summary.shards.count) shards, "
                + "\(summary.bytes) bytes" + String(format: " in %.1f s", Date().timeIntervalSince(start)))
        }
    }
}
