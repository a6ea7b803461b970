import ArgumentParser
import Codec
import Foundation
import SafeOutput

extension Compress {
    /// Batch mode: every input into the directory -o names, one summary line each.
    func runBatch() throws {
        let start = Date()
        let entries = try InputCatalog.collect(arguments: inputs, listFile: list,
                                               extensions: InputCatalog.videoExtensions)
        guard !entries.isEmpty else {
            throw CodecError.noVideoFiles(inputs: inputs, extensions: Compress.videoExtensionList)
        }
        let plan = try shard.map { try ShardPlan(parsing: $0) }
        let items = try BatchCompressor.plan(entries, outputDirectory: out.output, shard: plan)
        do { try FileManager.default.createDirectory(atPath: out.output, withIntermediateDirectories: true) } catch {
            throw OutputError.io(path: out.output, operation: "use it as the output directory",
                                 reason: error.localizedDescription)
        }
        let reportTarget = try report.map { try OutputTarget(path: $0, overwrite: true) }
        let batch = BatchCompressor(compressor: try makeCompressor())
        batch.rewriteAll = out.overwrite
        var lines: [UInt8] = []
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let results = batch.run(items) { result in
            lines += (try? encoder.encode(result)).map { Array($0) + [0x0A] } ?? []
            if result.status == .failed {
                printError("\(result.path): FAILED: \(result.error ?? "unknown error")")
            } else if !out.quiet {
                printError("\(result.path) -> \(result.output): \(result.status.rawValue), "
                    + "\(result.frames ?? 0) frames, \(result.groups ?? 0) groups, \(result.bytes ?? 0) bytes"
                    + String(format: " in %.1f s", result.seconds))
            }
        }
        if let reportTarget {
            try Data(lines).write(to: URL(fileURLWithPath: reportTarget.stagingPath))
            try reportTarget.commit()
        }
        let failed = results.filter { $0.status == .failed }.count
        if !out.quiet {
            let count = { (status: BatchResult.Status) in results.filter { $0.status == status }.count }
            printError("batch\(plan.map { " shard \($0)" } ?? ""): \(results.count) inputs (ok \(count(.ok)), "
                + "skipped \(count(.skipped)), failed \(failed))" + String(format: " in %.1f s", Date().timeIntervalSince(start)))
        }
        if failed > 0 {
            printError("vtkc: \(failed) of \(results.count) inputs failed")
            throw ExitCode(1)
        }
    }
}
