#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Where a command's output goes, and the one place that decides how it gets there.
///
/// Writers never write the destination directly: they write `stagingPath`, and `commit()`
/// puts the finished bytes in place. Until then nothing at the destination changes, and an
/// error, a dropped target or an interrupt (see `InterruptCleanup`) leaves no partial output.
/// - A regular file (or a new name) is staged beside it under a hidden name and renamed into
///   place; without `overwrite` an existing file is refused, also one that appears while the
///   work runs. A symbolic link to a regular file is kept: its target is replaced.
/// - A character device (`/dev/null`) or a FIFO is written in place, never renamed over or
///   replaced; `overwrite` is not needed, as nothing is replaced.
/// - `-` is standard output (refused while it is a terminal).
/// Streams are staged in the temporary directory and copied out whole on `commit()`, so the
/// reader of a pipe gets a complete file or nothing, and formats that patch their header or
/// move their index at the end (.vtk, MP4) work on pipes.
public final class OutputTarget {
    /// What the destination is.
    public enum Kind: Sendable, Equatable {
        case regularFile, characterDevice, fifo, standardOutput

        /// Whether the destination is written in place by copying the staged bytes.
        public var isStream: Bool { self != .regularFile }
    }

    /// The destination as the user named it ("-" for standard output).
    public let path: String
    public let kind: Kind
    /// The file that writers write; it exists (empty) from `init` until commit or discard.
    public let stagingPath: String
    /// Bytes placed by `commit()` (0 before).
    public private(set) var committedBytes = 0
    private let overwrite: Bool
    /// The regular file a commit replaces (the target of a symbolic link, or `path`).
    private let finalPath: String
    private var open = true

    /// The destination's name in messages.
    public var displayName: String { kind == .standardOutput ? "standard output" : path }

    /// Classifies `path` and creates the staging file. Throws `OutputError` for a directory,
    /// a block device or socket, an existing regular file without `overwrite`, standard
    /// output on a terminal, or a staging file that cannot be created (e.g. no such directory).
    public init(path: String, overwrite: Bool) throws {
        self.path = path
        self.overwrite = overwrite
        var mode: mode_t = 0o666
        if path == "-" {
            guard isatty(STDOUT_FILENO) == 0 else { throw OutputError.terminal }
            kind = .standardOutput
            finalPath = path
        } else {
            var info = stat()
            if stat(path, &info) == 0 {
                switch info.st_mode & S_IFMT {
                case S_IFREG:
                    guard overwrite else { throw OutputError.exists(path: path) }
                    kind = .regularFile
                    mode = info.st_mode & 0o7777
                case S_IFDIR: throw OutputError.isDirectory(path: path)
                case S_IFCHR: kind = .characterDevice
                case S_IFIFO: kind = .fifo
                case S_IFBLK: throw OutputError.unsupportedKind(path: path, kind: "block device")
                default: throw OutputError.unsupportedKind(path: path, kind: "socket or special file")
                }
            } else if errno == ENOENT {
                kind = .regularFile
            } else {
                throw OutputError.system(path, "examine the output")
            }
            finalPath = kind == .regularFile ? Self.resolvingLink(path) : path
        }
        stagingPath = kind.isStream ? Self.streamStagingPath() : Self.stagingPath(beside: finalPath)
        let fd = systemOpen(stagingPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw OutputError.system(path, "create a file in \((stagingPath as NSString).deletingLastPathComponent)")
        }
        if mode != 0o666 { fchmod(fd, mode) }
        close(fd)
        InterruptCleanup.register(stagingPath)
    }

    deinit { discard() }

    /// Puts the staged bytes at the destination and removes the staging file. On an error the
    /// destination is unchanged (regular files) or may hold a prefix the device or pipe
    /// already took (streams: the message says so), and the staging file is gone.
    public func commit() throws {
        precondition(open, "commit of a finished OutputTarget")
        defer { discard() }
        var info = stat()
        guard stat(stagingPath, &info) == 0 else { throw OutputError.system(path, "find the finished output") }
        committedBytes = Int(info.st_size)
        if kind.isStream {
            try copyStagedBytes()
        } else {
            try placeRegularFile()
        }
    }

