import CFFmpeg
import Foundation

/// A source of bytes behind an AVIOContext: reads, and seeks where it can.
protocol ByteSource: AnyObject {
    /// Whether `seek` works; a pipe can only be read forward.
    var isSeekable: Bool { get }
    /// Bytes handed out so far, and whether a read has met the end (together they tell an
    /// empty input from an unreadable or bad one).
    var bytesDelivered: Int64 { get }
    var reachedEnd: Bool { get }
    /// Fills up to `count` bytes; returns the number read, AVERROR_EOF at the end, or another
    /// negative AVERROR.
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) -> Int32
    /// Moves to `offset` (SEEK_SET/CUR/END) or returns the size for AVSEEK_SIZE; a negative
    /// AVERROR when that is not possible.
    func seek(to offset: Int64, whence: Int32) -> Int64
}

/// A whole file in memory.
final class MemorySource: ByteSource {
    private let bytes: [UInt8]
    private var position: Int64 = 0
    private(set) var bytesDelivered: Int64 = 0
    private(set) var reachedEnd = false
    let isSeekable = true

    init(bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) -> Int32 {
        let available = max(0, Int64(bytes.count) - position)
        let n = Int(min(Int64(count), available))
        guard n > 0 else {
            reachedEnd = true
            return vtkc_averror_eof()
        }
        bytes.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress! + Int(position), count: n) }
        position += Int64(n)
        bytesDelivered += Int64(n)
        return Int32(n)
    }

    func seek(to offset: Int64, whence: Int32) -> Int64 {
        let target = resolveSeek(offset, whence: whence, position: position, size: Int64(bytes.count))
        if whence & AVSEEK_SIZE == 0, target >= 0 { position = target }
        return target
    }
}

/// An open file descriptor. A regular file is read with `pread` from the offset it had when
/// the source was made, so several sources (the reader and its frame counter) can share it.
final class DescriptorSource: ByteSource {
    private let fd: Int32
    /// Where the file's data starts (the descriptor's offset at open) and its size from there;
    /// nil for a descriptor that cannot seek.
    private let start: Int64?
    private let size: Int64
    private var position: Int64 = 0
    private(set) var bytesDelivered: Int64 = 0
    private(set) var reachedEnd = false
    var isSeekable: Bool { start != nil }

    init(fd: Int32) {
        self.fd = fd
        var info = stat()
        let offset = lseek(fd, 0, SEEK_CUR)
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, offset >= 0 {
            start = Int64(offset)
            size = max(0, Int64(info.st_size) - Int64(offset))
        } else {
            start = nil
            size = 0
        }
    }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) -> Int32 {
        while true {
            let n = start.map { pread(fd, buffer, count, off_t($0 + position)) } ?? Foundation.read(fd, buffer, count)
            if n > 0 {
                position += Int64(n)
                bytesDelivered += Int64(n)
                return Int32(n)
            }
            if n == 0 {
                reachedEnd = true
                return vtkc_averror_eof()
            }
            if errno != EINTR { return vtkc_averror(errno) }
        }
    }

    func seek(to offset: Int64, whence: Int32) -> Int64 {
        guard isSeekable else { return Int64(vtkc_averror(ESPIPE)) }
        let target = resolveSeek(offset, whence: whence, position: position, size: size)
        if whence & AVSEEK_SIZE == 0, target >= 0 { position = target }
        return target
    }
}

/// The absolute position a seek asks for (or the size for AVSEEK_SIZE); AVERROR(EINVAL) for a
/// negative target or an unknown `whence`.
private func resolveSeek(_ offset: Int64, whence: Int32, position: Int64, size: Int64) -> Int64 {
    let mode = whence & ~AVSEEK_FORCE
    if mode & AVSEEK_SIZE != 0 { return size }
    let base: Int64
    switch mode {
    case SEEK_SET: base = 0
    case SEEK_CUR: base = position
    case SEEK_END: base = size
    default: return Int64(vtkc_averror(EINVAL))
    }
    let (target, overflow) = base.addingReportingOverflow(offset)
    return overflow || target < 0 ? Int64(vtkc_averror(EINVAL)) : target
}

/// Owns one AVIOContext reading from a `ByteSource` (and its buffer, which FFmpeg may have
/// replaced by the time it is freed).
final class CustomIO {
    let pointer: UnsafeMutablePointer<AVIOContext>
    let source: any ByteSource
    private static let bufferSize: Int32 = 1 << 16

