import Codec
import Foundation
import SafeOutput
import VideoIO
import VTKFormat

/// One input of a batch and the .vtk file it becomes.
public struct BatchItem: Sendable, Equatable {
    /// The input video's path.
    public var input: String
    /// The output's path: the output directory joined with `relativeOutput`.
    public var output: String
    /// The output's path relative to the output directory (what `--shard` hashes).
    public var relativeOutput: String
}

/// What became of one input of a batch (one line of `--report`).
public struct BatchResult: Sendable, Equatable, Encodable {
    public enum Status: String, Sendable, Encodable {
        /// Compressed now.
        case ok
        /// An existing output was complete (every CRC intact) and made with the same settings.
        case skipped
        /// The input could not be compressed; `error` says why. No output was written.
        case failed
    }

    public var path: String
    public var output: String
    public var status: Status
    public var error: String?
    /// The output's frames, groups and file bytes (null when failed).
    public var frames: Int?
    public var groups: Int?
    public var bytes: Int?
    /// Time spent on this input.
    public var seconds: Double

    enum CodingKeys: String, CodingKey, CaseIterable {
        case path, output, status, error, frames, groups, bytes, seconds
    }

    /// Every key is written, null when absent, so each report line has the same keys.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(output, forKey: .output)
        try c.encode(status, forKey: .status)
        try c.encode(error, forKey: .error)
        try c.encode(frames, forKey: .frames)
        try c.encode(groups, forKey: .groups)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(seconds, forKey: .seconds)
    }
}

/// Compresses many videos into a directory tree that mirrors their relative paths, one input
/// at a time with one loaded model. An input that fails is reported and the batch goes on; an
/// existing output that reads back whole with the same settings is kept (so a killed batch,
/// rerun, finishes only the rest); every output is written atomically through `OutputTarget`.
public final class BatchCompressor {
    public let compressor: Compressor
    /// Rewrite every output, also complete ones (`-y`).
    public var rewriteAll = false

    public init(compressor: Compressor) { self.compressor = compressor }

    /// The items for `entries` written under `directory`: each entry's relative path with its
    /// extension replaced by ".vtk", keeping only those in `shard`. Throws
    /// `CodecError.invalidOption` (before any work) when two inputs map to one output.
    public static func plan(_ entries: [CatalogEntry], outputDirectory directory: String,
                            shard: ShardPlan? = nil) throws -> [BatchItem] {
        var seen: [String: String] = [:]
        var items: [BatchItem] = []
        for entry in entries {
            let relative = entry.relativePath(withExtension: "vtk")
            if let other = seen[relative] {
                throw CodecError.invalidOption(
                    "\(other) and \(entry.path) would both be written to \(relative); rename one or "
                        + "compress them in separate runs")
            }
            seen[relative] = entry.path
            guard shard?.contains(relative) ?? true else { continue }
            let output = directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
            items.append(BatchItem(input: entry.path, output: output, relativeOutput: relative))
        }
        return items
    }

    /// The whole batch: plans `entries` under `outputDirectory` (made when missing), compresses
    /// each, writes one JSON line per input to the file `report` names (see `BatchReport`:
    /// an earlier report is replaced, any other file only with `rewriteAll`; committed at the
    /// end) and returns the results in order, calling `done` after each input. `otherInputs`
    /// (the `--list` file) are inputs no output may replace, as the videos are.
    public func run(_ entries: [CatalogEntry], outputDirectory: String, shard: ShardPlan? = nil,
                    report: String? = nil, otherInputs: [String] = [],
                    done: (BatchResult) -> Void = { _ in }) throws -> [BatchResult] {
        let items = try Self.plan(entries, outputDirectory: outputDirectory, shard: shard)
        // Every output (each .vtk, the report) against every input and each other, before any work.
        let outputs = OutputPlan(inputs: otherInputs + entries.map(\.path), overwrite: rewriteAll)
        for item in items { try outputs.reserve(item.output) }
        if let report {
            try outputs.reserve(report)
            try BatchReport.check(path: report, replaceAnything: rewriteAll)
        }
        try Self.makeDirectory(outputDirectory, for: "use it as the output directory")
        var report = try report.map { try BatchReport(path: $0) }
        let results = run(items) { result in
            report?.append(result)
            done(result)
        }
        try report?.commit()
        return results
    }

    /// Makes `path` and its parents, the one place batch output folders are made.
    static func makeDirectory(_ path: String, for operation: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw OutputError.io(path: path, operation: operation, reason: error.localizedDescription)
        }
    }

    /// Runs every item in order, calling `done` after each; returns the results in order.
    public func run(_ items: [BatchItem], done: (BatchResult) -> Void = { _ in }) -> [BatchResult] {
        items.map { item in
            let result = run(item)
            done(result)
            return result
        }
    }

    /// Compresses one item, or skips it when its output is already complete.
    public func run(_ item: BatchItem) -> BatchResult {
        let start = Date()
        var result = BatchResult(path: item.input, output: item.output, status: .failed, seconds: 0)
        do {
            if !rewriteAll, let header = completeOutput(item) {
                result.status = .skipped
                result.frames = header.frameCount
                result.groups = header.groupCount
                result.bytes = fileSize(item.output)
            } else {
                let summary = try compress(item)
                result.status = .ok
                result.frames = summary.frames
                result.groups = summary.groups
                result.bytes = summary.bytes
            }
        } catch {
            result.error = error.localizedDescription
        }
        result.seconds = Date().timeIntervalSince(start)
        return result
    }

    private func compress(_ item: BatchItem) throws -> RunSummary {
        // `run(_:outputDirectory:)` planned every output already; an item run alone gets the same check.
        try OutputPlan(inputs: [item.input], overwrite: true).reserve(item.output)
        try Self.makeDirectory(URL(fileURLWithPath: item.output).deletingLastPathComponent().path,
                               for: "create the directory")
        OutputTarget.removeStaleStaging(beside: item.output)
        let target = try OutputTarget(path: item.output, overwrite: true)
        return try compressor.compress(.file(URL(fileURLWithPath: item.input)), to: target)
    }

    /// The header of the existing output when it is a .vtk file whose every record reads back
    /// intact and that this compressor's settings made from an input of this name; else nil.
    func completeOutput(_ item: BatchItem) -> VTKHeader? {
        guard FileManager.default.fileExists(atPath: item.output),
              let reader = try? VTKReader(url: URL(fileURLWithPath: item.output)),
              compressor.madeWithSettings(reader.header),
              reader.header.metadata["source"] == URL(fileURLWithPath: item.input).lastPathComponent,
              (try? reader.verify()) != nil else { return nil }
        return reader.header
    }

    private func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }
}
