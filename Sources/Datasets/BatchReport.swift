#if canImport(Glibc)
import Glibc
#endif
import Codec
import Foundation
import SafeInput
import SafeOutput

/// The JSON-lines file `--report` names: one `BatchResult` per line, keys sorted, committed
/// whole at the end of the batch through `OutputTarget`.
///
/// A batch's report belongs to the batch as its .vtk files do: a rerun (a resumed or repeated
/// batch) replaces the report an earlier run left, and the new one again lists every input of
/// the run (a finished one as "skipped"). Anything else at that path is refused before any
/// work unless `replaceAnything` (`-y`): a mistyped `--report` never overwrites a video, a
/// list or another program's file. An input or a .vtk output of the batch is refused even then.
struct BatchReport {
    private let target: OutputTarget
    private var lines: [UInt8] = []
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The keys every report line has; a file whose first line is an object with these is a report.
    static let keys = Set(BatchResult.CodingKeys.allCases.map(\.rawValue))
    /// How far into an existing file the check reads for its first line.
    static let firstLineLimit = 1 << 16

    /// Checks what `path` holds now: throws `CodecError.notABatchReport` before anything is
    /// written (that it is no input and no other output is the batch's `OutputPlan`'s check).
    /// Call it before the batch makes any folder; `init` then opens the report.
    static func check(path: String, replaceAnything: Bool) throws {
        if !replaceAnything, let reason = whyNotAReport(path) {
            throw CodecError.notABatchReport(path: path, reason: reason)
        }
    }

    /// Opens the report at a path `check` accepted (its folder must exist: it may be the output
    /// directory, made in between), removing the staging files a killed earlier batch left
    /// beside it, as the batch does beside each .vtk.
    init(path: String) throws {
        OutputTarget.removeStaleStaging(beside: path)
        target = try OutputTarget(path: path, overwrite: true)
    }

    /// Adds one input's line.
    mutating func append(_ result: BatchResult) {
        lines += (try? encoder.encode(result)).map { Array($0) + [0x0A] } ?? []
    }

    /// Puts the finished report in place.
    func commit() throws { try target.commit(Data(lines)) }

    /// Why the regular file at `path` is not a report an earlier batch wrote; nil when it is,
    /// when it is empty, or when there is no regular file there (devices and FIFOs are
    /// written, never read).
    static func whyNotAReport(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size > 0 else { return nil }
        guard let head = try? Data(InputFile.read(path, upTo: firstLineLimit)) else { return "it cannot be read" }
        guard let end = head.firstIndex(of: 0x0A) else {
            return head.count < firstLineLimit ? "its first line is not finished" : "its first line is longer than 64 KiB"
        }
        guard let object = try? JSONSerialization.jsonObject(with: head[..<end]) as? [String: Any] else {
            return "its first line is not a JSON object"
        }
        let missing = keys.subtracting(object.keys)
        return missing.isEmpty ? nil : "its first line has no \(missing.sorted().joined(separator: ", "))"
    }
}
