import Codec
import Foundation
import SafeInput

/// One input of a batch: where it is and the relative path its outputs are named after.
public struct CatalogEntry: Sendable, Equatable {
    /// The input's path: as given, or the directory argument joined with the path found under it.
    public var path: String
    /// The path outputs mirror: for a file found under a directory argument, its path relative
    /// to that directory; for a plain file argument, its file name; for a `--list` entry, the
    /// entry itself when it is relative without ".." components, else its file name.
    public var relativePath: String

    public init(path: String, relativePath: String) {
        self.path = path
        self.relativePath = relativePath
    }

    /// `relativePath` with its extension (if any) replaced by `newExtension`, e.g. "a/b.mp4"
    /// -> "a/b.vtk".
    public func relativePath(withExtension newExtension: String) -> String {
        InputCatalog.strippingExtension(relativePath) + "." + newExtension
    }
}

/// The inputs of a batch command: file and directory arguments and `--list` files, in one
/// deterministic order (relative paths in byte order).
public enum InputCatalog {
    /// The file extensions a directory walk takes as videos (compared case-insensitively).
    public static let videoExtensions: Set<String> = [
        "mp4", "m4v", "mov", "mkv", "webm", "avi", "mpg", "mpeg", "ts", "mts", "m2ts", "flv",
        "wmv", "y4m", "nut", "ogv", "3gp",
    ]
    /// The extension a directory walk takes for .vtk files.
    public static let vtkExtensions: Set<String> = ["vtk"]

    /// The entries for `arguments` (files, or directories walked recursively for files whose
    /// extension is in `extensions`; symbolic links to files are taken, links to directories
    /// are not followed) and the lines of `listFile` (one path per line, resolved against the
    /// current directory; blank lines skipped). Sorted by relative path, byte order. A path
    /// that is not a directory is taken as a file, so a missing one fails when it is read.
    /// Throws `CodecError.invalidOption` for an unreadable list or directory.
    public static func collect(arguments: [String], listFile: String? = nil,
                               extensions: Set<String>) throws -> [CatalogEntry] {
        var entries: [CatalogEntry] = []
        for argument in arguments {
            if isDirectory(argument) {
                entries += try walk(argument, extensions: extensions)
            } else {
                entries.append(CatalogEntry(path: argument, relativePath: fileName(argument)))
            }
        }
        if let listFile { entries += try listEntries(listFile) }
        return entries.sorted { $0.relativePath.utf8.lexicographicallyPrecedes($1.relativePath.utf8) }
    }

    /// The entries of a list file.
    /// The largest list file read.
    static let listLimit = 1 << 30

    static func listEntries(_ listFile: String) throws -> [CatalogEntry] {
        let bytes: [UInt8]
        do { bytes = try InputFile.read(listFile, upTo: listLimit + 1) } catch {
            throw CodecError.invalidOption("list file \(error.description)")
        }
        guard bytes.count <= listLimit else {
            throw CodecError.invalidOption("list file \(listFile) is larger than 1 GiB")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw CodecError.invalidOption("list file \(listFile): cannot read it as a UTF-8 text file")
        }
        // "\r\n" is one Character in Swift: split on both line ends.
        return text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).compactMap { raw in
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            guard !line.allSatisfy(\.isWhitespace) else { return nil }
            return CatalogEntry(path: line, relativePath: listRelativePath(line))
        }
    }

    /// A list entry's relative path: the entry without "." and empty components when it is
    /// relative and has no ".." component, else its file name.
    static func listRelativePath(_ entry: String) -> String {
        let components = entry.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        guard !entry.hasPrefix("/"), !components.contains(".."), !components.isEmpty else {
            return fileName(entry)
        }
        return components.joined(separator: "/")
    }

    /// Every file under `root` with one of `extensions`, relative to `root`.
    static func walk(_ root: String, extensions: Set<String>) throws -> [CatalogEntry] {
        var found: [CatalogEntry] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let directory = relative.isEmpty ? root : join(root, relative)
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
                throw CodecError.invalidOption("\(directory): cannot list the directory (\(error.localizedDescription))")
            }
            for name in names {
                let child = relative.isEmpty ? name : relative + "/" + name
                let path = join(root, child)
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                if info.st_mode & S_IFMT == S_IFDIR {
                    pending.append(child)
                } else if extensions.contains((name as NSString).pathExtension.lowercased()),
                          stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG {
                    found.append(CatalogEntry(path: path, relativePath: child))
                }
            }
        }
        return found
    }

    /// `path` without its last extension ("a/b.mp4" -> "a/b"; "a/b" and "a/.hidden" unchanged).
    static func strippingExtension(_ path: String) -> String {
        let name = fileName(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return path }
        let suffix = name.distance(from: dot, to: name.endIndex)
        return String(path.dropLast(suffix))
    }

    private static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    private static func join(_ directory: String, _ relative: String) -> String {
        directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }
}
