import Foundation

/// The memory one group of frames takes while it is encoded or decoded, and the limit a user
/// sets on it (`--max-memory`). Compress and expand hold the same things, so what one accepts
/// the other can write back:
/// - the group's frames as 8-bit RGB (frames x width x height x 3 bytes),
/// - the group's latents as float32 (tiles x latent values x 4 bytes),
/// - one batch of tile clips as float32 (up to `maxBatch` clips),
/// - on decode, one band of tile rows being blended (frames x tile height x width x 3 floats).
/// The model's own weights and workspace come on top (about 0.5 GB for S-B/4x8 at int8).
public struct GroupMemory: Sendable, Equatable {
    /// The limit, in bytes.
    public var limit: Int

    /// 4 GiB: enough for an 8K (7680x4320) group at the default tiling.
    public static let defaultLimit = 4 << 30

    public init(limit: Int = GroupMemory.defaultLimit) { self.limit = limit }

    /// Bytes a group of `layout` takes for a model of `geometry` handing `maxBatch` clips at once.
    public static func bytes(layout: TileLayout, geometry: ClipGeometry, maxBatch: Int) -> Int {
        let frames = geometry.frames * layout.width * layout.height * 3
        let latents = layout.count * geometry.latentValues * 4
        let clips = min(max(1, maxBatch), layout.count) * geometry.clipValues * 4 * 2
        let band = geometry.frames * layout.tileHeight * layout.width * 3 * 4
        return frames + latents + clips + band
    }

    /// Throws `CodecError.memoryLimit` when a group of `layout` needs more than the limit;
    /// `path` names the input. Called before any of that memory is allocated.
    public func check(layout: TileLayout, geometry: ClipGeometry, maxBatch: Int, path: String) throws {
        let needed = Self.bytes(layout: layout, geometry: geometry, maxBatch: maxBatch)
        guard needed <= limit else {
            throw CodecError.memoryLimit(path: path, frames: geometry.frames,
                                         size: "\(layout.width)x\(layout.height)", needed: needed, limit: limit)
        }
    }

    /// `bytes` as "6.44 GB" (powers of 1000, as `ByteSize` reads "GB").
    public static func describe(_ bytes: Int) -> String {
        let units: [(Double, String)] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")]
        for (scale, unit) in units where Double(bytes) >= scale {
            return String(format: "%.2f %@", Double(bytes) / scale, unit)
        }
        return "\(bytes) bytes"
    }
}
