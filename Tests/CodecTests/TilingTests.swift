@testable import Codec
import VideoIO
import XCTest

final class TilingTests: XCTestCase {
    func testAxisOriginsWithoutOverlapFormAGrid() {
        XCTAssertEqual(TileAxis.origins(size: 100, tile: 128, overlap: 0, overlapping: false), [0])
        XCTAssertEqual(TileAxis.origins(size: 128, tile: 128, overlap: 0, overlapping: false), [0])
        XCTAssertEqual(TileAxis.origins(size: 129, tile: 128, overlap: 0, overlapping: false), [0, 128])
        XCTAssertEqual(TileAxis.origins(size: 384, tile: 128, overlap: 0, overlapping: false), [0, 128, 256])
    }

    func testAxisOriginsWithOverlapSpanTheFrameAndShareAtLeastTheOverlap() {
        for size in [128, 129, 200, 224, 225, 250, 256, 360, 640, 1920] {
            for overlap in [0, 8, 16, 32, 64] {
                let o = TileAxis.origins(size: size, tile: 128, overlap: overlap, overlapping: true)
                XCTAssertEqual(o.first, 0)
                XCTAssertEqual(o.last, size - 128, "size \(size) overlap \(overlap)")
                for k in 1..<max(1, o.count) {
                    XCTAssertGreaterThanOrEqual(o[k - 1] + 128 - o[k], overlap, "size \(size) overlap \(overlap)")
                }
                // As few tiles as that overlap allows.
                let step = 128 - overlap
                XCTAssertEqual(o.count, 1 + (size - 128 + step - 1) / step)
            }
        }
    }

    func testPaddingIndices() {
        XCTAssertEqual((-3...5).map { TileLayout.padIndex($0, size: 3, mode: .edge) }, [0, 0, 0, 0, 1, 2, 2, 2, 2])
        XCTAssertEqual((-3...7).map { TileLayout.padIndex($0, size: 3, mode: .reflect) },
                       [1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1])
        XCTAssertEqual((0...3).map { TileLayout.padIndex($0, size: 1, mode: .reflect) }, [0, 0, 0, 0])
    }

    func testBlendWeightsArePositiveAndSumToOneAcrossTwoTileOverlaps() throws {
        for ramp in BlendRamp.allCases {
            let layout = try TileLayout(width: 360, height: 128, tileWidth: 128, tileHeight: 128,
                                        options: TilingOptions(mode: .overlap, overlap: 32, ramp: ramp))
            let totals = GroupCoder.totals(origins: layout.xOrigins, weights: layout.xWeights, size: 360)
            for (x, total) in totals.enumerated() {
                XCTAssertEqual(total, 1, accuracy: 1e-6, "\(ramp) at x=\(x)")
            }
            XCTAssertTrue(layout.xWeights.joined().allSatisfy { $0 > 0 })
        }
    }

    func testLayoutRejectsAnOverlapOverHalfATile() {
        XCTAssertThrowsError(try TileLayout(width: 300, height: 300, tileWidth: 128, tileHeight: 128,
                                            options: TilingOptions(mode: .overlap, overlap: 65)))
    }

    func testSeamPositions() {
        XCTAssertEqual(TileLayout.seams(origins: [0, 128, 256], tile: 128, size: 300), [128, 256])
        XCTAssertEqual(TileLayout.seams(origins: [0, 116], tile: 128, size: 244), [116, 128])
        XCTAssertEqual(TileLayout.seams(origins: [0], tile: 128, size: 100), [])
    }

