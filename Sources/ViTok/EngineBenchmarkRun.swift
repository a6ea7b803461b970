import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The measurement behind `vtkc bench`: load time, then rounds that each time the sgemm floor
/// (the model's own products, sgemm alone) right before the engine, so both see the same
/// machine load.
extension EngineBenchmark {
    /// sgemm's speed on one of the model's product shapes that occurs more than once.
    public struct ShapeRate: Sendable, Equatable {
        /// The shape as "m x n x k" without spaces, e.g. "1024x2304x768".
        public var shape: String
        /// The first product of that shape, e.g. "qkv" or "q k^T".
        public var product: String
        /// Best GFLOP/s over the rounds.
        public var gflops: Double
    }

    /// Encoding or decoding, per clip.
    public struct Pass: Sendable, Equatable {
        /// The engine's best time over the rounds.
        public var seconds: Double
        /// The sgemm floor's best time over the rounds.
        public var floorSeconds: Double
        /// Floating-point operations (2 x multiply-adds).
        public var flop: Double
        /// The median over the rounds of each round's engine time over its floor: the robust
        /// figure on a shared machine, where one lucky floor run skews the ratio of the bests.
        public var roundRatioMedian: Double

        /// The ratio of the best times.
        public var ratioToFloor: Double { seconds / floorSeconds }
    }

    /// Everything one `run` measured.
    public struct Report: Sendable {
        public var modelName: String
        public var config: ViTokConfig
        public var precision: EnginePrecision
        public var threads: Int
        /// The oneDNN implementations of the int8 products (empty at float32).
        public var int8Implementations: [String]
        /// The oneDNN implementation of bf16 attention; nil when attention is float32.
        public var attentionImplementation: String?
        public var weightFileCount: Int
        public var loadSeconds: Double
        /// sgemm on each repeated product shape, in the order the products are listed.
        public var shapeRates: [ShapeRate]
        /// sgemm GFLOP/s over the model's linear products, each shape weighted by its share
        /// of the work (attention products are in `shapeRates`, not counted here).
        public var sgemmGFLOPS: Double
        public var encode: Pass
        public var decode: Pass
        /// Max |engine - reference| of the latents and of the reconstruction, when the
        /// reference file holds them.
        public var latentsMaxAbsDiff: Double?
        public var reconstructionMaxAbsDiff: Double?
        /// Peak resident memory of this process, MiB.
        public var peakResidentMiB: Double
    }

