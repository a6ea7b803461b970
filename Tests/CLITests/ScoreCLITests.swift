import Foundation
import Testing
import VideoIO

/// Runs the built `vtkc` binary (next to the test bundle in the build products directory).
enum ScoreCLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static var binary: URL {
        var dir = Bundle.main.bundleURL
        if dir.pathExtension == "xctest" { dir = dir.deletingLastPathComponent() }
        for candidate in [dir, Bundle.main.bundleURL.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("vtkc")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return dir.appendingPathComponent("vtkc")
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A temporary directory with two different 8-frame 64x48 clips, a.mp4 and b.mp4.
    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vtkc-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, seed) in [("a.mp4", 0), ("b.mp4", 1)] {
            let writer = try VideoWriter(url: dir.appendingPathComponent(name), width: 64, height: 48,
                                         frameRate: Rational(num: 8, den: 1))
            for t in 0..<8 {
                let pixels = (0..<(64 * 48 * 3)).map { i in UInt8(truncatingIfNeeded: (i % 192) * (seed + 1) + t * 7 + (i / 192) * 3) }
                try writer.write(RGBFrame(width: 64, height: 48, pixels: pixels))
            }
            try writer.finish()
        }
        return dir
    }
}

@Suite struct ScoreCLITests {
    @Test func identicalVideosPrintInfAndOne() throws {
        let dir = try ScoreCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.mp4").path
        let result = try ScoreCLI.run(["score", a, a, "--metrics", "psnr,ssim", "--json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["psnr_pooled"] as? String == "inf")
        #expect(summary["ssim_mean"] as? Double == 1)
        #expect(summary["frames"] as? Int == 8)
    }

    @Test func tableCsvAndPlotAreWritten() throws {
        let dir = try ScoreCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("frames.csv"), svg = dir.appendingPathComponent("plot.svg")
        let arguments = ["score", dir.appendingPathComponent("a.mp4").path,
                         dir.appendingPathComponent("b.mp4").path, "--metrics", "psnr,ssim",
                         "--csv", csv.path, "--plot", svg.path]
        let result = try ScoreCLI.run(arguments)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2 && lines[0].hasPrefix("video") && lines[1].hasPrefix("b.mp4"))
        #expect(lines[0].contains("PSNR pooled") && lines[0].contains("SSIM"))
        let rows = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 9 && rows[0] == "video,frame,mse,psnr,ssim,lpips")
        let plot = try String(contentsOf: svg, encoding: .utf8)
        #expect(plot.hasPrefix("<svg") && plot.contains("<polyline") && plot.contains("SSIM"))

        // An existing report file is refused without -y (before any work) and replaced with it.
        try Data("keep".utf8).write(to: csv)
        let refused = try ScoreCLI.run(Array(arguments.dropLast(2)))
        #expect(refused.status == 1 && refused.stderr.contains("already exists"), "stderr: \(refused.stderr)")
        #expect(try String(contentsOf: csv, encoding: .utf8) == "keep")
        let replaced = try ScoreCLI.run(arguments + ["-y"])
        #expect(replaced.status == 0, "stderr: \(replaced.stderr)")
        #expect(try String(contentsOf: csv, encoding: .utf8).hasPrefix("video,frame"))
    }

    @Test func badInputsExitNonZeroWithOneLineErrors() throws {
        let dir = try ScoreCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.mp4").path
        let missing = try ScoreCLI.run(["score", a, dir.appendingPathComponent("none.mp4").path])
        #expect(missing.status == 1 && missing.stderr.contains("no such file"))
        let mixed = try ScoreCLI.run(["score", dir.path, a])
        #expect(mixed.status == 1 && mixed.stderr.contains("two files or two directories"))
        let notVideo = dir.appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: notVideo)
        let bad = try ScoreCLI.run(["score", notVideo.path, notVideo.path, "--metrics", "psnr"])
        #expect(bad.status == 1 && bad.stderr.contains("notes.txt"))
        let usage = try ScoreCLI.run(["score", a, a, "--metrics", "psnr,vmaf"])
        #expect(usage.status == 64 && usage.stderr.contains("vmaf"))
        let zero = try ScoreCLI.run(["score", a, a, "--frames", "0"])
        #expect(zero.status == 64)
    }

    @Test func missingWeightsStillScorePSNRAndSSIM() throws {
        let dir = try ScoreCLI.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.mp4").path, b = dir.appendingPathComponent("b.mp4").path
        let empty = ["VTKC_WEIGHTS_DIR": dir.path]
        let result = try ScoreCLI.run(["score", a, b], environment: empty)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("SSIM") && !result.stdout.contains("LPIPS"))
        #expect(result.stderr.contains("scripts/setup_weights.sh"))
        let explicit = try ScoreCLI.run(["score", a, b, "--metrics", "lpips"], environment: empty)
        #expect(explicit.status == 1 && explicit.stderr.contains("scripts/setup_weights.sh"))
    }

    @Test func helpExplainsEveryOption() throws {
        let result = try ScoreCLI.run(["score", "--help"])
        #expect(result.status == 0)
        for option in ["--metrics", "--json", "--csv", "--plot", "--frames", "--resize-to-ref", "--threads", "--quiet", "--per-frame"] {
            #expect(result.stdout.contains(option), "help lacks \(option)")
        }
    }
}
