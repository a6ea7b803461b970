import Foundation
import VTKFormat

/// How tiling options map to the container's one-byte tiling mode.
///
/// Values 0, 1 and 2 are the container's named modes (`plain`, `overlap` with a linear
/// ramp, `reflect`); the codec adds 3 (overlap, cosine ramp), 4 (overlap with reflection
/// padding, linear ramp) and 5 (overlap with reflection padding, cosine ramp).
extension TilingOptions {
    static let modeCodes: [(TilingMode, BlendRamp?, UInt8)] = [
        (.none, nil, VTKTiling.Mode.plain.rawValue),
        (.reflect, nil, VTKTiling.Mode.reflect.rawValue),
        (.overlap, .linear, VTKTiling.Mode.overlap.rawValue),
        (.overlap, .cosine, 3),
        (.overlapReflect, .linear, 4),
        (.overlapReflect, .cosine, 5),
    ]

    /// The container's mode byte for these options.
    public var vtkMode: VTKTiling.Mode {
        let code = Self.modeCodes.first { $0.0 == mode && ($0.1 == nil || $0.1 == ramp) }!.2
        return VTKTiling.Mode(rawValue: code)
    }

    /// The options a stored tiling stands for; nil for a mode this version does not know.
    public init?(_ tiling: VTKTiling) {
        guard let entry = Self.modeCodes.first(where: { $0.2 == tiling.mode.rawValue }) else {
            return nil
        }
        self.init(mode: entry.0, overlap: tiling.overlapX, ramp: entry.1 ?? .cosine)
    }
}

extension TileLayout {
    /// The container's description of this layout.
    public var vtkTiling: VTKTiling {
        VTKTiling(mode: options.vtkMode, tileWidth: tileWidth, tileHeight: tileHeight,
                  overlapX: options.overlap, overlapY: options.overlap,
                  columns: columns, rows: rows)
    }

    /// Recomputes the layout a header describes and checks it agrees with the stored tile
    /// counts.
    public init(header: VTKHeader, path: String) throws {
        let tiling = header.tiling
        guard let options = TilingOptions(tiling), tiling.overlapX == tiling.overlapY else {
            throw CodecError.inconsistentFile(
                path: path, detail: "tiling \(tiling.mode) with overlap \(tiling.overlapX)x"
                    + "\(tiling.overlapY) is not known to this version of vtkc")
        }
        try self.init(width: header.width, height: header.height, tileWidth: tiling.tileWidth,
                      tileHeight: tiling.tileHeight, options: options, path: path)
        guard columns == tiling.columns, rows == tiling.rows else {
            throw CodecError.inconsistentFile(
                path: path, detail: "header says \(tiling.columns)x\(tiling.rows) tiles but a "
                    + "\(header.width)x\(header.height) frame with this tiling has \(columns)x\(rows)")
        }
    }
}
