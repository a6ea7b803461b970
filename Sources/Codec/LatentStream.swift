import Foundation
import VideoIO
import VTKFormat

/// Where compressed groups go: the .vtk writer, or memory (tests, `vtkc seams`).
public protocol LatentSink: AnyObject {
    /// Called once before the first group. `header.frameCount` is the source's estimate; the
    /// true count arrives with `finish`.
    func begin(_ header: VTKHeader) throws
    /// Appends the latents of one group: tiles x tokens x channels floats.
    func writeGroup(_ latents: [Float]) throws
    /// Called once after the last group with the number of real frames and the audio track.
    func finish(frameCount: Int, audio: AudioTrack?) throws
}

/// Where expand reads compressed groups from: the .vtk reader, or memory.
public protocol LatentSource: AnyObject {
    /// The stream's header (true frame count included).
    var header: VTKHeader { get }
    /// The latents of the next group, or nil after the last one.
    func nextGroup() throws -> [Float]?
}

/// A compressed stream held in memory: a sink that can be read back as a source.
public final class MemoryLatents: LatentSink, LatentSource {
    public private(set) var groups: [[Float]] = []
    public private(set) var audio: AudioTrack?
    private var started: VTKHeader?
    private var cursor = 0

    public init() {}

    public var header: VTKHeader {
        guard let header = started else { preconditionFailure("MemoryLatents read before begin") }
        return header
    }

    public func begin(_ header: VTKHeader) throws { started = header }

    public func writeGroup(_ latents: [Float]) throws { groups.append(latents) }

    public func finish(frameCount: Int, audio: AudioTrack?) throws {
        started?.frameCount = frameCount
        self.audio = audio
    }

    public func nextGroup() throws -> [Float]? {
        guard cursor < groups.count else { return nil }
        defer { cursor += 1 }
        return groups[cursor]
    }

    /// Starts reading from the first group again.
    public func rewind() { cursor = 0 }
}
