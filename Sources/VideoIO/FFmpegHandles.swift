import CFFmpeg
import Foundation
#if canImport(SafeInput)
import SafeInput  // scripts/fuzz.sh compiles its sources into this module
#endif

// One owner per FFmpeg handle: each class allocates in its throwing init and frees in deinit.

/// An opened input (AVFormatContext from avformat_open_input): a file by path, or a file
/// descriptor or memory buffer through custom I/O.
final class InputContext {
    let pointer: UnsafeMutablePointer<AVFormatContext>
    /// What was opened, so that it can be opened again (see `reopen()`).
    let input: VideoInput
    /// The custom I/O of a descriptor or memory input, freed after the format context.
    private let customIO: CustomIO?

    /// Opens `input`, naming `input.name` in errors; `probeStreams` also decodes a little to
    /// fill in the stream parameters.
    init(input: VideoInput, probeStreams: Bool = true) throws {
        FFmpegLog.configure()
        self.input = input
        let path = input.name
        var context: UnsafeMutablePointer<AVFormatContext>?
        switch input {
        case .file:
            // Only a regular file, and only through FFmpeg's file protocol: a FIFO or device is
            // never opened, and a name is never read as another protocol ("concat:", "http:").
            do { try InputFile.checkRegular(path) } catch {
                throw VideoIOError.invalidArgument(path: path, detail: error.reason)
            }
            if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size == 0 {
                throw VideoIOError.invalidArgument(path: path, detail: "the file is empty")
            }
            customIO = nil
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            let status = avformat_open_input(&context, "file:" + absolute, nil, nil)
            if status < 0, let (width, height) = VideoLimits.declaredY4MSize(path),
               !VideoLimits.frameSideRange.contains(width) || !VideoLimits.frameSideRange.contains(height) {
                // FFmpeg's Y4M demuxer fails on an oversized picture with an unrelated errno (EBUSY).
                throw VideoIOError.invalidArgument(path: path, detail: VideoLimits.frameSizeProblem(width: width, height: height))
            }
            try check(status, "open input", path)
        case .fileDescriptor(let fd, _):
            customIO = try CustomIO(source: DescriptorSource(fd: fd), name: path)
        case .memory(let bytes, _):
            if bytes.isEmpty { throw VideoIOError.invalidArgument(path: path, detail: "the input is empty") }
            customIO = try CustomIO(source: MemorySource(bytes: bytes), name: path)
        }
        if let customIO { context = try customIO.openFormat(name: path) }
        guard let context else {
            throw FFmpegError(code: vtkc_averror(ENOMEM), operation: "open input", path: path)
        }
        do {
            if let customIO, !customIO.source.isSeekable { try customIO.checkIndexReachable(context, name: path) }
        } catch {
            var owned: UnsafeMutablePointer<AVFormatContext>? = context
            avformat_close_input(&owned)
            throw error
        }
        // A declared picture larger than any frame vtkc writes is refused before the demuxer
        // reads (and allocates) a first frame of that size.
        for index in 0..<Int(context.pointee.nb_streams) {
            guard let par = context.pointee.streams[index]?.pointee.codecpar,
                  par.pointee.codec_type == AVMEDIA_TYPE_VIDEO else { continue }
            let (width, height) = (Int(par.pointee.width), Int(par.pointee.height))
            if width > VideoLimits.frameSideRange.upperBound || height > VideoLimits.frameSideRange.upperBound {
                var owned: UnsafeMutablePointer<AVFormatContext>? = context
                avformat_close_input(&owned)
                throw VideoIOError.invalidArgument(path: path, detail: VideoLimits.frameSizeProblem(width: width, height: height))
            }
        }
        let status = probeStreams ? avformat_find_stream_info(context, nil) : 0
        if status < 0 {
            var owned: UnsafeMutablePointer<AVFormatContext>? = context
            avformat_close_input(&owned)
            throw FFmpegError(code: status, operation: "read stream info", path: path)
        }
        pointer = context
    }

    /// A second, independent context on the same input without stream probing (the frame
    /// counter's), or nil when the input can be read only once (a pipe).
    func reopen() throws -> InputContext? {
        if let customIO, !customIO.source.isSeekable { return nil }
        return try InputContext(input: input, probeStreams: false)
    }

    deinit {
        var owned: UnsafeMutablePointer<AVFormatContext>? = pointer
        avformat_close_input(&owned)
    }

    /// The stream at `index`.
    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> {
        pointer.pointee.streams[index]!
    }

    var streamCount: Int { Int(pointer.pointee.nb_streams) }
}

/// A codec context for one encoder or decoder.
final class CodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>

    init(codec: UnsafePointer<AVCodec>, path: String) throws {
        guard let context = avcodec_alloc_context3(codec) else {
            throw FFmpegError(code: vtkc_averror(ENOMEM), operation: "allocate codec", path: path)
        }
        pointer = context
    }

    deinit {
        var owned: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&owned)
    }
}

/// A reusable AVFrame.
final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    init(path: String) throws {
        guard let frame = av_frame_alloc() else {
            throw FFmpegError(code: vtkc_averror(ENOMEM), operation: "allocate frame", path: path)
        }
        pointer = frame
    }

    deinit {
        var owned: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&owned)
    }
}

/// A reusable AVPacket.
final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    init(path: String) throws {
        guard let packet = av_packet_alloc() else {
            throw FFmpegError(code: vtkc_averror(ENOMEM), operation: "allocate packet", path: path)
        }
        pointer = packet
    }

    deinit {
        var owned: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&owned)
    }
}

/// A scaler/colour converter, rebuilt only when its input geometry or format changes.
final class Scaler {
    private(set) var pointer: OpaquePointer?
    private var key: [Int32] = []

    /// Returns a context for the given conversion, reusing the current one when the geometry,
    /// formats, flags and `extra` (colour settings the caller applies) match; `isNew` says
    /// when the caller must apply those settings.
    func context(
        from srcW: Int32, _ srcH: Int32, _ srcFormat: AVPixelFormat,
        to dstW: Int32, _ dstH: Int32, _ dstFormat: AVPixelFormat, flags: Int32,
        extra: [Int32] = [], path: String
    ) throws -> (OpaquePointer, isNew: Bool) {
        let wanted = [srcW, srcH, srcFormat.rawValue, dstW, dstH, dstFormat.rawValue, flags] + extra
        if let pointer, wanted == key { return (pointer, false) }
        sws_freeContext(pointer)
        pointer = sws_getContext(srcW, srcH, srcFormat, dstW, dstH, dstFormat, flags, nil, nil, nil)
        key = wanted
        guard let pointer else {
            throw FFmpegError(code: vtkc_averror(EINVAL), operation:
                "set up pixel conversion \(srcW)x\(srcH) \(pixelFormatName(srcFormat))", path: path)
        }
        return (pointer, true)
    }

    deinit { sws_freeContext(pointer) }
}

/// FFmpeg's name of a pixel format, for messages.
func pixelFormatName(_ format: AVPixelFormat) -> String {
    guard let name = av_get_pix_fmt_name(format) else { return "format \(format.rawValue)" }
    return String(cString: name)
}

/// FFmpeg's name of a codec id, e.g. "h264".
func nameOfCodec(_ id: AVCodecID) -> String {
    String(cString: avcodec_get_name(id))
}
