import ArgumentParser
import Foundation
import Installation
import ViTok
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
    private func say(_ line: String) {
        if json { printError(line) } else { print(line) }
    }

    func validate() throws {
        guard repeats >= 1 else {
            throw ValidationError("--repeats must be at least 1")
        }
    }

    func run() throws {
        let settings = EngineSettings(model: model, modelOriginName: "--model", precision: precision.precision,
                                      attention: precision.attention, threads: threads)
        _ = try settings.modelURL()  // a missing model is an error before the clock starts
        var results: [String: Double] = [:]
        let loadStart = Date()
        let engine = try settings.loadModel()
        results["load_s"] = Date().timeIntervalSince(loadStart)
        let config = engine.config
        say("model \(engine.name): tokens \(config.tokens), tubelet \(config.tubelet), "
              + "clip \(config.clip), threads \(threads), precision \(engine.precision.rawValue)")
        let attention = engine.attentionImplementation.map { "attention bf16 on oneDNN \($0)" }
            ?? "attention float32 on OpenBLAS sgemm"
        say("kernels: \(attention); "
              + (engine.precision == .int8
                  ? "block Linears on \(EngineBenchmark.int8Library): \(engine.int8Implementations.joined(separator: ", "))"
                  : "block Linears float32 on OpenBLAS sgemm"))
        say("OpenBLAS kernels: \(BLASCore.name)" + (BLASCore.selectedByVTKC ? " (chosen by vtkc over a fallback)" : "")
              + "; CPU: \(BLASCore.cpuFeatures.joined(separator: ", "))")
        say(String(format: "load %.3f s (%d file(s))", results["load_s"]!, engine.weightFiles.count))

        let referenceData = try reference.map { try FloatTensorFile.readFloats(URL(fileURLWithPath: $0)) }
        let clip = referenceData?["clip"]?.values ?? syntheticClip(config)
        let count = clip.count / config.clipValues
        guard count >= 1, clip.count == count * config.clipValues else {
            throw ValidationError("reference 'clip' does not hold whole \(config.clip) clips")
        }
        // Each round times the engine right after the sgemm floor (the same products, sgemm
        // alone), so both see the same machine load; each time is the best over the rounds,
        // and each round's own engine/floor ratio is kept (their median is the robust figure
        // on a shared machine, where one lucky floor run skews the ratio of the bests).
        var latents: [Float] = []
        var pixels: [Float] = []
        var rates: [String: Double] = [:]
        var seconds = ["encode": Double.infinity, "decode": .infinity,
                       "encode_floor": .infinity, "decode_floor": .infinity]
        var roundRatios: [String: [Double]] = ["encode": [], "decode": []]
        func keepBest(_ key: String, _ value: Double) { seconds[key] = min(seconds[key]!, value) }
        for _ in 0..<repeats {
            for (key, rate) in sgemmRates(config) { rates[key] = max(rates[key] ?? 0, rate) }
            let encodeFloor = EngineBenchmark.sgemmFloorSeconds(config, decoder: false,
                                                                threads: threads) * Double(count)
            let encode = timed { latents = engine.encode(clip, count: count) }
            let decodeInput = referenceData?["latents"]?.values ?? latents
            let decodeFloor = EngineBenchmark.sgemmFloorSeconds(config, decoder: true,
                                                                threads: threads) * Double(count)
            let decode = timed { pixels = engine.decode(decodeInput, count: count) }
            for (key, value) in [("encode_floor", encodeFloor), ("encode", encode),
                                 ("decode_floor", decodeFloor), ("decode", decode)] {
                keepBest(key, value)
            }
            roundRatios["encode"]!.append(encode / encodeFloor)
            roundRatios["decode"]!.append(decode / decodeFloor)
        }
        for (name, ratios) in roundRatios {
            let sorted = ratios.sorted()
            results["\(name)_round_ratio_median"] = sorted.count % 2 == 1 ? sorted[sorted.count / 2]
                : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        results["sgemm_gflops"] = sgemmBaseline(config, rates: rates)
        for (name, decoder) in [("encode", false), ("decode", true)] {
            let flop = EngineBenchmark.flops(config, decoder: decoder)
            let (time, floor) = (seconds[name]! / Double(count), seconds[name + "_floor"]! / Double(count))
            results["\(name)_s"] = time
            results["\(name)_floor_s"] = floor
            results["\(name)_flop"] = flop
            say(String(format: "%@ %.3f s/clip  %.1f GFLOP  %.1f GFLOP/s;  sgemm floor %.3f s"
                         + " (%.1f GFLOP/s): %.2fx the floor (median of the rounds' ratios %.2fx)",
                         name, time, flop / 1e9, flop / time / 1e9, floor, flop / floor / 1e9,
                         time / floor, results["\(name)_round_ratio_median"]!))
        }
        if let referenceData {
            if let expected = referenceData["latents"]?.values {
                results["latents_max_abs_diff"] = maxAbsDifference(latents, expected)
            }
            if let expected = referenceData["reconstruction"]?.values {
                results["reconstruction_max_abs_diff"] = maxAbsDifference(pixels, expected)
            }
            for key in ["latents_max_abs_diff", "reconstruction_max_abs_diff"] {
                if let value = results[key] { say(String(format: "%@ vs reference: %.3g", key, value)) }
            }
        }
        results["peak_rss_mib"] = peakResidentMiB()
        say(String(format: "peak RSS %.0f MiB", results["peak_rss_mib"]!))
        if json { try printJSON(results) }
    }

    /// The model's distinct product shapes that occur more than once, as "m x n x k".
    private func shapes(_ config: ViTokConfig) -> [(key: String, product: EngineBenchmark.Product)] {
        var seen: Set<String> = []
        var list: [(key: String, product: EngineBenchmark.Product)] = []
        for product in EngineBenchmark.products(config, decoder: false)
            + EngineBenchmark.products(config, decoder: true) where product.count > 1 {
            let key = "\(product.m)x\(product.n)x\(product.k)"
            if seen.insert(key).inserted { list.append((key, product)) }
        }
        return list
    }

    /// One measurement of sgemm GFLOP/s on each shape.
    private func sgemmRates(_ config: ViTokConfig) -> [String: Double] {
        var rates: [String: Double] = [:]
        for (key, product) in shapes(config) {
            rates[key] = EngineBenchmark.sgemmGFLOPS(m: product.m, n: product.n, k: product.k,
                                                     threads: threads, repeats: 3)
        }
        return rates
    }

    /// Prints the per-shape rates and returns sgemm GFLOP/s over the model's linear products,
    /// weighted by their share of the work (attention products are shown, not counted).
    private func sgemmBaseline(_ config: ViTokConfig, rates: [String: Double]) -> Double {
        var totalFlops = 0.0, totalSeconds = 0.0
        let all = EngineBenchmark.products(config, decoder: false)
            + EngineBenchmark.products(config, decoder: true)
        for (key, product) in shapes(config) {
            let rate = rates[key]!
            say(String(format: "sgemm %@ (%@): %.1f GFLOP/s", key, product.name, rate))
            guard !product.name.contains("^T"), product.name != "p v" else { continue }
            for same in all where "\(same.m)x\(same.n)x\(same.k)" == key {
                totalFlops += same.flops
                totalSeconds += same.flops / (rate * 1e9)
            }
        }
        let rate = totalFlops / totalSeconds / 1e9
        say(String(format: "sgemm on the model's linear shapes: %.1f GFLOP/s", rate))
        return rate
    }

    private func timed(_ body: () -> Void) -> Double {
        let start = Date()
        body()
        return Date().timeIntervalSince(start)
    }

    private func syntheticClip(_ config: ViTokConfig) -> [Float] {
        (0..<config.clipValues).map { Float(sin(Double($0) * 0.001)) }
    }

    private func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count else { return .infinity }
        return Double(zip(a, b).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) })
    }

    /// Peak resident memory of this process. On Linux this is VmHWM of /proc/self/status:
    /// getrusage's ru_maxrss survives exec, so a child of a large process (the Python
    /// benchmark script with PyTorch loaded) would report its parent's peak.
    private func peakResidentMiB() -> Double {
        #if os(Linux)
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kib = line.split(separator: " ").compactMap { Double($0) }.first ?? .nan
            return kib / 1024
        }
        return .nan
        #else
        var usage = rusage()
        getrusage(RUSAGE_SELF, &usage)
        return Double(usage.ru_maxrss) / 1024 / 1024      // bytes on Darwin
        #endif
    }
}
