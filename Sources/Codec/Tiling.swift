import Foundation

/// How frames are covered by model-sized tiles.
public enum TilingMode: String, Sendable, Codable, CaseIterable {
    /// Tiles side by side on a grid starting at the top-left corner; the last column and row
    /// reach past the frame and are padded by repeating the edge pixels.
    case none
    /// The same grid, padded by mirroring the frame at its borders.
    case reflect
    /// Overlapping tiles spread evenly inside the frame, blended in pixel space over each
    /// overlap; frames smaller than a tile are padded by repeating the edge pixels.
    case overlap
    /// Overlapping, blended tiles; frames smaller than a tile are padded by mirroring.
    case overlapReflect = "overlap-reflect"

    /// Whether tiles overlap and are blended.
    public var overlaps: Bool { self == .overlap || self == .overlapReflect }
    /// How pixels outside the frame are filled.
    public var padding: PaddingMode { self == .reflect || self == .overlapReflect ? .reflect : .edge }
}

/// How pixels outside the frame are filled when a tile reaches past it.
public enum PaddingMode: String, Sendable, Codable, CaseIterable {
    /// Repeat the nearest edge pixel.
    case edge
    /// Mirror the frame about its first and last pixel (no edge pixel repeated).
    case reflect
}

/// The weight ramp across an overlap between two tiles.
public enum BlendRamp: String, Sendable, Codable, CaseIterable {
    /// Weights rise linearly across the overlap.
    case linear
    /// Weights follow sin^2, flat at both ends of the overlap.
    case cosine

    /// The weight at position `d` (0-based) of a ramp `length` pixels long; in (0, 1], and
    /// `weight(d) + weight(length - 1 - d) == 1`.
    func weight(_ d: Int, length: Int) -> Float {
        guard length > 0 else { return 1 }
        let u = (Double(d) + 0.5) / Double(length)
        switch self {
        case .linear: return Float(u)
        case .cosine:
            let s = sin(Double.pi / 2 * u)
            return Float(s * s)
        }
    }
}

/// The tiling a user asks for: a mode, the minimum overlap in pixels and the blend ramp.
public struct TilingOptions: Sendable, Equatable, Codable {
    public var mode: TilingMode
    /// Minimum overlap between neighbouring tiles in pixels (overlapping modes only).
    public var overlap: Int
    public var ramp: BlendRamp

    public init(mode: TilingMode, overlap: Int = TilingOptions.defaultOverlap(tileSize: 128), ramp: BlendRamp = .cosine) {
        self.mode = mode
        self.overlap = mode.overlaps ? overlap : 0
        self.ramp = ramp
    }

    /// The default tiling mode of `vtkc compress` (it was `none` before). Chosen by the
    /// seam ratio of `vtkc seams` (docs/TILING.md): with the trained S-B/4x8, side-by-side
    /// tiles make the step across a tile border 2.6x the source's, visibly more than the
    /// decoder's step anywhere else (1.4x); blending over a 16 px overlap brings it to 1.4x at
    /// 1.5x the tiles. Change this line and `defaultOverlap` to change the default.
    public static let defaultMode = TilingMode.overlap

    /// The overlap used by the overlap modes unless given: an eighth of a tile (16 px for 128;
    /// it was a quarter tile before).
    public static func defaultOverlap(tileSize: Int) -> Int { tileSize / 8 }

    /// The default tiling for tiles `tileSize` pixels wide (cosine ramp in the overlap modes).
    public static func `default`(tileSize: Int = 128) -> TilingOptions {
        TilingOptions(mode: defaultMode, overlap: defaultOverlap(tileSize: tileSize), ramp: .cosine)
    }

    /// Throws unless the overlap is usable with tiles `tileSize` pixels wide.
    public func validate(tileSize: Int) throws {
        guard overlap >= 0, overlap <= tileSize / 2 else {
            throw CodecError.invalidOption(
                "overlap \(overlap) is outside 0...\(tileSize / 2) for \(tileSize)-pixel tiles (at most half a tile)")
        }
    }
}

/// The tile origins covering one axis of a frame, computed only from the sizes and options.
public enum TileAxis {
    /// Origins (first pixel of each tile) along an axis of `size` pixels.
    ///
    /// A frame no larger than a tile gets one tile at 0. Without overlap, tiles sit at
    /// multiples of `tile` and the last one may reach past the frame. With overlap, the first
    /// tile starts at 0, the last one ends at the frame edge, and the ones between are spread
    /// evenly so that neighbours share at least `overlap` pixels.
    public static func origins(size: Int, tile: Int, overlap: Int, overlapping: Bool) -> [Int] {
        precondition(size > 0 && tile > 0 && overlap >= 0 && overlap < tile)
        if size <= tile { return [0] }
        if !overlapping {
            return Array(stride(from: 0, to: size, by: tile))
        }
        let span = size - tile
        let step = tile - overlap
        let gaps = (span + step - 1) / step
        // Integer rounding keeps the layout identical on every machine.
        return (0...gaps).map { i in (i * span * 2 + gaps) / (gaps * 2) }
    }
}

extension TilingOptions: CustomStringConvertible {
    /// The options in the words of the command line: "none", or "overlap 32 px, cosine blend".
    public var description: String {
        mode.overlaps ? "\(mode.rawValue) \(overlap) px, \(ramp.rawValue) blend" : mode.rawValue
    }
}
