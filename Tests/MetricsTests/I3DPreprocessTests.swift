import XCTest
@testable import Metrics
import VideoIO

/// The protocol's bilinear resize against torch F.interpolate(mode="bilinear",
/// align_corners=False, antialias=False). Fixture (i3d_resize.json) from
///     .venv/bin/python scripts/make_fixtures.py i3d \
///         --weights weights/i3d_kinetics400.safetensors --out Tests/MetricsTests/Fixtures
final class I3DPreprocessTests: XCTestCase {
    func testResizeMatchesTorch() throws {
        let cases = try XCTUnwrap(try I3DTestSupport.json("i3d_resize.json") as? [[String: Any]])
        XCTAssertEqual(cases.count, 3)
        for item in cases {
            let (w, h) = (item["width"] as! Int, item["height"] as! Int)
            let (ow, oh) = (item["out_width"] as! Int, item["out_height"] as! Int)
            let pixels = (item["pixels"] as! [Int]).map { UInt8($0) }
            let expected = (item["expected"] as! [Double]).map { Float($0) }
            let resized = I3DPreprocess.resize(pixels, width: w, height: h, toWidth: ow, toHeight: oh)
            assertClose(resized, expected, atol: 1e-3, "\(w)x\(h) -> \(ow)x\(oh)")
        }
    }

    func testClipLayoutAndRange() {
        let black = [UInt8](repeating: 0, count: 4 * 2 * 3)
        let white = [UInt8](repeating: 255, count: 4 * 2 * 3)
        let frames = (0..<I3D.frames).map { $0 == 3 ? white : black }
        let clip = I3DPreprocess.clip(pixels: frames, width: 4, height: 2)
        let plane = I3D.size * I3D.size * 3
        XCTAssertEqual(clip.count, I3D.frames * plane)
        XCTAssertEqual(Set(clip[0..<plane]), [-1])
        XCTAssertEqual(Set(clip[(3 * plane)..<(4 * plane)]), [1])
    }
}

final class I3DPreprocessFramesTests: XCTestCase {
    /// RGBFrame input gives exactly what the raw-pixel entry point gives.
    func testFramesMatchPixels() {
        let frames = (0..<I3D.frames).map { f in
            RGBFrame(width: 5, height: 3, pixels: (0..<45).map { UInt8(($0 * 37 + f * 11) % 256) })
        }
        let fromFrames = I3DPreprocess.clip(frames: frames)
        let fromPixels = I3DPreprocess.clip(pixels: frames.map(\.pixels), width: 5, height: 3)
        XCTAssertEqual(fromFrames, fromPixels)
        XCTAssertTrue(fromFrames.allSatisfy { $0 >= -1 && $0 <= 1 })
    }
}
