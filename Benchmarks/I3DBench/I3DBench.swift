// I3D benchmark: the Kinetics-400 network's forward on one 16x224x224 clip, printed as a ratio
// against its sgemm floor (the same cblas_sgemm calls alone) measured in the same run.
// Built and run by `scripts/bench.py i3d` (release), which also times PyTorch on the same clip.
//
//     I3DBench [--runs 5] [--threads 2] [--weights PATH] [--clip Tests/MetricsTests/Fixtures/i3d_clips.u8]
import Foundation
import Installation
import Metrics

@main
struct I3DBench {
    static func main() throws {
        var options = ["--runs": "5", "--threads": "\(Cores.available)",
                       "--clip": "Tests/MetricsTests/Fixtures/i3d_clips.u8"]
        var arguments = CommandLine.arguments.dropFirst()
        while let name = arguments.popFirst() {
            guard ["--runs", "--threads", "--weights", "--clip"].contains(name), let value = arguments.popFirst() else {
                throw BenchError("usage: I3DBench [--runs N] [--threads N] [--weights PATH] [--clip PATH]")
            }
            options[name] = value
        }
        guard let runs = Int(options["--runs"]!), runs >= 1, let threads = Int(options["--threads"]!), threads >= 1 else {
            throw BenchError("--runs and --threads take whole numbers of at least 1")
        }
        let weights = try options["--weights"].map { URL(fileURLWithPath: $0) } ?? MetricWeights.i3dURL()
        let model = try I3D(weightsURL: weights)
        // The first clip of the fixture: 16 frames of 32 x 32 RGB24, resized to 224 x 224.
        let side = 32, frameBytes = 32 * 32 * 3
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: options["--clip"]!)))
        guard bytes.count >= I3D.frames * frameBytes else { throw BenchError("the clip file holds under 16 frames") }
        let frames = (0..<I3D.frames).map { Array(bytes[($0 * frameBytes)..<(($0 + 1) * frameBytes)]) }
        let clip = I3DPreprocess.clip(pixels: frames, width: side, height: side)

        let report = I3DBenchmark.run(model, clip: clip, runs: runs, threads: threads)
        let (best, floor) = (report.forwardSeconds.min()!, report.floorSeconds.min()!)
        print("I3D one 16x224x224 clip, \(threads) threads, \(runs) runs after one warm-up")
        print(String(format: "  sgemm floor (the forward's %d sgemm calls alone, %.1f GFLOP): best %.3f s, %.1f GFLOP/s",
                     report.products, report.flop / 1e9, floor, report.flop / floor / 1e9))
        print(String(format: "  I3D forward: best %.3f s, %.1f GFLOP/s", best, report.flop / best / 1e9))
        print(String(format: "  ratio I3D / sgemm floor: %.2f (median of the runs' ratios; best/best %.2f)",
                     report.roundRatioMedian, best / floor))
        print("swift_i3d_seconds \(report.forwardSeconds.map { String(format: "%.4f", $0) }.joined(separator: " "))")
    }
}

/// A bad command line or clip file, printed as the error.
struct BenchError: LocalizedError {
    let message: String
    init(_ message: String) { self.message = message }
    var errorDescription: String? { message }
}
