// The .vtk header: everything needed to decode the records and rebuild the source video's
// geometry. Byte layout: docs/FORMAT.md, section "Header"; encoding in HeaderCoding.swift.
import Foundation

/// A positive rational number (frame rate 30000/1001, pixel aspect 1/1).
public struct VTKRational: Sendable, Hashable, Codable {
    public var num: Int
    public var den: Int
    /// `num/den`; both must be in 1...UInt32.max to be written.
    public init(num: Int, den: Int) { self.num = num; self.den = den }
}

/// How frames are covered by model-sized tiles. The codec chooses the values; the container
/// stores them and checks they are in range.
public struct VTKTiling: Sendable, Hashable {
    /// How tiles meet at their borders (one byte in the file). Known values have names;
    /// other values are stored and read back unchanged, so the codec can add modes.
    public struct Mode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Tiles on a regular grid without overlap; the frame is padded to the grid by
        /// repeating edge pixels (`--tiling none`).
        public static let plain = Mode(rawValue: 0)
        /// Overlapping tiles (`overlapX`/`overlapY` pixels), blended linearly in pixel space
        /// (`--tiling overlap --blend linear`).
        public static let overlap = Mode(rawValue: 1)
        /// Tiles on a regular grid; the frame is padded to the grid by reflection
        /// (`--tiling reflect`).
        public static let reflect = Mode(rawValue: 2)
        /// The command line's name of the mode (the codec names the modes it adds).
        public var description: String {
            switch self {
            case .plain: return "none"
            case .overlap: return "overlap"
            case .reflect: return "reflect"
            default: return "mode-\(rawValue)"
            }
        }
    }

    public var mode: Mode
    /// Tile size in pixels (the model's clip width and height, 128 for S-B/4x8).
    public var tileWidth: Int
    public var tileHeight: Int
    /// Pixels shared by horizontally / vertically neighbouring tiles (0 without overlap).
    public var overlapX: Int
    public var overlapY: Int
    /// Tiles per row and per column; a group record holds `columns * rows` tiles, row-major.
    public var columns: Int
    public var rows: Int

    /// Values as named; see the properties.
    public init(mode: Mode, tileWidth: Int, tileHeight: Int, overlapX: Int = 0, overlapY: Int = 0,
                columns: Int, rows: Int) {
        self.mode = mode
        self.tileWidth = tileWidth
        self.tileHeight = tileHeight
        self.overlapX = overlapX
        self.overlapY = overlapY
        self.columns = columns
        self.rows = rows
    }

    /// Tiles per group (`columns * rows`).
    public var tileCount: Int { columns * rows }
}

/// How latent values are stored in group records (the header's latent-encoding field).
public enum VTKLatentEncoding: Sendable, Hashable, CustomStringConvertible {
    /// IEEE 754 binary16 per value, little-endian; values beyond +-65504 are refused.
    case float16
    /// Per-record, per-channel affine quantization to `bits` bits (1...16), then the adaptive
    /// binary range coder of docs/FORMAT.md ("Quantized latents").
    case quantized(bits: Int)

    /// The default bit depth for `.quantized`: the smallest that keeps the pooled PSNR within
    /// 0.1 dB of float16 latents on the val clips (docs/RD_REPORT.md: 4 bits lose 0.05 dB at
    /// about 14% of the float16 file with temporal residual coding; 3 bits lose 0.27 dB).
    public static let defaultBits = 4
    /// The default encoding for new files.
    public static let `default` = VTKLatentEncoding.quantized(bits: defaultBits)
    /// Valid `bits` for `.quantized`.
    public static let bitsRange = 1...16

    public var description: String {
        switch self {
        case .float16: return "float16"
        case .quantized(let bits): return "quantized \(bits)-bit, range-coded"
        }
    }
}

/// The header of a .vtk file.
public struct VTKHeader: Sendable, Equatable {
    /// Frame width and height a .vtk file may declare: what vtkc's video writer can write back
    /// (VideoIO's `VideoWriter` has the same limit). A larger declared size is refused as
    /// malformed before anything is allocated.
    public static let frameSideRange = 1...16384

