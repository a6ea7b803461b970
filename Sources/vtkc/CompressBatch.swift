import ArgumentParser
import Codec
import Datasets
import Foundation

extension Compress {
    /// Batch mode: every input into the directory -o names, one summary line each.
    func runBatch() throws {
        let start = Date()
        let entries = try InputCatalog.collect(arguments: inputs, listFile: list,
                                               extensions: InputCatalog.videoExtensions)
        guard !entries.isEmpty else {
            throw CodecError.noVideoFiles(inputs: inputs, extensions: Compress.videoExtensionList)
        }
        let plan = shard
        let batch = BatchCompressor(compressor: try makeCompressor())
        batch.rewriteAll = out.overwrite
        let results = try batch.run(entries, outputDirectory: out.output, shard: plan, report: report,
                                    otherInputs: list.map { [$0] } ?? []) { result in
            if result.status == .failed {
                printError("\(result.path): FAILED: \(result.error ?? "unknown error")")
            } else if !out.quiet {
                printError("\(result.path) -> \(result.output): \(result.status.rawValue), "
                    + "\(result.frames ?? 0) frames, \(result.groups ?? 0) groups, \(result.bytes ?? 0) bytes"
                    + String(format: " in %.1f s", result.seconds))
            }
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
