import Foundation

/// Why an output cannot be written. Every message is one line and names the output as the
/// user gave it ("standard output" for `-`).
public enum OutputError: LocalizedError, Equatable, Sendable {
    /// A regular file exists and `-y` was not given (or one appeared while writing).
    case exists(path: String)
    /// The output names a directory.
    case isDirectory(path: String)
    /// The output is a kind of file vtkc never writes into (block device, socket).
    case unsupportedKind(path: String, kind: String)
    /// Binary output to standard output while it is a terminal.
    case terminal
    /// The output is one of the command's inputs (same file, or the same path).
    case sameAsInput(path: String, input: String)
    /// Two outputs of one command are the same file.
    case sameAsOutput(path: String, other: String)
    /// A system call failed while creating, writing or placing the output.
    case io(path: String, operation: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .exists(let path):
            return "\(path) already exists"
        case .isDirectory(let path):
            return "\(path) is a directory; name a file (or - for standard output)"
        case .unsupportedKind(let path, let kind):
            return "\(path) is a \(kind); vtkc writes regular files, character devices, FIFOs "
                + "or standard output (-)"
        case .terminal:
            return "standard output is a terminal; redirect it to a file or a pipe"
        case .sameAsInput(let path, let input):
            return path == input ? "the output \(path) is an input of this command; name another output"
                : "the output \(path) is the input \(input) (the same file); name another output"
        case .sameAsOutput(let path, let other):
            return path == other ? "\(path) is named for two outputs; name a different file for each"
                : "the outputs \(other) and \(path) are the same file; name a different file for each"
        case .io(let path, let operation, let reason):
            return "\(path): cannot \(operation): \(reason)"
        }
    }

    /// An `.io` error for the current `errno`.
    static func system(_ path: String, _ operation: String, errno code: Int32 = errno) -> OutputError {
        .io(path: path, operation: operation, reason: String(cString: strerror(code)))
    }
}