    /// Model name (e.g. "vitok-sb4x8"), at most 4096 UTF-8 bytes.
    public var modelName: String
    /// SHA-256 of the model's weight files (of their concatenation in load order; Codec's `WeightDigest`): 32 bytes.
    public var modelSHA256: [UInt8]
    /// The model's `vitok_config` JSON, verbatim (at most 1 MiB).
    public var modelConfigJSON: String
    /// Source frame size in pixels (display size before pixel aspect), 1...65535.
    public var width: Int
    public var height: Int
    /// True number of source frames (the last group may be padded), 1...2^40.
    public var frameCount: Int
    public var frameRate: VTKRational
    public var pixelAspect: VTKRational
    /// Frames per group record (the model's clip length, 16 for S-B/4x8).
    public var groupLength: Int
    public var tiling: VTKTiling
    /// Latent tokens per tile clip (L, 1024 for S-B/4x8) and channels per token (c, 16).
    public var tokensPerTile: Int
    public var latentChannels: Int
    public var encoding: VTKLatentEncoding
    /// For the quantized encoding: tokens between a latent token and the one it is predicted
    /// from (the same position one latent time step earlier: grid height x grid width, 256
    /// for S-B/4x8), so that symbols are coded as temporal residuals (coder scheme 2); 0 for
    /// no prediction (scheme 1). Must be below `tokensPerTile`; always 0 for float16.
    public var predictionStride: Int
    /// Source metadata worth keeping (source file name, codec, duration, rotation ...).
    /// Written sorted by key; keys at most 4096 bytes, values at most 65536, at most 4096 entries.
    public var metadata: [String: String]

    /// Values as named; see the properties.
    public init(modelName: String, modelSHA256: [UInt8], modelConfigJSON: String,
                width: Int, height: Int, frameCount: Int, frameRate: VTKRational,
                pixelAspect: VTKRational = VTKRational(num: 1, den: 1), groupLength: Int = 16,
                tiling: VTKTiling, tokensPerTile: Int, latentChannels: Int,
                encoding: VTKLatentEncoding = .default, predictionStride: Int = 0,
                metadata: [String: String] = [:]) {
        self.modelName = modelName
        self.modelSHA256 = modelSHA256
        self.modelConfigJSON = modelConfigJSON
        self.width = width
        self.height = height
        self.frameCount = frameCount
        self.frameRate = frameRate
        self.pixelAspect = pixelAspect
        self.groupLength = groupLength
        self.tiling = tiling
        self.tokensPerTile = tokensPerTile
        self.latentChannels = latentChannels
        self.encoding = encoding
        self.predictionStride = predictionStride
        self.metadata = metadata
    }

    /// Number of group records: `ceil(frameCount / groupLength)`.
    public var groupCount: Int { (frameCount + groupLength - 1) / groupLength }
    /// Latent values per group record: tiles x tokensPerTile x latentChannels.
    public var valuesPerGroup: Int { tiling.tileCount * tokensPerTile * latentChannels }

    /// Throws `.modelMismatch` unless `sha256` equals the header's model digest, with a message
    /// naming both models, e.g. "made with model vitok-sb4x8 (sha256 3fa1...) but the loaded
    /// model is vitok-x (sha256 9b2c...); pass --model with the weights it was made with".
    public func checkModel(sha256: [UInt8], name: String? = nil, file: String = "") throws {
        guard sha256 != modelSHA256 else { return }
        let loaded = name.map { "\($0) " } ?? ""
        throw VTKFormatError(
            .modelMismatch, file: file.isEmpty ? "<vtk>" : file,
            "made with model \(modelName) (sha256 \(Hex.string(modelSHA256))) but the loaded model is "
                + "\(loaded)(sha256 \(Hex.string(sha256))); pass the weights it was made with")
    }
}
