import Codec
@testable import Research
import VideoIO
import XCTest

final class SeamMeterTests: XCTestCase {
    /// A source that returns the same frames again.
    final class Replay: FrameSource {
        var frames: [RGBFrame]
        let sourceInfo = SourceInfo(frameCount: 0, frameRate: Rational(num: 25, den: 1))
        let audio: AudioTrack? = nil
        init(_ frames: [RGBFrame]) { self.frames = frames }
        func nextFrame() throws -> RGBFrame? { frames.isEmpty ? nil : frames.removeFirst() }
    }

    func testBorderBandFollowsTheSeams() {
        // Tiles of 16 at 0 and 16 on a 30-pixel axis: one seam at 14 (second tile's start)
        // and one at 16 (first tile's end), band 2 -> pixels 12...17.
        let mask = SeamMeter.mask(TileLayout.seams(origins: [0, 14], tile: 16, size: 30), size: 30, band: 2)
        XCTAssertEqual(mask.indices.filter { mask[$0] }, [12, 13, 14, 15, 16, 17])
    }

    func testErrorsNearBordersAndElsewhereAreSeparated() throws {
        let layout = try TileLayout(width: 32, height: 16, tileWidth: 16, tileHeight: 16,
                                    options: TilingOptions(mode: .none))
        let reference = RGBFrame(width: 32, height: 16, pixels: [UInt8](repeating: 100, count: 32 * 16 * 3))
        var decoded = reference
        // Column 16 (next to the seam) off by 10 in every channel; column 0 (frame edge) by 2.
        for y in 0..<16 {
            for c in 0..<3 {
                decoded.pixels[(y * 32 + 16) * 3 + c] = 110
                decoded.pixels[(y * 32 + 0) * 3 + c] = 102
            }
        }
        let meter = SeamMeter(layout: layout, reference: Replay([reference]), band: 8)
        try meter.write(decoded)
        XCTAssertEqual(meter.borderSamples, 16 * 16 * 3, "columns 8...23")
        XCTAssertEqual(meter.borderError, 16 * 3 * 100)
        XCTAssertEqual(meter.restError, 16 * 3 * 4)
        let border = try XCTUnwrap(SeamMeter.psnr(error: meter.borderError, samples: meter.borderSamples))
        XCTAssertEqual(border, 10 * log10(255 * 255 / (100.0 / 16)), accuracy: 1e-9)
        XCTAssertThrowsError(try meter.write(decoded), "the reference has ended")
    }

    /// A 64 x 32 frame of gradients, all values below 240 (no wrap, no clipping at +12).
    private func texture(width: Int = 64, height: Int = 32) -> RGBFrame {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let p = (y * width + x) * 3
                pixels[p] = UInt8(x * 3 + y)
                pixels[p + 1] = UInt8(x * 2 + y * 3 + 17)
                pixels[p + 2] = UInt8(x + 2 * y + 90)
            }
        }
        return RGBFrame(width: width, height: height, pixels: pixels)
    }

    func testBorderMapKinds() throws {
        let layout = try TileLayout(width: 40, height: 16, tileWidth: 16, tileHeight: 16,
                                    options: TilingOptions(mode: .none))
        let map = BorderMap(layout: layout, tubelet: 4)
        XCTAssertEqual(map.columns.indices.filter { map.columns[$0] == .tile }, [16, 32])
        XCTAssertEqual(map.columns.indices.filter { map.columns[$0] == .tubelet }, [4, 8, 12, 20, 24, 28, 36])
        XCTAssertEqual(map.rows.indices.filter { map.rows[$0] == .tile }, [], "one tile row")
        XCTAssertEqual(map.rows.indices.filter { map.rows[$0] == .tubelet }, [4, 8, 12])
    }

    func testSeamRatioIsOneForAPerfectDecodeAndLargerForAPlantedStep() throws {
        let layout = try TileLayout(width: 64, height: 32, tileWidth: 32, tileHeight: 32,
                                    options: TilingOptions(mode: .none))
        let reference = texture()
        let identity = SeamMeter(layout: layout, reference: Replay([reference, reference]), tubelet: 8)
        try identity.write(reference)
        try identity.write(reference)
        XCTAssertEqual(identity.tileSteps.ratio, 1)
        XCTAssertEqual(identity.tubeletSteps.ratio, 1)
        XCTAssertEqual(identity.interiorSteps.ratio, 1)
        XCTAssertEqual(identity.tileSteps.pairs, 2 * 32 * 3, "one vertical tile border, 32 rows, 2 frames")

        // The right-hand tile decoded 12 levels brighter: a step at x = 32 and nowhere else.
        var stepped = reference
        for y in 0..<32 {
            for x in 32..<64 {
                for c in 0..<3 {
                    let p = (y * 64 + x) * 3 + c
                    stepped.pixels[p] = UInt8(min(255, Int(stepped.pixels[p]) + 12))
                }
            }
        }
        let meter = SeamMeter(layout: layout, reference: Replay([reference]), tubelet: 8)
        try meter.write(stepped)
        let seam = try XCTUnwrap(meter.tileSteps.ratio)
        XCTAssertGreaterThan(seam, 1.5, "the planted step shows at the tile border")
        XCTAssertEqual(meter.interiorSteps.ratio, 1, "away from the border every step is the reference's")
        XCTAssertEqual(meter.tubeletSteps.ratio, 1)
    }

    func testStepsPoolAndFlatReferencesHaveNoRatio() {
        var a = StepSums(decoded: 6, reference: 3, pairs: 3)
        a.add(StepSums(decoded: 2, reference: 5, pairs: 3))
        XCTAssertEqual(a.ratio, 1)
        XCTAssertNil(StepSums(decoded: 4, reference: 0, pairs: 3).ratio, "flat reference")
        XCTAssertNil(StepSums().ratio, "no borders")
    }
}
