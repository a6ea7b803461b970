#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The one way vtkc writes to standard output and standard error. A closed pipe (EPIPE: the
/// reader went away, as with `| head -1` or `| true`) ends the command as a Unix filter ends:
/// the unfinished outputs are removed (`InterruptCleanup`) and the process exits with 141
/// (128 + SIGPIPE, what a shell reports for a filter killed by the signal), printing nothing
/// more. vtkc ignores SIGPIPE, so the write sees EPIPE instead of the process dying mid-output.
public enum StandardStreams {
    /// The exit status after a closed pipe.
    public static let brokenPipeStatus: Int32 = 128 + SIGPIPE

    /// Writes `bytes` to standard output. A closed pipe ends the process (see above); any
    /// other failure (a full disk behind a redirect) throws `OutputError.io`.
    public static func writeOutput(_ bytes: [UInt8]) throws {
        let code = write(bytes, to: STDOUT_FILENO)
        if code == EPIPE { InterruptCleanup.exitAfterCleanup(status: brokenPipeStatus) }
        if code != 0 { throw OutputError.system("standard output", "write", errno: code) }
    }

    /// Writes `text` to standard error. A closed pipe ends the process; other failures are
    /// ignored (there is nowhere left to report them).
    public static func writeError(_ text: String) {
        if write(Array(text.utf8), to: STDERR_FILENO) == EPIPE {
            InterruptCleanup.exitAfterCleanup(status: brokenPipeStatus)
        }
    }

    /// Writes all of `bytes` to `fd`; returns 0 or the errno that stopped it.
    private static func write(_ bytes: [UInt8], to fd: Int32) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }
}

extension StandardStreams {
    /// `text` safe to print on a terminal: control characters (C0, DEL, C1), line and
    /// paragraph separators and bidirectional overrides become `\u{XX}` escapes and a
    /// backslash becomes `\\`, so a value read from a file can neither send terminal escape
    /// sequences (retitling a window, moving the cursor) nor forge extra lines. For text
    /// output only; JSON has its own escaping.
    public static func printable(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let unsafe = v < 0x20 || (0x7F...0x9F).contains(v) || v == 0x2028 || v == 0x2029
                || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F
            if scalar == "\\" {
                out += "\\\\"
            } else if unsafe {
                out += "\\u{" + String(v, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
