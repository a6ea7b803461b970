import Foundation
import VTKFormat

/// Where the tiles of a frame lie and how their decoded pixels are blended back together.
///
/// The layout is a function of the frame size, tile size and `TilingOptions` alone, so the
/// compressor and the expander compute the same one; the container stores its parameters.
/// Tiles are numbered row by row: tile `i` has origin `(xOrigins[i % columns],
/// yOrigins[i / columns])`.
public struct TileLayout: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let tileWidth: Int
    public let tileHeight: Int
    public let options: TilingOptions
    public let xOrigins: [Int]
    public let yOrigins: [Int]
    /// Blend weights per tile column and per tile row (see `axisWeights`).
    let xWeights: [[Float]]
    let yWeights: [[Float]]

    /// The layout for a `width x height` frame and `tileWidth x tileHeight` tiles; throws
    /// `CodecError.frameSizeOutOfRange` (naming `path`) for a side outside
    /// `VTKHeader.frameSideRange`, the one frame-size limit of compress and expand.
    public init(width: Int, height: Int, tileWidth: Int, tileHeight: Int,
                options: TilingOptions, path: String = "the frame") throws {
        let sides = VTKHeader.frameSideRange
        guard sides.contains(width), sides.contains(height) else {
            throw CodecError.frameSizeOutOfRange(path: path, width: width, height: height)
        }
        try options.validate(tileSize: min(tileWidth, tileHeight))
        self.width = width
        self.height = height
        self.tileWidth = tileWidth
        self.tileHeight = tileHeight
        self.options = options
        let overlapping = options.mode.overlaps
        xOrigins = TileAxis.origins(size: width, tile: tileWidth, overlap: options.overlap,
                                    overlapping: overlapping)
        yOrigins = TileAxis.origins(size: height, tile: tileHeight, overlap: options.overlap,
                                    overlapping: overlapping)
        xWeights = Self.axisWeights(origins: xOrigins, tile: tileWidth, ramp: options.ramp)
        yWeights = Self.axisWeights(origins: yOrigins, tile: tileHeight, ramp: options.ramp)
    }

    public var columns: Int { xOrigins.count }
    public var rows: Int { yOrigins.count }
    /// Tiles per group.
    public var count: Int { columns * rows }

    /// For each pixel of a tile along one axis, the frame coordinate it is read from
    /// (padding pixels map inside the frame by the layout's padding rule).
    func sourceIndices(origin: Int, tile: Int, size: Int) -> [Int] {
        (0..<tile).map { Self.padIndex(origin + $0, size: size, mode: options.mode.padding) }
    }

    /// Maps a coordinate that may lie outside `0..<size` to the pixel that fills it.
    static func padIndex(_ i: Int, size: Int, mode: PaddingMode) -> Int {
        if i >= 0 && i < size { return i }
        switch mode {
        case .edge:
            return min(max(i, 0), size - 1)
        case .reflect:
            guard size > 1 else { return 0 }
            let period = 2 * (size - 1)
            var m = i % period
            if m < 0 { m += period }
            return m < size ? m : period - m
        }
    }

    /// Blend weights of each tile along one axis: `weights[k][d]` for tile `k`, pixel `d`.
    /// Edges that face a neighbour ramp across the whole shared span; edges at the frame
    /// border and tiles without overlap keep weight 1.
    static func axisWeights(origins: [Int], tile: Int, ramp: BlendRamp) -> [[Float]] {
        origins.indices.map { k in
            let before = k > 0 ? max(0, origins[k - 1] + tile - origins[k]) : 0
            let after = k + 1 < origins.count ? max(0, origins[k] + tile - origins[k + 1]) : 0
            return (0..<tile).map { d in
                var w: Float = 1
                if d < before { w = min(w, ramp.weight(d, length: before)) }
                if tile - 1 - d < after { w = min(w, ramp.weight(tile - 1 - d, length: after)) }
                return w
            }
        }
    }


    /// The frame coordinates along one axis where one tile ends and another begins, inside
    /// the frame: the places a seam can appear.
    public static func seams(origins: [Int], tile: Int, size: Int) -> [Int] {
        var cuts = Set<Int>()
        for o in origins {
            if o > 0 { cuts.insert(o) }
            if o + tile < size { cuts.insert(o + tile) }
        }
        return cuts.sorted()
    }
}
