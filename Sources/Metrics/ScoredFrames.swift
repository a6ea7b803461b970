import Foundation
import VideoIO

/// One side of a scored pair: frames of a known size, read one at a time. A `VideoReader`
/// is one; `vtkc score` adds the frames a .vtk file decodes to (Metrics knows nothing of the
/// codec).
public protocol ScoredFrames: AnyObject {
    /// Size of every frame.
    var frameWidth: Int { get }
    var frameHeight: Int { get }
    /// The announced frame count (0 when unknown); the frames read are the final word.
    var announcedFrameCount: Int { get }
    /// The next frame, or nil at the end.
    func nextFrame() throws -> RGBFrame?
}

extension VideoReader: ScoredFrames {
    public var frameWidth: Int { info.width }
    public var frameHeight: Int { info.height }
    public var announcedFrameCount: Int { info.frameCount }
}

/// What kind of input the distorted side of a pair was.
public enum DistortedKind: String, Sendable, Codable {
    /// A video file, decoded by FFmpeg: its codec's loss is part of the score.
    case video
    /// A .vtk file whose latents were decoded in memory by the engine: the tokenizer's loss
    /// alone, no video codec in between.
    case vtk

    /// The words the table uses.
    public var description: String {
        switch self {
        case .video: return "video file decoded by FFmpeg"
        case .vtk: return ".vtk latents decoded in memory by the engine (no video codec in between)"
        }
    }
}

/// Opens the distorted side of a pair: the frames and what kind of input they come from.
public typealias DistortedOpener = (URL) throws -> (frames: ScoredFrames, kind: DistortedKind)

extension VideoScorer {
    /// The default opener: every distorted file is a video file.
    public static func openVideo(_ url: URL) throws -> (frames: ScoredFrames, kind: DistortedKind) {
        (try VideoReader(url: url), .video)
    }
}
