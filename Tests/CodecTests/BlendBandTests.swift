@testable import Codec
import Foundation
import VideoIO
import ViTok
import VTKFormat
import XCTest

/// The band decoder (`GroupCoder.decode` through `BlendBand`) against the whole-group
/// weighted sum it replaced, written out here as the reference: the same bytes for every
/// tiling, frame size and batch size, including batches that cross tile rows.
final class BlendBandTests: XCTestCase {
    /// Latents through `IdentityModel` with a scramble, so that decoded tiles disagree where
    /// they overlap and the blend's rounding is exercised.
    private func scrambled(_ values: [Float]) -> [Float] {
        values.enumerated().map { i, v in max(-1, min(1, v * 0.9 + 0.3 * Float(sin(Double(i) * 0.731)))) }
    }

    private func referenceDecode(_ coder: GroupCoder, _ latents: [Float]) -> [RGBFrame] {
        let layout = coder.layout, geometry = coder.geometry
        let (w, h, tw, th) = (layout.width, layout.height, layout.tileWidth, layout.tileHeight)
        let clips = coder.model.decode(latents, count: layout.count)
        var sum = [Float](repeating: 0, count: geometry.frames * h * w * 3)
        for tile in 0..<layout.count {
            let column = tile % layout.columns, row = tile / layout.columns
            let x0 = layout.xOrigins[column], y0 = layout.yOrigins[row]
            for t in 0..<geometry.frames {
                for dy in 0..<min(th, h - y0) {
                    for dx in 0..<min(tw, w - x0) {
                        let weight = layout.yWeights[row][dy] * layout.xWeights[column][dx]
                        for c in 0..<3 {
                            let s = tile * geometry.clipValues + ((t * th + dy) * tw + dx) * 3 + c
                            sum[((t * h + y0 + dy) * w + x0 + dx) * 3 + c] += weight * clips[s]
                        }
                    }
                }
            }
        }
        let totalX = GroupCoder.totals(origins: layout.xOrigins, weights: layout.xWeights, size: w)
        let totalY = GroupCoder.totals(origins: layout.yOrigins, weights: layout.yWeights, size: h)
        return (0..<geometry.frames).map { t in
            var pixels = [UInt8](repeating: 0, count: w * h * 3)
            for y in 0..<h {
                for x in 0..<w {
                    let inverse = 1 / (totalX[x] * totalY[y])
                    for c in 0..<3 {
                        let i = (y * w + x) * 3 + c
                        let v = ((sum[t * w * h * 3 + i] * inverse + 1) * 127.5).rounded()
                        pixels[i] = UInt8(max(0, min(255, v)))
                    }
                }
            }
            return RGBFrame(width: w, height: h, pixels: pixels)
        }
    }

    func testBandDecodeGivesTheWholeGroupBytes() throws {
        let model = IdentityModel(clip: [4, 16, 16], tubelet: [2, 4, 4])
        let modes = [TilingOptions(mode: .none), TilingOptions(mode: .reflect),
                     TilingOptions(mode: .overlap, overlap: 4, ramp: .linear),
                     TilingOptions(mode: .overlap, overlap: 8, ramp: .cosine),
                     TilingOptions(mode: .overlapReflect, overlap: 2)]
        for (w, h) in [(1, 1), (16, 16), (17, 40), (40, 17), (31, 61), (5, 90)] {
            for options in modes {
                let layout = try TileLayout(width: w, height: h, tileWidth: 16, tileHeight: 16, options: options)
                for batch in [1, 2, 5, 64] {
                    let coder = GroupCoder(model: model, layout: layout, maxBatch: batch)
                    let frames = (0..<4).map { SyntheticSource.frame(width: w, height: h, index: $0) }
                    let latents = scrambled(coder.encode(frames))
                    XCTAssertTrue(try coder.decode(latents) == referenceDecode(coder, latents),
                                  "\(w)x\(h) \(options) batch \(batch)")
                }
            }
        }
    }

    /// A decoder output that is not a number is an error, not a black pixel.
    func testNaNFromTheDecoderIsRefused() throws {
        /// `IdentityModel` without the clamp, which would turn NaN into a number.
        final class Unclamped: LatentModel {
            let inner = IdentityModel(clip: [4, 16, 16], tubelet: [2, 4, 4])
            var config: ViTokConfig { inner.config }
            let name = "unclamped"
            let weightFiles: [URL] = []
            var threads = 1
            let precision = EnginePrecision.float32
            func encode(_ clips: [Float], count: Int) -> [Float] { clips }
            func decode(_ latents: [Float], count: Int) -> [Float] { latents }
        }
        let model = Unclamped()
        let layout = try TileLayout(width: 20, height: 20, tileWidth: 16, tileHeight: 16, options: TilingOptions(mode: .none))
        let coder = GroupCoder(model: model, layout: layout)
        var latents = coder.encode((0..<4).map { SyntheticSource.frame(width: 20, height: 20, index: $0) })
        latents[latents.count / 2] = .nan
        XCTAssertThrowsError(try coder.decode(latents, path: "n.vtk", group: 3)) { error in
            XCTAssertEqual(error as? CodecError, .nonFiniteOutput(path: "n.vtk", group: 3))
        }
    }

    /// The limit is checked against the layout before anything is allocated; its message
    /// names the input, the frame size, the need and the limit.
    func testGroupMemoryRefusesALayoutOverTheLimit() throws {
        let geometry = ClipGeometry(IdentityModel().config)
        let layout = try TileLayout(width: 16384, height: 8192, tileWidth: 128, tileHeight: 128,
                                    options: TilingOptions(mode: .none))
        let needed = GroupMemory.bytes(layout: layout, geometry: geometry, maxBatch: 16)
        XCTAssertGreaterThan(needed, 16 * 16384 * 8192 * 3)
        XCTAssertThrowsError(try GroupMemory().check(layout: layout, geometry: geometry, maxBatch: 16, path: "b.vtk")) {
            XCTAssertTrue($0.localizedDescription.hasPrefix("b.vtk: a group of 16 frames of 16384x8192 needs "), "\($0)")
        }
        XCTAssertNoThrow(try GroupMemory(limit: needed).check(layout: layout, geometry: geometry, maxBatch: 16, path: "b.vtk"))
        XCTAssertThrowsError(try TileLayout(width: 16385, height: 16, tileWidth: 128, tileHeight: 128,
                                            options: TilingOptions(mode: .none), path: "w.mp4")) {
            XCTAssertEqual($0.localizedDescription,
                           "w.mp4: frame size 16385x16 is outside 1...16384 per side (the largest frame vtkc writes back)")
        }
    }
}

/// The container's frame limit is the video writer's: compress refuses what expand could not write.
final class FrameLimitTests: XCTestCase {
    func testTheFormatAndTheWriterShareOneFrameLimit() {
        XCTAssertEqual(VTKHeader.frameSideRange, VideoLimits.frameSideRange)
    }
}
