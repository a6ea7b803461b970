import Foundation
import XCTest
@testable import VideoIO

/// A fresh directory under the system temporary directory, removed by the test's teardown.
func makeScratchDirectory(_ test: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("vtkc-videoio-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Smooth synthetic content: diagonal colour gradients that drift with the frame index, so
/// chroma varies slowly (4:2:0 subsampling loses little) and every frame differs.
func smoothFrame(width: Int, height: Int, index: Int) -> RGBFrame {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for y in 0..<height {
        for x in 0..<width {
            let u = Double(x) / Double(max(width - 1, 1)), v = Double(y) / Double(max(height - 1, 1))
            let t = Double(index) * 0.05
            let o = (y * width + x) * 3
            pixels[o] = UInt8(40 + 170 * (0.5 + 0.5 * sin(2.0 * u + t)))
            pixels[o + 1] = UInt8(30 + 180 * v)
            pixels[o + 2] = UInt8(50 + 150 * (0.5 + 0.5 * cos(1.5 * (u + v) - t)))
        }
    }
    return RGBFrame(width: width, height: height, pixels: pixels)
}

/// Writes `count` smooth frames with the public writer.
func writeClip(_ url: URL, width: Int, height: Int, frames count: Int, rate: Rational,
               options: VideoWriter.Options = .init(preset: "ultrafast"), audio: AudioTrack? = nil) throws {
    let writer = try VideoWriter(url: url, width: width, height: height, frameRate: rate,
                                 options: options, audio: audio)
    for i in 0..<count { try writer.write(smoothFrame(width: width, height: height, index: i)) }
    try writer.finish()
}

/// Writes `count` smooth frames with any FFmpeg encoder / pixel format / container.
func writeClip(_ url: URL, width: Int, height: Int, frames count: Int, rate: Rational,
               spec: EncoderSpec) throws {
    let writer = try VideoWriter(url: url, width: width, height: height, frameRate: rate,
                                 spec: spec, audio: nil)
    for i in 0..<count { try writer.write(smoothFrame(width: width, height: height, index: i)) }
    try writer.finish()
}

/// Every frame of a file.
func readAll(_ url: URL) throws -> (VideoInfo, [RGBFrame], AudioTrack?) {
    let reader = try VideoReader(url: url)
    var frames: [RGBFrame] = []
    while let frame = try reader.nextFrame() { frames.append(frame) }
    return (reader.info, frames, reader.audio)
}

/// Largest and mean absolute difference of two equal-sized frames.
func pixelError(_ a: RGBFrame, _ b: RGBFrame) -> (max: Int, mean: Double) {
    precondition(a.pixels.count == b.pixels.count)
    var maxError = 0, sum = 0
    for i in a.pixels.indices {
        let d = abs(Int(a.pixels[i]) - Int(b.pixels[i]))
        maxError = max(maxError, d)
        sum += d
    }
    return (maxError, Double(sum) / Double(max(a.pixels.count, 1)))
}

/// Files in the temporary directory, to check that nothing is left behind.
func directoryEntries(_ url: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
}

/// <repo>/../shared, or nil when it is absent.
func sharedDirectory() -> URL? {
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let shared = repo.deletingLastPathComponent().appendingPathComponent("shared")
    return FileManager.default.fileExists(atPath: shared.appendingPathComponent("data/MANIFEST.tsv").path)
        ? shared : nil
}
