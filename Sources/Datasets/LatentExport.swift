import Codec
import Foundation
import SafeOutput
import SafeTensors
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
            "model_name": header.modelName, "model_sha256": Hex.string(header.modelSHA256),
            "vitok_config": header.modelConfigJSON,
            "latent_encoding": header.encoding.description,
        ].merging(header.metadata.map { ("source_" + $0.key, $0.value) }) { a, _ in a }
    }

    /// Exports every group of `source` as `format` into `target`, streaming group by group;
    /// for `.npy`, the geometry goes to `sidecar` as JSON when given. Both are committed only
    /// when everything is written. Returns the tensor's shape.
    @discardableResult
    public static func export(_ source: VTKFileSource, path: String, format: Format,
                              to target: OutputTarget, sidecar: OutputTarget? = nil) throws -> [Int] {
        let header = source.header
        let layout = try TileLayout(header: header, path: path)
        let shape = self.shape(header, layout: layout)
        let meta = metadata(header, layout: layout)
        let data = try StagedFile(target)
        switch format {
        case .npy: try writeNPY(source, shape: shape, to: data.write)
        case .safetensors:
            try data.write(SafeTensorsHeader.encode([.init(name: "latents", dtype: .f32, shape: shape)], metadata: meta))
            try writeGroups(source, to: data.write)
        }
        try data.close()
        if let sidecar {
            let json = try StagedFile(sidecar)
            try json.write(sidecarJSON(sidecarValues(meta, shape: shape)))
            try json.close()
            try sidecar.commit()
        }
        try target.commit()
        return shape
    }

    /// The tensor's shape: (groups, tiles, tokens, channels).
    public static func shape(_ header: VTKHeader, layout: TileLayout) -> [Int] {
        [header.groupCount, layout.count, header.tokensPerTile, header.latentChannels]
    }

    /// The string dictionary of the .npy sidecar: the metadata plus "shape".
    public static func sidecarValues(_ metadata: [String: String], shape: [Int]) -> [String: String] {
        metadata.merging(["shape": "\(shape)"]) { a, _ in a }
    }

    /// A string dictionary as the sidecar's JSON: pretty-printed, keys sorted, slashes unescaped.
    public static func sidecarJSON(_ values: [String: String]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(values))
    }

    /// Bytes of the .npy file of a tensor of `shape`.
    public static func npyByteCount(shape: [Int]) -> Int {
        npyHeader(shape: shape).count + shape.reduce(4, *)
    }

    /// Streams the .npy file of `source` (whose tensor has `shape`) into `write`.
    static func writeNPY(_ source: VTKFileSource, shape: [Int], to write: ([UInt8]) throws -> Void) throws {
        try write(npyHeader(shape: shape))
        try writeGroups(source, to: write)
    }

    /// Every group's float32 values, little-endian, group by group.
    private static func writeGroups(_ source: VTKFileSource, to write: ([UInt8]) throws -> Void) throws {
        while let group = try source.nextGroup() {
            try write(group.withUnsafeBytes { Array($0) })
        }
    }

    /// The sidecar JSON's path for an `.npy` output path.
    public static func sidecarPath(for path: String) -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let stem = (name as NSString).deletingPathExtension
        return String(path.dropLast(name.count)) + stem + ".json"
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
}
