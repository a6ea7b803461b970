import Foundation
import VideoIO
import VTKFormat

/// A latent sink that writes a .vtk file.
///
/// The container's header holds the true frame count, which a decoder only knows at the end
/// of the stream, so groups are first spooled as raw float32 to a hidden temporary file next
/// to the output (memory stays at one group), then written to the container with the exact
/// header when the stream ends. Nothing appears at `url` unless `finish` succeeds.
public final class VTKFileSink: LatentSink {
    public let url: URL
    public let overwrite: Bool
    /// Bytes of the finished file (0 before `finish`).
    public private(set) var fileBytes = 0
    /// Byte counts of the finished file's parts.
    public private(set) var byteCounts: VTKByteCounts?
    private var header: VTKHeader?
    private let spoolURL: URL
    private var spool: FileHandle?
    private var groups = 0

    /// A sink writing `url`; unless `overwrite`, an existing file there is an error.
    public init(url: URL, overwrite: Bool) throws {
        if !overwrite && FileManager.default.fileExists(atPath: url.path) {
            throw CodecError.outputExists(path: url.path)
        }
        self.url = url
        self.overwrite = overwrite
        spoolURL = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(getpid())-\(UInt32.random(in: 0...UInt32.max)).spool")
    }

    deinit { removeSpool() }

    public func begin(_ header: VTKHeader) throws {
        guard FileManager.default.createFile(atPath: spoolURL.path, contents: nil) else {
            throw CodecError.invalidOption("cannot create a temporary file in "
                + "\(spoolURL.deletingLastPathComponent().path) (is the directory writable?)")
        }
        spool = try FileHandle(forUpdating: spoolURL)
        self.header = header
    }

    public func writeGroup(_ latents: [Float]) throws {
        guard let spool else { preconditionFailure("writeGroup before begin") }
        try spool.write(contentsOf: latents.withUnsafeBufferPointer { Data(buffer: $0) })
        groups += 1
    }

    public func finish(frameCount: Int, audio: AudioTrack?) throws {
        guard var header, let spool else { preconditionFailure("finish before begin") }
        header.frameCount = frameCount
        guard header.groupCount == groups else {
            throw CodecError.inconsistentFile(
                path: url.path, detail: "\(frameCount) frames need \(header.groupCount) groups, "
                    + "but \(groups) were encoded")
        }
        let writer = try VTKWriter(url: url, header: header, overwrite: overwrite)
        try spool.seek(toOffset: 0)
        let groupBytes = header.valuesPerGroup * MemoryLayout<Float>.size
        for _ in 0..<groups {
            guard let data = try spool.read(upToCount: groupBytes), data.count == groupBytes else {
                throw CodecError.inconsistentFile(path: spoolURL.path, detail: "temporary latents are short")
            }
            let latents = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            try writer.appendGroup(latents)
        }
        if let audio { try writer.setAudio(audio.serialized()) }
        try writer.finish()
        fileBytes = writer.bytesWritten
        removeSpool()
        byteCounts = try VTKReader(url: url).byteCounts
    }

    private func removeSpool() {
        try? spool?.close()
        spool = nil
        try? FileManager.default.removeItem(at: spoolURL)
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
        return try AudioTrack(serialized: bytes)
    }
}
