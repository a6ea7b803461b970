import Foundation
import VideoIO

/// Where `--crop` cuts frames.
public enum CropMode: String, Sendable, CaseIterable {
    /// The centre of the frame: x = (width - tile width) / 2, y = (height - tile height) / 2,
    /// rounded down.
    case center
}

/// What is done to decoded frames before they are grouped and tiled (native-resolution
/// preprocessing for training sets): resizing so that the short side has a given length
/// (swscale, in the video reader), then cropping a model-tile-sized rectangle. The .vtk header
/// records what was done (`metadata`), so the file's geometry is the processed one and the
/// source's size is kept beside it.
public struct FramePreprocessing: Sendable, Equatable {
    public var scaling: FrameScaling?
    public var crop: CropMode?

    public init(scaling: FrameScaling? = nil, crop: CropMode? = nil) {
        self.scaling = scaling
        self.crop = crop
    }

    /// Whether frames reach the codec as decoded.
    public var isEmpty: Bool { scaling == nil && crop == nil }

    /// The header metadata keys that hold the settings (compared when a batch resumes).
    public static let settingKeys = ["resize", "resize_filter", "crop"]

    /// The settings as header metadata: `resize` (the short side in pixels), `resize_filter`,
    /// `crop` (`center`); keys of settings not in use are absent.
    public var settings: [String: String] {
        var values: [String: String] = [:]
        if let scaling {
            values["resize"] = String(scaling.shortSide)
            values["resize_filter"] = scaling.filter.rawValue
        }
        if let crop { values["crop"] = crop.rawValue }
        return values
    }

    /// The header metadata for a source of `width` x `height` pixels: the settings plus
    /// `source_width` and `source_height`; empty when nothing is done.
    public func metadata(sourceWidth width: Int, sourceHeight height: Int) -> [String: String] {
        guard !isEmpty else { return [:] }
        return settings.merging(["source_width": String(width), "source_height": String(height)]) { a, _ in a }
    }

    /// The frames of `reader` (opened with `scaling`) as the codec sees them: centre-cropped to
    /// at most `tileWidth` x `tileHeight` when cropping (a smaller frame keeps its size in that
    /// direction and is padded by the tiling), with the preprocessing in `sourceInfo`.
    public func frames(of reader: VideoReader, tileWidth: Int, tileHeight: Int) -> FrameSource {
        guard !isEmpty else { return reader }
        let size = reader.frameSize
        let cropSize = crop == nil ? size : (min(size.width, tileWidth), min(size.height, tileHeight))
        return PreprocessedFrames(
            reader, width: cropSize.0, height: cropSize.1,
            metadata: metadata(sourceWidth: reader.info.width, sourceHeight: reader.info.height))
    }
}

/// A video reader's frames, cut to their centre `width` x `height` pixels.
final class PreprocessedFrames: FrameSource {
    private let reader: VideoReader
    private let width: Int
    private let height: Int
    let sourceInfo: SourceInfo

    init(_ reader: VideoReader, width: Int, height: Int, metadata: [String: String]) {
        self.reader = reader
        self.width = width
        self.height = height
        var info = reader.sourceInfo
        info.preprocessing = metadata
        sourceInfo = info
    }

    var audio: AudioTrack? { reader.audio }

    func nextFrame() throws -> RGBFrame? {
        guard let frame = try reader.nextFrame() else { return nil }
        guard frame.width != width || frame.height != height else { return frame }
        let x0 = (frame.width - width) / 2, y0 = (frame.height - height) / 2
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * 3)
        frame.pixels.withUnsafeBufferPointer { source in
            for y in y0..<(y0 + height) {
                let start = (y * frame.width + x0) * 3
                pixels.append(contentsOf: source[start..<(start + width * 3)])
            }
        }
        return RGBFrame(width: width, height: height, pixels: pixels, pts: frame.pts)
    }
}

/// The preprocessing a .vtk file's metadata records (`FramePreprocessing.settings` wrote it):
/// the source size before resizing and cropping, and the settings used.
public struct RecordedPreprocessing: Sendable, Equatable, Encodable {
    public var sourceWidth: Int
    public var sourceHeight: Int
    public var resize: Int?
    public var resizeFilter: String?
    public var crop: String?

    /// The record in `metadata`; nil when the frames were tiled as decoded.
    public init?(metadata: [String: String]) {
        guard let width = metadata["source_width"].flatMap(Int.init),
              let height = metadata["source_height"].flatMap(Int.init) else { return nil }
        (sourceWidth, sourceHeight) = (width, height)
        resize = metadata["resize"].flatMap(Int.init)
        resizeFilter = metadata["resize_filter"]
        crop = metadata["crop"]
    }
}