    /// Stages `bytes` and commits them: the one way to write an output held whole in memory
    /// (reports, tables, plots).
    public func commit(_ bytes: Data) throws {
        do { try bytes.write(to: URL(fileURLWithPath: stagingPath)) } catch {
            discard()
            throw OutputError.io(path: path, operation: "write", reason: error.localizedDescription)
        }
        try commit()
    }

    /// Removes the staging file (nothing happens at the destination). Safe to call twice.
    public func discard() {
        guard open else { return }
        open = false
        unlink(stagingPath)
        InterruptCleanup.unregister(stagingPath)
    }

    private func placeRegularFile() throws {
        var info = stat()
        if stat(finalPath, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            throw OutputError.unsupportedKind(path: path, kind: "file that is no longer a regular file")
        }
        if overwrite {
            guard rename(stagingPath, finalPath) == 0 else { throw OutputError.system(path, "move the finished file into place") }
            return
        }
        // link() fails if the name exists: no file that appeared meanwhile is replaced.
        if link(stagingPath, finalPath) == 0 { return }
        let code = errno
        if code == EEXIST { throw OutputError.exists(path: path) }
        guard code == EPERM || code == ENOTSUP || code == EOPNOTSUPP || code == EMLINK else {
            throw OutputError.system(path, "move the finished file into place", errno: code)
        }
        // File systems without hard links: check, then rename (a small window, as before).
        guard access(finalPath, F_OK) != 0 else { throw OutputError.exists(path: path) }
        guard rename(stagingPath, finalPath) == 0 else { throw OutputError.system(path, "move the finished file into place") }
    }

    private func copyStagedBytes() throws {
        let source = systemOpen(stagingPath, O_RDONLY | O_CLOEXEC, 0)
        guard source >= 0 else { throw OutputError.system(path, "read the finished output") }
        defer { close(source) }
        let destination = kind == .standardOutput ? STDOUT_FILENO
            : systemOpen(path, O_WRONLY | O_CLOEXEC, 0)
        guard destination >= 0 else { throw OutputError.system(path, "open for writing") }
        defer { if destination != STDOUT_FILENO { close(destination) } }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var copied = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw OutputError.system(path, "read the finished output") }
            if count == 0 { return }
            var offset = 0
            while offset < count {
                let written = buffer.withUnsafeBytes { write(destination, $0.baseAddress! + offset, count - offset) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else {
                    let detail = copied + offset > 0 ? " after \(copied + offset) bytes" : ""
                    throw OutputError.system(displayName, "write\(detail)")
                }
                offset += written
            }
            copied += count
        }
    }

    /// Removes staging files that an earlier process killed without cleanup (SIGKILL, power
    /// loss) left beside the regular file `path`: hidden `.NAME.PID-N.partial` files whose
    /// process no longer runs on this machine. Returns how many were removed.
    @discardableResult
    public static func removeStaleStaging(beside path: String) -> Int {
        let url = URL(fileURLWithPath: resolvingLink(path))
        let directory = url.deletingLastPathComponent().path
        let prefix = ".\(url.lastPathComponent)."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return 0 }
        var removed = 0
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(stagingSuffix) {
            let middle = name.dropFirst(prefix.count).dropLast(stagingSuffix.count)
            let parts = middle.split(separator: "-")
            guard parts.count == 2, let pid = Int32(parts[0]), UInt32(parts[1]) != nil, pid > 0,
                  pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            if unlink(directory + "/" + name) == 0 { removed += 1 }
        }
        return removed
    }

    /// The file a symbolic link finally points to, or `path` when it is not a link.
    private static func resolvingLink(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return path }
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    /// Staging names end in this; beside a regular file they are `.NAME.PID-N.partial`, the
    /// form `removeStaleStaging` parses.
    private static let stagingSuffix = ".partial"

    private static func stagingPath(beside path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = ".\(url.lastPathComponent).\(getpid())-\(UInt32.random(in: 0...UInt32.max))\(stagingSuffix)"
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    private static func streamStagingPath() -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("vtkc-\(getpid())-\(UInt32.random(in: 0...UInt32.max))\(stagingSuffix)").path
    }
}

/// `open(2)` with an explicit mode.
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    Glibc.open(path, flags, mode)
}
