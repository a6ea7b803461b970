import Foundation
import VideoIO

/// Reads a frame source in groups of a fixed length, padding the last group by repeating its
/// last frame. Holds one group at a time.
public struct FrameGrouper {
    /// Frames per group.
    public let length: Int
    /// Frames read so far (not counting padding).
    public private(set) var framesRead = 0
    /// Size of the first frame; every later frame must match it.
    public private(set) var frameSize: (width: Int, height: Int)?
    /// Called with the first frame before any other is read: a check that can refuse the
    /// input before a whole group is in memory (the compressor's frame size and memory limit).
    public var checkFirstFrame: ((RGBFrame) throws -> Void)?
    private let source: FrameSource
    private let path: String

    /// A grouper over `source`; `path` names the input in errors.
    public init(source: FrameSource, length: Int, path: String) {
        precondition(length > 0)
        self.source = source
        self.length = length
        self.path = path
    }

    /// The next group of exactly `length` frames and how many of them are real, or nil at the
    /// end of the stream.
    public mutating func next() throws -> (frames: [RGBFrame], real: Int)? {
        var frames: [RGBFrame] = []
        frames.reserveCapacity(length)
        while frames.count < length, let frame = try source.nextFrame() {
            try check(frame)
            frames.append(frame)
            framesRead += 1
        }
        guard let last = frames.last else { return nil }
        let real = frames.count
        while frames.count < length { frames.append(last) }
        return (frames, real)
    }

    private mutating func check(_ frame: RGBFrame) throws {
        guard frame.width > 0, frame.height > 0, frame.pixels.count == frame.width * frame.height * 3 else {
            throw CodecError.frameSizeChanged(path: path, frame: framesRead, expected: "RGB24",
                                              got: "a malformed \(frame.width)x\(frame.height) frame")
        }
        guard let size = frameSize else {
            try checkFirstFrame?(frame)
            frameSize = (frame.width, frame.height)
            return
        }
        guard size == (frame.width, frame.height) else {
            throw CodecError.frameSizeChanged(
                path: path, frame: framesRead, expected: "\(size.width)x\(size.height)",
                got: "\(frame.width)x\(frame.height)")
        }
    }
}
