import Foundation
import VideoIO
import VTKFormat

/// The frames a latent stream decodes to, handed out one at a time: a `FrameSource` over a
/// .vtk file (or any `LatentSource`). Each group is decoded when its first frame is asked
/// for, so memory holds one group; the padding of the last group is never returned.
/// `Expander.expand` writes these frames to a sink; `vtkc score` compares them with a
/// reference in memory, with no video codec in between.
public final class DecodedFrames: FrameSource {
    public let header: VTKHeader
    public let layout: TileLayout
    /// Frames returned so far.
    public private(set) var framesDone = 0
    /// Groups decoded so far.
    public private(set) var groups = 0
    private let source: LatentSource
    private let coder: GroupCoder
    private let path: String
    private var pending: [RGBFrame] = []
    private var next = 0
    /// Whether the source was read to its end.
    private var drained = false

    /// The frames of `source`, already checked by `Expander.prepare`, which gave `layout`.
    init(source: LatentSource, layout: TileLayout, coder: GroupCoder, path: String) {
        header = source.header
        self.layout = layout
        self.source = source
        self.coder = coder
        self.path = path
    }

    /// The stored geometry: true frame count and frame rate.
    public var sourceInfo: SourceInfo {
        SourceInfo(frameCount: header.frameCount,
                   frameRate: Rational(num: header.frameRate.num, den: header.frameRate.den))
    }

    /// Audio is not part of the decoded frames (`VTKFileSource.audioTrack()` has it).
    public var audio: AudioTrack? { nil }

    /// The next decoded frame, or nil after the header's frame count. Throws when the stream
    /// ends early or a group has the wrong size.
    public func nextFrame() throws -> RGBFrame? {
        guard framesDone < header.frameCount else {
            // Read to the end, so the records after the last group (audio) are CRC-checked too.
            if !drained {
                drained = true
                if try source.nextGroup() != nil {
                    throw CodecError.inconsistentFile(path: path, detail: "holds more groups than its \(header.frameCount) frames need")
                }
            }
            return nil
        }
        if next == pending.count {
            guard let latents = try source.nextGroup() else {
                throw CodecError.inconsistentFile(
                    path: path, detail: "ends after \(groups) groups but the header promises "
                        + "\(header.groupCount) (\(header.frameCount) frames)")
            }
            guard latents.count == coder.latentValuesPerGroup else {
                throw CodecError.inconsistentFile(
                    path: path, detail: "group \(groups) holds \(latents.count) values, expected "
                        + "\(coder.latentValuesPerGroup)")
            }
            pending = try coder.decode(latents, path: path, group: groups)
            next = 0
            groups += 1
        }
        defer {
            next += 1
            framesDone += 1
        }
        return pending[next]
    }

    /// Whether the last frame returned ended a group (or the stream).
    public var atGroupEnd: Bool { next == pending.count || framesDone == header.frameCount }
}
