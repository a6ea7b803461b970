import Foundation
import VideoIO

/// What the codec keeps from a source's description of its video stream.
public struct SourceInfo: Sendable, Equatable {
    /// The frame count the file announces (the frames actually decoded are the final word).
    public var frameCount: Int
    public var frameRate: Rational
    public var pixelAspect: Rational
    /// Clockwise display rotation in degrees.
    public var rotation: Int
    public var codecName: String
    /// What was done to the frames before they reach the codec, as .vtk header metadata
    /// (`FramePreprocessing.metadata`); empty when they arrive as decoded.
    public var preprocessing: [String: String]
    /// Whether the source's frames are unevenly spaced (`VideoInfo.variableFrameRate`).
    public var variableFrameRate = false

    public init(frameCount: Int, frameRate: Rational, pixelAspect: Rational = Rational(num: 1, den: 1),
                rotation: Int = 0, codecName: String = "", preprocessing: [String: String] = [:]) {
        self.frameCount = frameCount
        self.frameRate = frameRate
        self.pixelAspect = pixelAspect
        self.rotation = rotation
        self.codecName = codecName
        self.preprocessing = preprocessing
    }

    /// The parts of a `VideoInfo` the codec keeps.
    public init(_ info: VideoInfo) {
        self.init(frameCount: info.frameCount, frameRate: info.frameRate,
                  pixelAspect: info.pixelAspect, rotation: info.rotation, codecName: info.codecName)
        variableFrameRate = info.variableFrameRate
    }
}

/// A stream of decoded frames, such as a `VideoReader`.
public protocol FrameSource: AnyObject {
    /// What the file says about its video stream.
    var sourceInfo: SourceInfo { get }
    /// The next frame, or nil at the end.
    func nextFrame() throws -> RGBFrame?
    /// The audio track, complete once `nextFrame()` has returned nil; nil when none.
    var audio: AudioTrack? { get }
}

/// A consumer of frames, such as a `VideoWriter`.
public protocol FrameSink: AnyObject {
    /// Appends one frame.
    func write(_ frame: RGBFrame) throws
    /// Completes the output; nothing is visible at the destination before this succeeds.
    func finish() throws
}

extension VideoReader: FrameSource {
    public var sourceInfo: SourceInfo { SourceInfo(info) }
}
extension VideoWriter: FrameSink {}