    /// With a model that returns its input, every tiling must give back the frames exactly:
    /// this checks extraction, padding, blend weights and trimming for all layouts. The small
    /// geometry (16x16 tiles) covers the same cases as 128x128 ones at 1/64 of the cost.
    func testIdentityModelReconstructsExactlyWithEveryTiling() throws {
        let model = IdentityModel(clip: [4, 16, 16], tubelet: [2, 4, 4])
        let sizes = [(1, 1), (5, 3), (16, 16), (17, 18), (31, 20), (40, 37)]
        let modes = [TilingOptions(mode: .none), TilingOptions(mode: .reflect),
                     TilingOptions(mode: .overlap, overlap: 4, ramp: .linear),
                     TilingOptions(mode: .overlap, overlap: 2, ramp: .cosine),
                     TilingOptions(mode: .overlapReflect, overlap: 8)]
        for (w, h) in sizes {
            let frames = (0..<4).map { SyntheticSource.frame(width: w, height: h, index: $0) }
            for options in modes {
                let layout = try TileLayout(width: w, height: h, tileWidth: 16, tileHeight: 16,
                                            options: options)
                let coder = GroupCoder(model: model, layout: layout, maxBatch: 3)
                XCTAssertTrue(try coder.decode(coder.encode(frames)) == frames, "\(w)x\(h) \(options)")
            }
        }
    }

    /// The same at the real geometry (16 frames, 128x128 tiles) for a frame that needs tiles
    /// on both axes, including a column where three overlapping tiles meet.
    func testIdentityModelReconstructsExactlyAtFullSize() throws {
        let model = IdentityModel()
        let frames = (0..<16).map { SyntheticSource.frame(width: 250, height: 130, index: $0) }
        for options in [TilingOptions(mode: .none), TilingOptions(mode: .overlap, overlap: 32)] {
            let layout = try TileLayout(width: 250, height: 130, tileWidth: 128, tileHeight: 128,
                                        options: options)
            let coder = GroupCoder(model: model, layout: layout)
            XCTAssertTrue(try coder.decode(coder.encode(frames)) == frames, "\(options)")
        }
    }

    /// Tiling must not change what a model sees inside one tile: a frame that fits one tile
    /// gives the same latents as the untiled clip, whatever the tiling mode.
    func testSingleTileLatentsMatchTheWholeClip() throws {
        let model = AveragePoolModel()
        let frames = (0..<4).map { SyntheticSource.frame(width: 16, height: 16, index: $0) }
        var whole: [Float] = []
        for f in frames { whole += f.pixels.map { Float($0) / 127.5 - 1 } }
        let reference = model.encode(whole, count: 1)
        for mode in TilingMode.allCases {
            let layout = try TileLayout(width: 16, height: 16, tileWidth: 16, tileHeight: 16,
                                        options: TilingOptions(mode: mode, overlap: 4))
            XCTAssertEqual(layout.count, 1)
            XCTAssertTrue(GroupCoder(model: model, layout: layout).encode(frames) == reference, "\(mode)")
        }
    }

    func testBatchSizeDoesNotChangeLatents() throws {
        let model = AveragePoolModel()
        let frames = (0..<4).map { SyntheticSource.frame(width: 37, height: 19, index: $0) }
        let layout = try TileLayout(width: 37, height: 19, tileWidth: 16, tileHeight: 16,
                                    options: TilingOptions(mode: .overlap, overlap: 4))
        let one = GroupCoder(model: model, layout: layout, maxBatch: 1).encode(frames)
        let all = GroupCoder(model: model, layout: layout, maxBatch: 64).encode(frames)
        XCTAssertTrue(one == all)
    }

    func testTilingOptionsRoundTripThroughTheContainerMode() throws {
        for mode in TilingMode.allCases {
            for ramp in BlendRamp.allCases {
                let options = TilingOptions(mode: mode, overlap: 24, ramp: ramp)
                let layout = try TileLayout(width: 333, height: 222, tileWidth: 128, tileHeight: 128,
                                            options: options)
                let back = TilingOptions(layout.vtkTiling)
                XCTAssertEqual(back?.mode, mode)
                XCTAssertEqual(back?.overlap, options.overlap)
                if mode.overlaps { XCTAssertEqual(back?.ramp, ramp) }
            }
        }
    }
}