    /// Loads `settings`' model (timed) and runs `repeats` rounds of floor + engine on the
    /// `reference` file's 'clip' (N x T x H x W x 3; a synthetic clip without one), decoding
    /// its 'latents' when present and comparing with them and its 'reconstruction'. Throws
    /// before the clock starts when the model is missing, and a `ViTokError` when the
    /// reference cannot be read or its tensors do not fit the model.
    public static func run(_ settings: EngineSettings, reference: URL? = nil, repeats: Int = 3) throws -> Report {
        _ = try settings.modelURL()
        let loadStart = Date()
        let engine = try settings.loadModel()
        let loadSeconds = Date().timeIntervalSince(loadStart)
        let config = engine.config
        let referenceData = try reference.map { try FloatTensorFile.readFloats($0) }
        let clip = referenceData?["clip"]?.values ?? syntheticClip(config)
        let count = clip.count / config.clipValues
        guard count >= 1, clip.count == count * config.clipValues else {
            throw ViTokError(.shapeMismatch, file: reference, tensor: "clip",
                             "does not hold whole \(config.clip) clips")
        }
        let referenceLatents = referenceData?["latents"]?.values
        if let referenceLatents, referenceLatents.count != count * config.latentValues {
            throw ViTokError(.shapeMismatch, file: reference, tensor: "latents",
                             "does not hold the latents of \(count) clip(s)")
        }
        let threads = settings.threads
        let shapes = repeatedShapes(config)
        var rates = [Double](repeating: 0, count: shapes.count)
        var best = (encode: Double.infinity, decode: Double.infinity,
                    encodeFloor: Double.infinity, decodeFloor: Double.infinity)
        var ratios: (encode: [Double], decode: [Double]) = ([], [])
        var latents: [Float] = [], pixels: [Float] = []
        for _ in 0..<max(1, repeats) {
            for (i, product) in shapes.enumerated() {
                rates[i] = max(rates[i], sgemmGFLOPS(m: product.m, n: product.n, k: product.k,
                                                     threads: threads, repeats: 3))
            }
            let encodeFloor = sgemmFloorSeconds(config, decoder: false, threads: threads) * Double(count)
            let encode = timed { latents = engine.encode(clip, count: count) }
            let decodeFloor = sgemmFloorSeconds(config, decoder: true, threads: threads) * Double(count)
            let decode = timed { pixels = engine.decode(referenceLatents ?? latents, count: count) }
            best = (min(best.encode, encode), min(best.decode, decode),
                    min(best.encodeFloor, encodeFloor), min(best.decodeFloor, decodeFloor))
            ratios.encode.append(encode / encodeFloor)
            ratios.decode.append(decode / decodeFloor)
        }
        func pass(_ seconds: Double, _ floor: Double, _ ratios: [Double], decoder: Bool) -> Pass {
            Pass(seconds: seconds / Double(count), floorSeconds: floor / Double(count),
                 flop: flops(config, decoder: decoder), roundRatioMedian: median(ratios))
        }
        let shapeRates = zip(shapes, rates).map { ShapeRate(shape: $0.0.shape, product: $0.0.name, gflops: $0.1) }
        return Report(
            modelName: engine.name, config: config, precision: engine.precision, threads: threads,
            int8Implementations: engine.precision == .int8 ? engine.int8Implementations : [],
            attentionImplementation: engine.attentionImplementation,
            weightFileCount: engine.weightFiles.count, loadSeconds: loadSeconds, shapeRates: shapeRates,
            sgemmGFLOPS: weightedRate(config, shapeRates),
            encode: pass(best.encode, best.encodeFloor, ratios.encode, decoder: false),
            decode: pass(best.decode, best.decodeFloor, ratios.decode, decoder: true),
            latentsMaxAbsDiff: referenceLatents.map { maxAbsDifference(latents, $0) },
            reconstructionMaxAbsDiff: referenceData?["reconstruction"].map { maxAbsDifference(pixels, $0.values) },
            peakResidentMiB: peakResidentMiB())
    }

    /// The model's distinct product shapes that occur more than once, first product of each.
    private static func repeatedShapes(_ config: ViTokConfig) -> [Product] {
        var seen: Set<String> = []
        return (products(config, decoder: false) + products(config, decoder: true))
            .filter { $0.count > 1 && seen.insert($0.shape).inserted }
    }

    /// sgemm GFLOP/s over the linear products of encoding and decoding, from the rates of
    /// their shapes (products of a shape not in `rates` do not count).
    private static func weightedRate(_ config: ViTokConfig, _ rates: [ShapeRate]) -> Double {
        var totalFlops = 0.0, totalSeconds = 0.0
        let all = products(config, decoder: false) + products(config, decoder: true)
        for rate in rates where !rate.product.contains("^T") && rate.product != "p v" {
            for product in all where product.shape == rate.shape {
                totalFlops += product.flops
                totalSeconds += product.flops / (rate.gflops * 1e9)
            }
        }
        return totalFlops / totalSeconds / 1e9
    }

    private static func timed(_ body: () -> Void) -> Double {
        let start = Date()
        body()
        return Date().timeIntervalSince(start)
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    private static func syntheticClip(_ config: ViTokConfig) -> [Float] {
        (0..<config.clipValues).map { Float(sin(Double($0) * 0.001)) }
    }

    private static func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Double {
        guard a.count == b.count else { return .infinity }
        return Double(zip(a, b).reduce(Float(0)) { max($0, abs($1.0 - $1.1)) })
    }

    /// Peak resident memory of this process. On Linux this is VmHWM of /proc/self/status:
    /// getrusage's ru_maxrss survives exec, so a child of a large process (the Python
    /// benchmark script with PyTorch loaded) would report its parent's peak.
    private static func peakResidentMiB() -> Double {
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
