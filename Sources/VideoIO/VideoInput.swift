import Foundation

/// Where a `VideoReader` reads a video from.
public enum VideoInput: Sendable, Equatable {
    /// A file by path, opened by libavformat itself (what `VideoReader(url:)` reads).
    case file(URL)
    /// An open file descriptor, read through FFmpeg custom I/O and never closed by the reader.
    /// A regular file (for example standard input redirected from a file) is read with
    /// `pread` and stays seekable; a pipe, FIFO, socket or terminal is read once, front to
    /// back, so only streamable containers (MKV/WebM, MPEG-TS, NUT, Y4M, AVI, MP4 with its
    /// index first) can be read from it. `name` stands for it in every error.
    case fileDescriptor(Int32, name: String)
    /// The bytes of a whole file in memory (seekable), named `name` in every error.
    case memory([UInt8], name: String)

    /// Standard input, named "standard input" in errors.
    public static var standardInput: VideoInput { .fileDescriptor(STDIN_FILENO, name: "standard input") }

    /// The name errors use: the file's path, or the name given.
    public var name: String {
        switch self {
        case .file(let url): url.path
        case .fileDescriptor(_, let name), .memory(_, let name): name
        }
    }
}
