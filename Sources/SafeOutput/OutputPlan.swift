#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Every file one command will write, checked once, before any work, against every input
/// and every other output: the one place the rule lives.
///
/// - An output may not be an input: the same file by device and inode (through symbolic and
///   hard links) or, for a name that does not exist yet, the same path once its folder's
///   links are resolved. `-y` never changes this.
/// - Two outputs may not be one file (a character device such as /dev/null excepted: it
///   takes any number of writers), nor may two name standard output.
/// - Otherwise `-y` (`overwrite`) means one thing for every output: an existing regular
///   file is replaced. Without it an existing regular file is refused.
/// Refusals are `OutputError`s: runtime errors (exit 1), like any other bad path.
public final class OutputPlan {
    private struct Entry {
        let canonical: String
        let identity: FileIdentity?
        let isDevice: Bool
    }

    public let overwrite: Bool
    /// The inputs and the outputs so far, by resolved path and by file identity (dictionaries:
    /// a batch plans thousands of outputs).
    private var inputPaths: [String: String] = [:]
    private var inputFiles: [FileIdentity: String] = [:]
    private var outputPaths: [String: String] = [:]
    private var outputFiles: [FileIdentity: String] = [:]
    private var standardOutput = false

    /// A plan for a command reading `inputs` (files; "-" and names that do not exist are
    /// ignored) and replacing existing outputs when `overwrite`.
    public init(inputs: [String], overwrite: Bool) {
        self.overwrite = overwrite
        for input in inputs where input != "-" {
            let entry = Self.entry(input)
            inputPaths[entry.canonical] = inputPaths[entry.canonical] ?? input
            if let identity = entry.identity { inputFiles[identity] = inputFiles[identity] ?? input }
        }
    }

    /// Checks `path` against the inputs and the outputs planned so far, adds it, and returns
    /// its target (see `OutputTarget`: staged, committed whole).
    public func target(_ path: String) throws -> OutputTarget {
        try reserve(path)
        return try OutputTarget(path: path, overwrite: overwrite)
    }

    /// Checks and adds `path` without creating a target (for outputs made later, such as the
    /// .vtk files of a batch).
    public func reserve(_ path: String) throws {
        if path == "-" {
            guard !standardOutput else {
                throw OutputError.sameAsOutput(path: "standard output", other: "standard output")
            }
            standardOutput = true
            return
        }
        let entry = Self.entry(path)
        if let input = entry.identity.flatMap({ inputFiles[$0] }) ?? inputPaths[entry.canonical] {
            throw OutputError.sameAsInput(path: path, input: input)
        }
        guard !entry.isDevice else { return }
        if let other = entry.identity.flatMap({ outputFiles[$0] }) ?? outputPaths[entry.canonical] {
            throw OutputError.sameAsOutput(path: path, other: other)
        }
        outputPaths[entry.canonical] = path
        if let identity = entry.identity { outputFiles[identity] = path }
    }

    private static func entry(_ path: String) -> Entry {
        var info = stat()
        let exists = stat(path, &info) == 0
        return Entry(canonical: canonicalPath(path),
                     identity: exists ? FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)) : nil,
                     isDevice: exists && info.st_mode & S_IFMT == S_IFCHR)
    }

    /// The absolute path with every symbolic link resolved; for a name that does not exist
    /// yet, its folder's resolved path and the name.
    static func canonicalPath(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let folder = url.deletingLastPathComponent().path
        guard let resolved = realpath(folder, nil) else { return url.path }
        defer { free(resolved) }
        let base = String(cString: resolved)
        return (base == "/" ? "" : base) + "/" + url.lastPathComponent
    }
}

/// A file's device and inode: what makes two paths one file.
struct FileIdentity: Hashable {
    let device: UInt64
    let inode: UInt64
}
