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
}
