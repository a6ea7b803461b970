import CFFmpeg
import Foundation

/// A failed FFmpeg call: FFmpeg's own message for the return code, the code itself, what was
/// being done and the file it was done to. The description is one line a user can act on.
public struct FFmpegError: LocalizedError, Sendable, Equatable {
    /// The negative AVERROR code FFmpeg returned.
    public var code: Int32
    /// What was being done, e.g. "open input" or "decode video".
    public var operation: String
    /// The file involved (the final output name for writers, never a temporary name).
    public var path: String

    /// Wraps a failed return code.
    public init(code: Int32, operation: String, path: String) {
        self.code = code
        self.operation = operation
        self.path = path
    }

    /// FFmpeg's message for `code`, from av_strerror.
    public var message: String {
        var buffer = [CChar](repeating: 0, count: 256)
        if av_strerror(code, &buffer, buffer.count) < 0 {
            return "unknown FFmpeg error"
        }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    public var errorDescription: String? {
        let base = "\(path): \(operation) failed: \(message) (FFmpeg error \(code))"
        return hint.map { "\(base); \($0)" } ?? base
    }

    /// What the user can do about the commonest failures.
    var hint: String? {
        if code == vtkc_averror_invaliddata(), operation.hasPrefix("open input") || operation.hasPrefix("read") {
            return "it is not a video file FFmpeg recognises, or it is truncated or corrupt"
        }
        if code == vtkc_averror(EACCES) { return "check the file's permissions" }
        if code == vtkc_averror(ENOENT), operation.hasPrefix("create") { return "create the directory first" }
        return nil
    }
}

/// Errors about the content of a video file or the arguments given, not about a single
/// FFmpeg call. Each description is one line naming the file and the cause.
public enum VideoIOError: LocalizedError, Sendable, Equatable {
    /// The file opened but holds no video stream: an audio-only file, or one truncated or
    /// corrupt before its video stream is described.
    case noVideoStream(path: String, audioOnly: Bool)
    /// FFmpeg has no decoder for the video codec.
    case noDecoder(path: String, codec: String)
    /// FFmpeg has no encoder of this name (for example libx264 missing from the build).
    case noEncoder(path: String, codec: String)
    /// A frame given to the writer does not match the writer's size or pixel count.
    case frameMismatch(path: String, detail: String)
    /// An argument is outside its valid range.
    case invalidArgument(path: String, detail: String)
    /// The audio track cannot be stored in an MP4 file.
    case audioNotMP4Compatible(path: String, codec: String)
    /// The writer was used after finish() or after a failure.
    case writerClosed(path: String)
    /// A file system operation (rename, remove) failed.
    case fileSystem(path: String, detail: String)

    public var errorDescription: String? {
        switch self {
        case .noVideoStream(let path, let audioOnly):
            return audioOnly ? "\(path): no video stream, only audio; give a video file"
                : "\(path): no video stream found; the file is truncated, corrupt or not a video"
        case .noDecoder(let path, let codec):
            return "\(path): this FFmpeg build has no decoder for video codec '\(codec)'"
        case .noEncoder(let path, let codec):
            return "\(path): this FFmpeg build has no '\(codec)' encoder (install libavcodec with it)"
        case .frameMismatch(let path, let detail):
            return "\(path): frame does not fit the output: \(detail)"
        case .invalidArgument(let path, let detail):
            return "\(path): \(detail)"
        case .audioNotMP4Compatible(let path, let codec):
            return "\(path): audio codec '\(codec)' cannot be stored in MP4; drop or re-encode the audio"
        case .writerClosed(let path):
            return "\(path): the writer is already finished or failed; create a new one"
        case .fileSystem(let path, let detail):
            return "\(path): \(detail)"
        }
    }
}

/// Throws an `FFmpegError` when `code` is negative; returns it otherwise.
@discardableResult
func check(_ code: Int32, _ operation: String, _ path: String) throws -> Int32 {
    if code < 0 { throw FFmpegError(code: code, operation: operation, path: path) }
    return code
}
