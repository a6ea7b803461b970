import ArgumentParser
import Codec
import Foundation
import SafeOutput
import VideoIO
import VTKFormat

/// `vtkc info`: what a .vtk file holds, or (`--system`) what this machine runs the engine on.
struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe a .vtk file: geometry, model, tiling, latent encoding, sizes.",
        discussion: "Reads the header and walks the record framing; --verify also reads and "
            + "CRC-checks every record. --system describes the machine instead: the CPU features "
            + "found by cpuid, the OpenBLAS kernel set in use (vtkc restarts itself on the AVX2 "
            + "or AVX-512 kernels when OpenBLAS loaded older ones than the CPU can run) and the "
            + "instruction set oneDNN dispatches the int8 path to.")

    @Argument(help: ArgumentHelp("A .vtk file (not with --system).", valueName: "file.vtk"))
    var file: String?

    @Flag(name: .long, help: "Describe this machine's CPU features, OpenBLAS kernels and oneDNN ISA instead of a file.")
    var system = false

    @Flag(name: .long, help: "Print JSON on stdout instead of text.")
    var json = false

    @Flag(name: .long, help: "Read every record and check its CRC32 and contents.")
    var verify = false

    struct Report: Encodable {
        struct Model: Encodable { var name: String; var sha256: String; var config: String }
        struct Bytes: Encodable { var file, header, latents, audio, end: Int }
        struct Audio: Encodable {
            var codec: String; var sampleRate: Int; var channels: Int; var packets: Int
            var seconds: Double
        }
        /// What was done to the frames before tiling (`compress --resize/--crop`).
        var file: String
        var model: Model
        var width: Int
        var height: Int
        var frames: Int
        var frameRate: String
        var seconds: Double
        var pixelAspect: String
        var groups: Int
        var groupLength: Int
        var tilesPerGroup: Int
        var tileColumns: Int
        var tileRows: Int
        var tileSize: String
        var tiling: String
        var tokensPerTile: Int
        var latentChannels: Int
        var latentEncoding: String
        var predictionStride: Int
        var bytes: Bytes
        var bitsPerPixel: Double
        var latentBitsPerPixel: Double
        var audio: Audio?
        var preprocessing: RecordedPreprocessing?
        var metadata: [String: String]
        var verified: Bool
    }

    func validate() throws {
        guard system != (file != nil) else { throw ValidationError("give one .vtk file, or --system") }
        if system && verify { throw ValidationError("--verify reads a file; it does not go with --system") }
    }

    func run() throws {
        guard let file else { return try describeSystem() }
        let source = try VTKFileSource(url: URL(fileURLWithPath: file))
        let reader = source.reader
        if verify { try reader.verify() }
        let h = reader.header
        let counts = reader.byteCounts
        let rate = h.frameRate
        let tiling = TilingOptions(h.tiling)?.description ?? "\(h.tiling.mode)"
        let audio = try source.audioTrack().map {
            Report.Audio(codec: $0.codecName, sampleRate: $0.sampleRate, channels: $0.channels,
                         packets: $0.packets.count, seconds: $0.duration)
        }
        let report = Report(
            file: file,
            model: .init(name: h.modelName, sha256: Hex.string(h.modelSHA256), config: h.modelConfigJSON),
            width: h.width, height: h.height, frames: h.frameCount,
            frameRate: "\(rate.num)/\(rate.den)",
            seconds: Double(h.frameCount) * Double(rate.den) / Double(rate.num),
            pixelAspect: "\(h.pixelAspect.num)/\(h.pixelAspect.den)", groups: h.groupCount,
            groupLength: h.groupLength, tilesPerGroup: h.tiling.tileCount,
            tileColumns: h.tiling.columns, tileRows: h.tiling.rows,
            tileSize: "\(h.tiling.tileWidth)x\(h.tiling.tileHeight)", tiling: tiling,
            tokensPerTile: h.tokensPerTile, latentChannels: h.latentChannels,
            latentEncoding: h.encoding.description
                + (h.predictionStride > 0 ? ", temporal residuals (stride \(h.predictionStride) tokens)" : ""),
            predictionStride: h.predictionStride,
            bytes: .init(file: counts.file, header: counts.header, latents: counts.groups,
                         audio: counts.audio, end: counts.end),
            bitsPerPixel: RunSummary.bitsPerPixel(bytes: counts.file, width: h.width, height: h.height, frames: h.frameCount),
            latentBitsPerPixel: RunSummary.bitsPerPixel(bytes: counts.groups, width: h.width, height: h.height,
                                                        frames: h.frameCount),
            audio: audio, preprocessing: RecordedPreprocessing(metadata: h.metadata), metadata: h.metadata, verified: verify)
        if json { try printJSON(report) } else { try printOutput(text(report)) }
    }

    /// The text report; every string that comes from the file is escaped for the terminal
    /// (`StandardStreams.printable`), so metadata cannot retitle a window or forge lines.
    func text(_ r: Report) -> String {
        let safe = StandardStreams.printable
        var lines = [
            "file:         \(safe(r.file))",
            "model:        \(safe(r.model.name)) (sha256 \(r.model.sha256))",
            "video:        \(r.width)x\(r.height), \(r.frames) frames @ \(r.frameRate) fps "
                + String(format: "(%.3f s)", r.seconds) + ", pixel aspect \(r.pixelAspect)",
            "source:       " + (r.preprocessing.map { p in
                "\(p.sourceWidth)x\(p.sourceHeight)"
                    + (p.resize.map { " -> short side \($0) (\(safe(p.resizeFilter ?? "?")))" } ?? "")
                    + (p.crop.map { " -> crop \(safe($0))" } ?? "") + " -> \(r.width)x\(r.height)"
            } ?? "\(r.width)x\(r.height), as decoded"),
            "groups:       \(r.groups) of \(r.groupLength) frames",
            "tiles:        \(r.tilesPerGroup) per group (\(r.tileColumns) x \(r.tileRows) of "
                + "\(r.tileSize)), \(r.tiling)",
            "latents:      \(r.tokensPerTile) x \(r.latentChannels) per tile, \(r.latentEncoding)",
            "bytes:        \(r.bytes.file) total: header \(r.bytes.header), latents \(r.bytes.latents), "
                + "audio \(r.bytes.audio), end \(r.bytes.end)",
            String(format: "bits/pixel:   %.5f (latents alone %.5f)", r.bitsPerPixel, r.latentBitsPerPixel),
        ]
        if let a = r.audio {
            lines.append("audio:        \(safe(a.codec)), \(a.sampleRate) Hz, \(a.channels) channels, "
                         + "\(a.packets) packets" + String(format: " (%.3f s)", a.seconds))
        } else {
            lines.append("audio:        none")
        }
        for key in r.metadata.keys.sorted() {
            lines.append("metadata:     \(safe(key)) = \(safe(r.metadata[key]!))")
        }
        if r.verified { lines.append("verified:     every record's CRC32 and contents are intact") }
        return lines.joined(separator: "\n")
    }
}
