#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why an input file cannot be read. One line, naming the file as the user gave it.
public struct InputFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    /// What is wrong, e.g. "is a FIFO, not a regular file".
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path) \(reason)" }
}

/// The one way vtkc opens a file it reads: only a regular file, checked on the open
/// descriptor (so a FIFO never blocks `open` and a file swapped in after a check is still
/// caught), never a directory, device, FIFO or socket.
public enum InputFile {
    /// Opens `path` read-only and returns its descriptor (close-on-exec, blocking reads).
    /// Throws `InputFileError` for anything that is not a regular file.
    public static func openRegular(_ path: String) throws(InputFileError) -> Int32 {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            let code = errno
            throw InputFileError(path: path, reason: code == EISDIR ? "is a directory, not a file"
                                    : "cannot open: \(String(cString: strerror(code)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw InputFileError(path: path, reason: "cannot be examined: \(String(cString: strerror(code)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw InputFileError(path: path, reason: "is \(kindName(info.st_mode)), not a regular file")
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return fd
    }

    /// Throws unless `path` is a regular file now (for inputs a library opens by name, such as
    /// FFmpeg's demuxers): the same check and message as `openRegular`.
    public static func checkRegular(_ path: String) throws(InputFileError) {
        let fd = try openRegular(path)
        close(fd)
    }

    /// The first `limit` bytes of the regular file `path` (all of it when shorter), read
    /// through `openRegular`.
    public static func read(_ path: String, upTo limit: Int) throws(InputFileError) -> [UInt8] {
        let fd = try openRegular(path)
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count < limit {
            let wanted = min(chunk.count, limit - bytes.count)
            let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, wanted) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else {
                throw InputFileError(path: path, reason: "cannot be read: \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            bytes += chunk[0..<got]
        }
        return bytes
    }

    /// "a directory", "a FIFO", ... for a `st_mode`.
    public static func kindName(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "a special file"
        }
    }
}