    init(source: any ByteSource, name: String) throws {
        self.source = source
        guard let buffer = av_malloc(Int(Self.bufferSize)) else {
            throw FFmpegError(code: vtkc_averror(ENOMEM), operation: "allocate input buffer", path: name)
        }
        // The callbacks reach the source through `holder`, which lives as long as the context.
        let holder = Box(source)
        self.holder = holder
        let read: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UInt8>?, Int32) -> Int32 = {
            opaque, buffer, count in
            guard let opaque, let buffer, count > 0 else { return vtkc_averror(EINVAL) }
            return Unmanaged<Box>.fromOpaque(opaque).takeUnretainedValue().source.read(into: buffer, count: Int(count))
        }
        let seek: @convention(c) (UnsafeMutableRawPointer?, Int64, Int32) -> Int64 = { opaque, offset, whence in
            guard let opaque else { return Int64(vtkc_averror(EINVAL)) }
            return Unmanaged<Box>.fromOpaque(opaque).takeUnretainedValue().source.seek(to: offset, whence: whence)
        }
        guard let context = avio_alloc_context(
            buffer.assumingMemoryBound(to: UInt8.self), Self.bufferSize, 0,
            Unmanaged.passUnretained(holder).toOpaque(), read, nil, source.isSeekable ? seek : nil)
        else {
            av_free(buffer)
            throw FFmpegError(code: vtkc_averror(ENOMEM), operation: "allocate input I/O", path: name)
        }
        pointer = context
    }

    /// Keeps the source reachable from the C callbacks.
    private let holder: Box

    /// A class wrapper, so an existential source has a stable object to point at.
    private final class Box {
        let source: any ByteSource
        init(_ source: any ByteSource) { self.source = source }
    }

    deinit {
        av_freep(&pointer.pointee.buffer)
        var owned: UnsafeMutablePointer<AVIOContext>? = pointer
        avio_context_free(&owned)
    }
}

extension CustomIO {
    /// Opens a demuxer on this I/O (the format probed from the bytes, `name` a hint for
    /// messages). An input that fails before any byte arrived is reported as empty.
    func openFormat(name: String) throws -> UnsafeMutablePointer<AVFormatContext> {
        guard var context = avformat_alloc_context() else {
            throw FFmpegError(code: vtkc_averror(ENOMEM), operation: "allocate demuxer", path: name)
        }
        context.pointee.pb = pointer
        context.pointee.flags |= AVFMT_FLAG_CUSTOM_IO
        var opened: UnsafeMutablePointer<AVFormatContext>? = context
        // On failure avformat_open_input frees the context (not the custom I/O).
        let status = avformat_open_input(&opened, name, nil, nil)
        if status < 0 {
            if source.bytesDelivered == 0, source.reachedEnd {
                throw VideoIOError.invalidArgument(path: name, detail: "the input is empty")
            }
            throw FFmpegError(code: status, operation: "open input", path: name)
        }
        guard let opened else { throw FFmpegError(code: vtkc_averror(ENOMEM), operation: "open input", path: name) }
        context = opened
        return context
    }

    /// Throws when a non-seekable input is an MP4/MOV whose demuxer has already read past the
    /// media its index points at: with the index ('moov') after the media data, the packets
    /// lie behind the point a pipe has reached and can never be read.
    func checkIndexReachable(_ context: UnsafeMutablePointer<AVFormatContext>, name: String) throws {
        guard String(cString: context.pointee.iformat.pointee.name).hasPrefix("mov,") else { return }
        let reached = avio_tell(pointer)
        var first = Int64.max
        for s in 0..<Int(context.pointee.nb_streams) {
            guard let stream = context.pointee.streams[s] else { continue }
            for entry in 0..<avformat_index_get_entries_count(stream) {
                guard let e = avformat_index_get_entry(stream, entry), e.pointee.size > 0 else { continue }
                first = min(first, e.pointee.pos)
            }
        }
        if first < reached {
            throw VideoIOError.invalidArgument(path: name, detail:
                "this MP4/MOV keeps its index (moov) after the media data, which a pipe cannot go back"
                + " to; pass the file itself or remux it with -movflags +faststart")
        }
    }
}
