import Foundation
import VideoIO
import XCTest

/// Runs the built `vtkc` binary and prepares inputs for the compress/expand/info/latents tests.
enum CodecCLI {
    /// The repository root, from this file's path.
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The engine's tiny golden model (clips of 16 x 32 x 32, 64 x 16 latents): real ViTok
    /// code at a size that keeps debug-build tests fast.
    static let tinyModel = repo.appendingPathComponent("Tests/ViTokTests/Fixtures/golden/tiny-int8")

    /// The `vtkc` executable next to the test bundle.
    static var binary: URL {
        // macOS: the .xctest bundle sits in the products directory; Linux: it is that directory.
        var products = Bundle(for: Marker.self).bundleURL
        if products.pathExtension == "xctest" { products.deleteLastPathComponent() }
        return products.appendingPathComponent("vtkc")
    }

    final class Marker {}

    /// Whether oneDNN has native bf16 kernels here (`vtkc info --system`), so that the
    /// automatic attention of the int8 engine is bf16.
    static let hasNativeBF16: Bool = {
        guard let run = try? run(["info", "--system", "--json"], in: repo),
              let report = try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        else { return false }
        return report["attention_bf16"] is String
    }()

    /// Reads a pipe to its end on a background thread.
    private final class ErrorDrain: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread {
                self.data = handle.readDataToEndOfFile()
                self.done.signal()
            }.start()
        }

        func wait() -> Data {
            done.wait()
            return data
        }
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `vtkc` with `arguments` in `directory` (no $VTKC_MODEL unless `modelVariable`;
    /// `environment` adds variables).
    static func run(_ arguments: [String], in directory: URL, modelVariable: String? = nil,
                    environment extra: [String: String] = [:]) throws -> Result {
        let (status, out, err) = try launch(arguments, in: directory, modelVariable: modelVariable,
                                            environment: extra)
        return Result(status: status, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }

    /// Runs `vtkc` and returns standard output as raw bytes (for binary output to `-`).
    static func runRaw(_ arguments: [String], in directory: URL) throws -> (status: Int32, stdout: Data) {
        let (status, out, _) = try launch(arguments, in: directory, modelVariable: nil, environment: [:])
        return (status, out)
    }

    private static func launch(_ arguments: [String], in directory: URL, modelVariable: String?,
                               environment extra: [String: String]) throws -> (Int32, Data, Data) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["VTKC_MODEL"] = modelVariable
        process.environment = environment.merging(extra) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain stderr on another thread: a full pipe would block the child.
        let errData = ErrorDrain(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, outData, errData.wait())
    }

    /// Writes a short H.264 clip of moving gradients.
    static func writeClip(_ url: URL, width: Int, height: Int, frames: Int,
                          rate: Rational = Rational(num: 30000, den: 1001), shift: Int = 0) throws {
        let writer = try VideoWriter(url: url, width: width, height: height, frameRate: rate,
                                     options: .init(crf: 10, preset: "ultrafast"))
        for i in 0..<frames {
            var pixels = [UInt8](repeating: 0, count: width * height * 3)
            for y in 0..<height {
                for x in 0..<width {
                    let p = (y * width + x) * 3
                    pixels[p] = UInt8((x * 4 + i * 3 + shift * y) & 255)
                    pixels[p + 1] = UInt8((y * 5 + 40) & 255)
                    pixels[p + 2] = UInt8(((x + y) * 3 + 100) & 255)
                }
            }
            try writer.write(RGBFrame(width: width, height: height, pixels: pixels))
        }
        try writer.finish()
    }

    /// Frame count (by decoding), size and rate of a video file.
    static func probe(_ url: URL) throws -> (frames: Int, width: Int, height: Int, rate: Rational) {
        let reader = try VideoReader(url: url)
        var count = 0
        var size = (reader.info.width, reader.info.height)
        while let frame = try reader.nextFrame() {
            count += 1
            size = (frame.width, frame.height)
        }
        return (count, size.0, size.1, reader.info.frameRate.reduced)
    }

    /// A fresh scratch directory removed when the test ends.
    static func scratch(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("vtkc-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    static func entries(_ url: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }
}
