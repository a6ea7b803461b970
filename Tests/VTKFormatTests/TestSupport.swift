import Foundation
import SHA256Oracle
import XCTest
@testable import VTKFormat

/// Deterministic pseudo-random numbers (SplitMix64) so every test run sees the same data.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A standard normal sample (Box-Muller).
    mutating func gaussian() -> Float {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }
}

/// A small header: 2x1 tiles of 8 tokens x 4 channels, 40 frames in groups of 16 (3 groups).
func smallHeader(encoding: VTKLatentEncoding = .float16, frames: Int = 40, channels: Int = 4,
                 tokens: Int = 8, columns: Int = 2, rows: Int = 1) -> VTKHeader {
    VTKHeader(
        modelName: "vitok-test", modelSHA256: SHA256.hash(Array("weights".utf8)),
        modelConfigJSON: #"{"latent_channels": 4, "tubelet": [4, 8, 8]}"#,
        width: 200, height: 100, frameCount: frames, frameRate: VTKRational(num: 30000, den: 1001),
        pixelAspect: VTKRational(num: 1, den: 1), groupLength: 16,
        tiling: VTKTiling(mode: .overlap, tileWidth: 128, tileHeight: 128, overlapX: 56, overlapY: 0,
                          columns: columns, rows: rows),
        tokensPerTile: tokens, latentChannels: channels, encoding: encoding,
        metadata: ["source": "clip.mp4", "codec": "h264", "rotation": "90", "duration": "1.334667"])
}

/// Gaussian latents with per-channel scale and offset, one array per group.
func randomGroups(_ header: VTKHeader, seed: UInt64) -> [[Float]] {
    var rng = SplitMix64(seed: seed)
    return (0..<header.groupCount).map { _ in
        (0..<header.valuesPerGroup).map { i in
            let k = Float(i % header.latentChannels)
            return rng.gaussian() * (0.5 + k) + k - 2
        }
    }
}

/// A fresh empty directory under the system temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("vtkformat-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes a file with the given groups (and audio after `audioAfter` groups) and returns its bytes.
func writeFile(_ header: VTKHeader, _ groups: [[Float]], audio: [UInt8]? = nil, audioAfter: Int = Int.max,
               to url: URL) throws -> [UInt8] {
    let writer = try VTKWriter(url: url, header: header)
    for (i, group) in groups.enumerated() {
        if i == audioAfter, let audio { try writer.setAudio(audio) }
        try writer.appendGroup(group)
    }
    if audioAfter >= groups.count, let audio { try writer.setAudio(audio) }
    try writer.finish()
    return Array(try Data(contentsOf: url))
}

/// Encodes a file in a temporary directory and returns its bytes.
func encodedBytes(_ header: VTKHeader, _ groups: [[Float]], audio: [UInt8]? = nil) throws -> [UInt8] {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    return try writeFile(header, groups, audio: audio, to: dir.appendingPathComponent("t.vtk"))
}

/// Parses `bytes` and decodes every record.
func readAll(_ bytes: [UInt8]) throws -> (VTKHeader, [[Float]], [UInt8]?) {
    let reader = try VTKReader(bytes: bytes, name: "t.vtk")
    var groups: [[Float]] = []
    while let g = try reader.nextGroup() { groups.append(g) }
    return (reader.header, groups, try reader.audio())
}

/// Asserts `body` throws a VTKFormatError of `kind` whose one-line message contains `fragments`.
func assertFormatError<T>(_ kind: VTKFormatError.Kind, _ fragments: [String] = [], file: StaticString = #filePath,
                          line: UInt = #line, _ body: () throws -> T) {
    do {
        _ = try body()
        XCTFail("expected a \(kind) error", file: file, line: line)
    } catch let error as VTKFormatError {
        let message = error.errorDescription ?? ""
        XCTAssertEqual(error.kind, kind, message, file: file, line: line)
        XCTAssertFalse(message.contains("\n"), "multi-line message: \(message)", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(message.contains(fragment), "'\(message)' lacks '\(fragment)'", file: file, line: line)
        }
    } catch {
        XCTFail("unexpected error type \(error)", file: file, line: line)
    }
}
