import Foundation
import VTKFormat

/// Writes the latents of a .vtk file as one float32 tensor of shape
/// (groups, tiles, tokens, channels) for training generative models, streaming group by group.
///
/// `.safetensors` files hold the tensor under the name "latents" and the geometry as string
/// metadata. `.npy` files (NPY format 1.0) hold only the array; the geometry goes to a
/// sidecar JSON file with the same name and the extension `.json`.
public enum LatentExport {
    /// Output formats, chosen by file extension.
    public enum Format: String, Sendable, CaseIterable {
        case npy, safetensors
    }

    /// The geometry and provenance stored beside the tensor, as strings.
    public static func metadata(_ header: VTKHeader, layout: TileLayout) -> [String: String] {
        func list(_ values: [Int]) -> String { "[" + values.map(String.init).joined(separator: ",") + "]" }
        return [
            "format": "vtkc-latents",
            "layout": "groups,tiles,tokens,channels",
            "width": String(header.width), "height": String(header.height),
            "frame_count": String(header.frameCount),
            "frame_rate": "\(header.frameRate.num)/\(header.frameRate.den)",
            "pixel_aspect": "\(header.pixelAspect.num)/\(header.pixelAspect.den)",
            "group_length": String(header.groupLength),
            "tile_width": String(layout.tileWidth), "tile_height": String(layout.tileHeight),
            "tile_columns": String(layout.columns), "tile_rows": String(layout.rows),
            "tile_x_origins": list(layout.xOrigins), "tile_y_origins": list(layout.yOrigins),
            "tiling": layout.options.mode.rawValue, "overlap": String(layout.options.overlap),
            "blend": layout.options.ramp.rawValue,
            "model_name": header.modelName, "model_sha256": SHA256.hex(header.modelSHA256),
            "vitok_config": header.modelConfigJSON,
            "latent_encoding": header.encoding.description,
        ].merging(header.metadata.map { ("source_" + $0.key, $0.value) }) { a, _ in a }
    }

    /// Exports every group of `source` to `url` (format from its extension) through a temporary
    /// file renamed into place at the end. Returns the tensor's shape.
    @discardableResult
    public static func export(_ source: VTKFileSource, path: String, to url: URL, overwrite: Bool) throws -> [Int] {
        guard let format = Format(rawValue: url.pathExtension.lowercased()) else {
            throw CodecError.invalidOption("\(url.lastPathComponent): the output must end in .npy or .safetensors")
        }
        let header = source.header
        let layout = try TileLayout(header: header, path: path)
        let shape = [header.groupCount, layout.count, header.tokensPerTile, header.latentChannels]
        let meta = metadata(header, layout: layout)
        let prefix: [UInt8]
        switch format {
        case .npy: prefix = npyHeader(shape: shape)
        case .safetensors: prefix = try safetensorsHeader(shape: shape, metadata: meta)
        }
        var files = [(url, try AtomicFile(url, overwrite: overwrite))]
        if format == .npy {
            let sidecar = url.deletingPathExtension().appendingPathExtension("json")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let json = try AtomicFile(sidecar, overwrite: overwrite)
            try json.write(Array(try encoder.encode(meta.merging(["shape": "\(shape)"]) { a, _ in a })))
            files.append((sidecar, json))
        }
        let data = files[0].1
        try data.write(prefix)
        while let group = try source.nextGroup() {
            try data.write(group.withUnsafeBytes { Array($0) })
        }
        for (_, file) in files { try file.commit() }
        return shape
    }

    /// The NPY 1.0 preamble for a little-endian float32 C-order array, padded to 64 bytes.
    static func npyHeader(shape: [Int]) -> [UInt8] {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }"
        let unpadded = 10 + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = UInt16(dict.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)]
            + Array(dict.utf8)
    }

    /// The safetensors preamble: 8-byte length, then the JSON header padded to 8 bytes.
    static func safetensorsHeader(shape: [Int], metadata: [String: String]) throws -> [UInt8] {
        let bytes = shape.reduce(4, *)
        let object: [String: Any] = [
            "__metadata__": metadata,
            "latents": ["dtype": "F32", "shape": shape, "data_offsets": [0, bytes]] as [String: Any],
        ]
        var json = Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
        let n = UInt64(json.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } + json
    }
}

/// A file written under a hidden temporary name and renamed into place by `commit()`;
/// dropped uncommitted, the temporary file is removed.
final class AtomicFile {
    let url: URL
    private let temporary: URL
    private var handle: FileHandle?
    private let overwrite: Bool

    init(_ url: URL, overwrite: Bool) throws {
        if !overwrite && FileManager.default.fileExists(atPath: url.path) {
            throw CodecError.outputExists(path: url.path)
        }
        self.url = url
        self.overwrite = overwrite
        temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UInt32.random(in: 0...UInt32.max)).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CodecError.invalidOption("cannot create \(url.path) (is the directory writable?)")
        }
        handle = try FileHandle(forWritingTo: temporary)
    }

    deinit {
        try? handle?.close()
        if handle != nil { try? FileManager.default.removeItem(at: temporary) }
    }

    func write(_ bytes: [UInt8]) throws { try handle?.write(contentsOf: bytes) }

    func commit() throws {
        try handle?.close()
        handle = nil
        if overwrite { try? FileManager.default.removeItem(at: url) }
        try FileManager.default.moveItem(at: temporary, to: url)
    }
}
