import ArgumentParser
import Foundation
import ViTok

/// `vtkc bench`: engine speed as ratios to plain sgemm on the model's own product shapes,
/// measured in the same run; optionally the agreement with a PyTorch reference.
/// scripts/bench.py engine runs this next to PyTorch on the same weights and clip.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure the ViTok engine: sgemm baseline, load, encode and decode speed.")

    @Option(help: "Weights (.safetensors file or shard directory); default: the installed model.")
    var model: String?

    @Option(help: """
        Safetensors file with 'clip' (N,T,H,W,3) and optionally 'latents' and \
        'reconstruction' from PyTorch, to report the max abs difference.
        """)
    var reference: String?

    @OptionGroup var precision: PrecisionOptions
    @OptionGroup var runtime: RuntimeOptions
    var threads: Int { runtime.threads }

    @Option(help: "Timed repetitions; the best is reported.")
    var repeats: Int = 3

    @Flag(help: "Print all numbers as one JSON object on stdout (the text report goes to stderr).")
    var json = false

    /// A line of the text report: stdout, or stderr when stdout carries the JSON.
    private func say(_ line: String) throws {
        if json { printError(line) } else { try printOutput(line) }
    }

    func validate() throws {
        guard repeats >= 1 else {
            throw ValidationError("--repeats must be at least 1")
        }
    }

    func run() throws {
        let settings = EngineSettings(model: model, modelOriginName: "--model", precision: precision.precision,
                                      attention: precision.attention, threads: threads)
        let report = try EngineBenchmark.run(settings, reference: reference.map { URL(fileURLWithPath: $0) },
                                             repeats: repeats)
        try printText(report)
        if json { try printJSON(Self.numbers(report)) }
    }

    /// The text report, line by line, through `say`.
    private func printText(_ r: EngineBenchmark.Report) throws {
        let int8 = r.precision == .int8
        try say("model \(r.modelName): tokens \(r.config.tokens), tubelet \(r.config.tubelet), "
              + "clip \(r.config.clip), threads \(r.threads), precision \(r.precision.rawValue)")
        let attention = r.attentionImplementation.map { "attention bf16 on oneDNN \($0)" }
            ?? "attention float32 on OpenBLAS sgemm"
        try say("kernels: \(attention); "
              + (int8 ? "block Linears on \(EngineBenchmark.int8Library): \(r.int8Implementations.joined(separator: ", "))"
                      : "block Linears float32 on OpenBLAS sgemm"))
        try say("OpenBLAS kernels: \(BLASCore.name)" + (BLASCore.selectedByVTKC ? " (chosen by vtkc over a fallback)" : "")
              + "; CPU: \(BLASCore.cpuFeatures.joined(separator: ", "))")
        try say(String(format: "load %.3f s (%d file(s))", r.loadSeconds, r.weightFileCount))
        for rate in r.shapeRates {
            try say(String(format: "sgemm %@ (%@): %.1f GFLOP/s", rate.shape, rate.product, rate.gflops))
        }
        try say(String(format: "sgemm on the model's linear shapes: %.1f GFLOP/s", r.sgemmGFLOPS))
        for (name, pass) in [("encode", r.encode), ("decode", r.decode)] {
            try say(String(format: "%@ %.3f s/clip  %.1f GFLOP  %.1f GFLOP/s;  sgemm floor %.3f s"
                         + " (%.1f GFLOP/s): %.2fx the floor (median of the rounds' ratios %.2fx)",
                         name, pass.seconds, pass.flop / 1e9, pass.flop / pass.seconds / 1e9, pass.floorSeconds,
                         pass.flop / pass.floorSeconds / 1e9, pass.ratioToFloor, pass.roundRatioMedian))
        }
        for (key, value) in [("latents_max_abs_diff", r.latentsMaxAbsDiff),
                             ("reconstruction_max_abs_diff", r.reconstructionMaxAbsDiff)] {
            if let value { try say(String(format: "%@ vs reference: %.3g", key, value)) }
        }
        try say(String(format: "peak RSS %.0f MiB", r.peakResidentMiB))
    }

    /// The --json object: every number under the key scripts/benchmarks/engine.py reads.
    static func numbers(_ r: EngineBenchmark.Report) -> [String: Double] {
        var numbers = ["load_s": r.loadSeconds, "sgemm_gflops": r.sgemmGFLOPS, "peak_rss_mib": r.peakResidentMiB]
        for (name, pass) in [("encode", r.encode), ("decode", r.decode)] {
            numbers["\(name)_s"] = pass.seconds
            numbers["\(name)_floor_s"] = pass.floorSeconds
            numbers["\(name)_flop"] = pass.flop
            numbers["\(name)_round_ratio_median"] = pass.roundRatioMedian
        }
        numbers["latents_max_abs_diff"] = r.latentsMaxAbsDiff
        numbers["reconstruction_max_abs_diff"] = r.reconstructionMaxAbsDiff
        return numbers
    }
}
