import Foundation
import SafeOutput
import VideoIO
import VTKFormat

/// A latent sink that writes a .vtk file, one group record at a time, into an `OutputTarget`.
///
/// The header goes out first with the source's frame-count estimate; the container patches
/// in the true count when the stream ends (`VTKWriter.finish(frameCount:)`), giving the same
/// bytes as knowing it up front. Nothing appears at the destination unless `finish` succeeds.
public final class VTKFileSink: LatentSink {
    public let target: OutputTarget
    /// Bytes of the finished file (0 before `finish`).
    public private(set) var fileBytes = 0
    private var writer: VTKWriter?

    /// A sink writing into `target`.
    public init(target: OutputTarget) { self.target = target }

    /// A sink writing the file at `url`; unless `overwrite`, an existing file is an error.
    public convenience init(url: URL, overwrite: Bool) throws {
        self.init(target: try OutputTarget(path: url.path, overwrite: overwrite))
    }

    public func begin(_ header: VTKHeader) throws {
        writer = try VTKWriter(url: URL(fileURLWithPath: target.stagingPath), header: header,
                               name: target.displayName)
    }

    public func writeGroup(_ latents: [Float]) throws {
        guard let writer else { preconditionFailure("writeGroup before begin") }
        try writer.appendGroup(latents)
    }

    public func finish(frameCount: Int, audio: AudioTrack?) throws {
        guard let writer else { preconditionFailure("finish before begin") }
        if let audio { try writer.setAudio(audio.serialized()) }
        try writer.finish(frameCount: frameCount)
        try target.commit()
        fileBytes = writer.bytesWritten
    }
}

/// A latent source reading a .vtk file.
public final class VTKFileSource: LatentSource {
    public let reader: VTKReader
    public var header: VTKHeader { reader.header }

    /// Opens `url`; throws the container's error for any structural defect.
    public init(url: URL) throws { reader = try VTKReader(url: url) }

    public func nextGroup() throws -> [Float]? { try reader.nextGroup() }

    /// The stored audio track, or nil when the file has none.
    public func audioTrack() throws -> AudioTrack? {
        guard let bytes = try reader.audio() else { return nil }
        return try AudioTrack(serialized: bytes, file: reader.name)
    }
}
