import Foundation
import VideoIO
import XCTest

/// A phone clip's display rotation survives compress and expand, so it plays upright as the
/// source did (issue 33.2).
final class RotationCLITests: XCTestCase {
    func testExpandWritesTheSourceRotationBack() throws {
        let dir = try CodecCLI.scratch(self)
        let model = CodecCLI.tinyModel.path
        for degrees in [90, 180, 270] {
            let writer = try VideoWriter(url: dir.appendingPathComponent("r.mp4"), width: 40, height: 24,
                                         frameRate: Rational(num: 25, den: 1),
                                         options: .init(crf: 20, preset: "ultrafast", rotation: degrees))
            for i in 0..<5 {
                try writer.write(RGBFrame(width: 40, height: 24, pixels: [UInt8](repeating: UInt8(i * 30), count: 40 * 24 * 3)))
            }
            try writer.finish()
            XCTAssertEqual(try VideoReader(url: dir.appendingPathComponent("r.mp4")).info.rotation, degrees)
            let c = try CodecCLI.run(["compress", "r.mp4", "-o", "r.vtk", "-y", "-q", "--model", model], in: dir)
            XCTAssertEqual(c.status, 0, c.stderr)
            for output in ["o.mp4", "o.mkv"] {
                let e = try CodecCLI.run(["expand", "r.vtk", "-o", output, "-y", "-q", "--model", model], in: dir)
                XCTAssertEqual(e.status, 0, e.stderr)
                let info = try VideoReader(url: dir.appendingPathComponent(output)).info
                if output.hasSuffix(".mp4") {
                    XCTAssertEqual(info.rotation, degrees, "\(output) at \(degrees)")
                } else {
                    // FFmpeg 5.1's Matroska muxer has no display matrix: said, not hidden.
                    XCTAssertTrue(e.stderr.contains("o.mkv cannot record the source's \(degrees)-degree display rotation"), e.stderr)
                }
                XCTAssertEqual([info.width, info.height], [40, 24], "frames stay as decoded")
            }
        }
    }
}
