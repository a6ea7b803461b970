import Codec
import Foundation
import VideoIO
import ViTok

/// A model whose latents are its input pixels: decoding gives back exactly what was encoded,
/// so any difference after a round trip comes from the codec's tiling, padding or stitching.
final class IdentityModel: LatentModel {
    let config: ViTokConfig
    let name = "identity"
    let weightFiles: [URL]
    var threads = 1
    let precision = EnginePrecision.float32

    /// `clip` is (T, H, W); the latents have as many floats as the clip (one tubelet per token).
    init(clip: [Int] = [16, 128, 128], tubelet: [Int] = [4, 4, 4], weightFiles: [URL] = []) {
        let tubelet = clip == [16, 128, 128] ? [4, 8, 8] : tubelet
        config = ViTokConfig(latentChannels: 3 * tubelet.reduce(1, *), tubelet: tubelet, clip: clip)
        self.weightFiles = weightFiles
    }

    func encode(_ clips: [Float], count: Int) -> [Float] {
        precondition(clips.count == count * config.clipValues)
        return clips
    }

    func decode(_ latents: [Float], count: Int) -> [Float] {
        precondition(latents.count == count * config.latentValues)
        return latents.map { min(1, max(-1, $0)) }
    }
}

/// A lossy model: each token is the mean colour of its 4x8x8 tubelet; decoding paints the
/// tubelet in that colour. Cheap, deterministic, and sensitive to where tiles are cut.
final class AveragePoolModel: LatentModel {
    let config: ViTokConfig
    let name: String
    let weightFiles: [URL]
    var threads = 1
    let precision = EnginePrecision.float32

    /// The small geometry (4 frames of 16x16, tubelets 2x4x4) keeps debug-build tests fast.
    static let small = ViTokConfig(latentChannels: 3, tubelet: [2, 4, 4], clip: [4, 16, 16])

    init(config: ViTokConfig = AveragePoolModel.small, name: String = "average-pool",
         weightFiles: [URL] = []) {
        self.config = config
        self.name = name
        self.weightFiles = weightFiles
    }

    func encode(_ clips: [Float], count: Int) -> [Float] {
        let (t, h, w) = (config.clip[0], config.clip[1], config.clip[2])
        let (q, p) = (config.tubelet[0], config.tubelet[1])
        let grid = config.grid
        var out = [Float](repeating: 0, count: count * config.latentValues)
        for n in 0..<count {
            for f in 0..<t {
                for y in 0..<h {
                    for x in 0..<w {
                        let token = ((f / q) * grid[1] + y / p) * grid[2] + x / p
                        let src = n * config.clipValues + ((f * h + y) * w + x) * 3
                        for c in 0..<3 {
                            out[(n * config.tokens + token) * 3 + c] += clips[src + c] / Float(q * p * p)
                        }
                    }
                }
            }
        }
        return out
    }

    func decode(_ latents: [Float], count: Int) -> [Float] {
        let (t, h, w) = (config.clip[0], config.clip[1], config.clip[2])
        let (q, p) = (config.tubelet[0], config.tubelet[1])
        let grid = config.grid
        var out = [Float](repeating: 0, count: count * config.clipValues)
        for n in 0..<count {
            for f in 0..<t {
                for y in 0..<h {
                    for x in 0..<w {
                        let token = ((f / q) * grid[1] + y / p) * grid[2] + x / p
                        let dst = n * config.clipValues + ((f * h + y) * w + x) * 3
                        for c in 0..<3 { out[dst + c] = latents[(n * config.tokens + token) * 3 + c] }
                    }
                }
            }
        }
        return out
    }
}

/// Deterministic synthetic frames: smooth gradients that move, plus a fixed texture.
final class SyntheticSource: FrameSource {
    let sourceInfo: SourceInfo
    var audio: AudioTrack?
    private var index = 0
    private let count: Int
    private let width: Int
    private let height: Int
    private let sizes: [(Int, Int)]?

    /// `count` frames of `width x height`; `sizes` overrides the size of each frame;
    /// `announced` is the frame count the source claims (default: `count`).
    init(width: Int, height: Int, count: Int, rate: Rational = Rational(num: 30000, den: 1001),
         audio: AudioTrack? = nil, sizes: [(Int, Int)]? = nil, announced: Int? = nil) {
        sourceInfo = SourceInfo(frameCount: announced ?? count, frameRate: rate, codecName: "synthetic")
        self.count = count
        self.width = width
        self.height = height
        self.audio = audio
        self.sizes = sizes
    }

    func nextFrame() throws -> RGBFrame? {
        guard index < count else { return nil }
        defer { index += 1 }
        let (w, h) = sizes?[index] ?? (width, height)
        return Self.frame(width: w, height: h, index: index)
    }

    static func frame(width: Int, height: Int, index: Int) -> RGBFrame {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                pixels[i] = UInt8((x * 255 / max(1, width - 1) + index * 3) & 255)
                pixels[i + 1] = UInt8((y * 255 / max(1, height - 1)) & 255)
                pixels[i + 2] = UInt8(((x * 7 + y * 13 + index * 5) * 2654435761 >> 13) & 255)
            }
        }
        return RGBFrame(width: width, height: height, pixels: pixels)
    }
}

/// Collects written frames.
final class FrameCollector: FrameSink {
    var frames: [RGBFrame] = []
    var finished = false
    func write(_ frame: RGBFrame) throws { frames.append(frame) }
    func finish() throws { finished = true }
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("codec-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
