// Streaming .vtk writer: header first, then one record per appended group (and the audio
// record when given), the end record on finish(). Memory is bounded by one group. It writes
// exactly the file it is given (in vtkc, an OutputTarget's staging file: where the finished
// bytes end up is the caller's policy); on an error or when dropped unfinished, that file is
// removed if the writer created it (never a device or a file that was there before).
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a .vtk file. Usage:
///
///     let writer = try VTKWriter(url: out, header: header)
///     for group in groups { try writer.appendGroup(group) }
///     try writer.setAudio(audioTrack.serialized())             // optional, at any point
///     try writer.finish()                  // or finish(frameCount: n) when the true count is
///                                          // only known at the end (the header is patched)
///
/// Each group is `header.valuesPerGroup` floats, laid out tiles x tokensPerTile x
/// latentChannels (channel fastest, tiles row-major). Bytes depend only on the inputs.
/// Errors are `VTKFormatError`s; a writer that threw an I/O error refuses further calls.
public final class VTKWriter {
    /// The header being written (its frame count is final after `finish(frameCount:)`).
    public private(set) var header: VTKHeader
    /// The destination.
    public let url: URL
    /// Bytes written so far.
    public private(set) var bytesWritten = 0
    /// Group records written so far.
    public private(set) var groupsWritten = 0
    /// Payload bytes of the group records written so far (without framing).
    public private(set) var groupPayloadBytes = 0

    private var handle: FileHandle?
    private var audioWritten = false
    private var finished = false
    private var prefixLength = 0
    /// The file's name in errors (the destination the user named, not a staging file).
    private let name: String
    /// Whether this writer created the file (only then does a failure remove it: a device or
    /// a file someone else made is never deleted).
    private let created: Bool

    /// Opens the file at `url` (creating it, or truncating it and keeping its permissions) and
    /// writes the header; errors name it `name` (default: its last path component). On a
    /// failure, or when dropped unfinished, the file is removed if this writer created it. Throws
    /// `.malformed` for a header field out of range (nothing is created then), `.io` when the
    /// file cannot be opened.
    public init(url: URL, header: VTKHeader, name: String? = nil) throws {
        self.url = url
        self.header = header
        let name = name ?? url.lastPathComponent
        self.name = name
        let prefix = try header.encodedPrefix(file: name)
        var fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        created = fd >= 0
        if fd < 0 && errno == EEXIST { fd = open(url.path, O_WRONLY | O_TRUNC | O_CLOEXEC) }
        guard fd >= 0 else {
            throw VTKFormatError(.io, file: name, "cannot open for writing (\(String(cString: strerror(errno))))")
        }
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        prefixLength = prefix.count
        try write(prefix)
    }

    deinit { if !finished { removeFile() } }

    /// Encodes and writes the next group's latents. Throws `.invalidLatents` (nothing is
    /// written; the writer stays usable) for a wrong count or NaN/Inf values.
    public func appendGroup(_ latents: [Float]) throws {
        try checkOpen("append a group")
        let payload = try GroupCoding.encode(latents, index: groupsWritten, header: header, file: name)
        try write(Records.frame(.group, payload))
        groupsWritten += 1
        groupPayloadBytes += payload.count
    }

    /// Writes the audio record (at most once, before `finish()`).
    public func setAudio(_ bytes: [UInt8]) throws {
        try checkOpen("add audio")
        guard !audioWritten else {
            throw VTKFormatError(.misuse, file: name, "audio was already written")
        }
        try write(Records.frame(.audio, bytes))
        audioWritten = true
    }

    /// Writes the end record and closes the file. `frameCount`, when
    /// given, replaces the header's frame count (patched in place: the bytes are those a writer
    /// given the final count up front would produce). Throws `.misuse` unless the frame count
    /// needs exactly the groups appended: `ceil(frameCount / groupLength) == groupsWritten`.
    public func finish(frameCount: Int? = nil) throws {
        try checkOpen("finish")
        var final = header
        final.frameCount = frameCount ?? header.frameCount
        guard (1...(1 << 40)).contains(final.frameCount), final.groupCount == groupsWritten else {
            throw VTKFormatError(.misuse, file: name,
                                 "\(final.frameCount) frames need \(final.groupCount) groups but \(groupsWritten) were appended")
        }
        if final.frameCount != header.frameCount { try patchHeader(final) }
        try write(Records.frame(.end, Records.endPayload(groups: groupsWritten, audioRecords: audioWritten ? 1 : 0)))
        do {
            try handle?.synchronize()
            try handle?.close()
        } catch {
            fail()
            throw VTKFormatError(.io, file: name, "cannot close the output (\(error.localizedDescription))")
        }
        handle = nil
        finished = true
    }

    /// Rewrites the file prefix for `final`, which differs from `header` only in fixed-width
    /// fields, so the prefix keeps its length.
    private func patchHeader(_ final: VTKHeader) throws {
        let prefix = try final.encodedPrefix(file: name)
        precondition(prefix.count == prefixLength, "header patch changed the header length")
        do {
            try handle?.seek(toOffset: 0)
            try handle?.write(contentsOf: prefix)
            _ = try handle?.seekToEnd()
        } catch {
            fail()
            throw VTKFormatError(.io, file: name, offset: 0, "cannot rewrite the header (\(error.localizedDescription))")
        }
        header = final
    }

    private func checkOpen(_ action: String) throws {
        guard handle != nil, !finished else {
            throw VTKFormatError(.misuse, file: name, "cannot \(action): the writer is finished or failed")
        }
    }

    private func write(_ bytes: [UInt8]) throws {
        do { try handle?.write(contentsOf: bytes) } catch {
            fail()
            throw VTKFormatError(.io, file: name, offset: bytesWritten, "write failed (\(error.localizedDescription))")
        }
        bytesWritten += bytes.count
    }

    private func fail() {
        try? handle?.close()
        handle = nil
        removeFile()
    }

    private func removeFile() {
        var info = stat()
        guard created, lstat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return }
        unlink(url.path)
    }
}
