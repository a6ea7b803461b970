import Foundation

/// What a compress, expand or reencode run produced: one summary for the three jobs, each
/// filling what it knows. JSON (`--json`) holds the fields that are set.
public struct RunSummary: Sendable, Codable, Equatable {
    public var frames: Int
    public var width: Int
    public var height: Int
    /// Frames per second as "num/den".
    public var frameRate: String
    /// Groups and tiles per group (compress, expand).
    public var groups: Int?
    public var tilesPerGroup: Int?
    /// Whether an audio track was stored (compress) or written (expand).
    public var audio: Bool?
    /// How the frames were tiled and the latents stored, in the words of the options (compress).
    public var tiling: String?
    public var latentEncoding: String?
    /// Bytes of the finished file (compress, reencode; 0 when the output is not a file).
    public var bytes: Int?

    public init(frames: Int, width: Int, height: Int, frameRate: String, groups: Int? = nil,
                tilesPerGroup: Int? = nil, audio: Bool? = nil, tiling: String? = nil,
                latentEncoding: String? = nil, bytes: Int? = nil) {
        (self.frames, self.width, self.height, self.frameRate) = (frames, width, height, frameRate)
        (self.groups, self.tilesPerGroup, self.audio) = (groups, tilesPerGroup, audio)
        (self.tiling, self.latentEncoding, self.bytes) = (tiling, latentEncoding, bytes)
    }

    /// File bits per pixel of the frames; nil without a byte count.
    public var bitsPerPixel: Double? {
        bytes.map { Self.bitsPerPixel(bytes: $0, width: width, height: height, frames: frames) }
    }

    /// `bytes` as bits per pixel of `frames` frames of `width x height` (0 for no pixels):
    /// the one formula of compress, reencode and `info`.
    public static func bitsPerPixel(bytes: Int, width: Int, height: Int, frames: Int) -> Double {
        let pixels = width * height * frames
        return pixels > 0 ? Double(bytes * 8) / Double(pixels) : 0
    }
}
