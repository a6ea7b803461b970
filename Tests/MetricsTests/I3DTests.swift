import Foundation
import XCTest
@testable import Metrics

/// I3D logits and rFVD against the PyTorch reference (training/reference/i3d_torch.py).
/// Fixtures (i3d_clips.u8, i3d_logits.json) from
///     .venv/bin/python scripts/make_fixtures.py i3d \
///         --weights weights/i3d_kinetics400.safetensors --out Tests/MetricsTests/Fixtures
final class I3DTests: XCTestCase {
    /// Logits within 1e-3 absolute of the reference (logits here span about -10..15), FVD of
    /// two clips against two within 0.5%, and a set against itself about 0.
    func testLogitsAndFVDMatchReference() throws {
        let model = try I3DTestSupport.model()
        let fixture = try XCTUnwrap(try I3DTestSupport.json("i3d_logits.json") as? [String: Any])
        let expected = try XCTUnwrap(fixture["logits"] as? [[Double]])
        let (clips, width, height) = try I3DTestSupport.fixtureClips()
        XCTAssertEqual(clips.count, expected.count)
        let inputs = clips.map { I3DPreprocess.clip(pixels: $0, width: width, height: height) }
        let logits = model.logits(clips: inputs)
        // --threads reaches I3D now (it was a fixed 2): any count gives the same bits
        XCTAssertEqual(model.logits(clip: inputs[0], threads: 3), logits[0])
        var worst: Float = 0
        for (i, row) in logits.enumerated() {
            assertClose(row, expected[i].map(Float.init), atol: 1e-3, "logits of clip \(i)")
            worst = zip(row, expected[i]).reduce(worst) { max($0, abs($1.0 - Float($1.1))) }
        }
        print("I3D logits: largest difference from the PyTorch reference \(worst)")
        let features = logits.map { $0.map(Double.init) }
        let fvd = try FrechetDistance.compute(Array(features[0..<2]), Array(features[2..<4]))
        let reference = try XCTUnwrap(fixture["fvd_01_vs_23"] as? Double)
        print("FVD of fixture clips {0,1} vs {2,3}: \(fvd) (PyTorch reference \(reference))")
        XCTAssertEqual(fvd, reference, accuracy: 0.005 * reference)
        XCTAssertEqual(try FrechetDistance.compute(features, features), 0, accuracy: 1e-6 * reference)
    }

    /// All-black 16-frame clips against all-white ones: identical clips within a set have zero
    /// covariance, so FVD = |logits(black) - logits(white)|^2, about 152.9 (StyleGAN-V's
    /// torchscript gives 153.11).
    func testBlackVersusWhiteAnchor() throws {
        let model = try I3DTestSupport.model()
        let fixture = try XCTUnwrap(try I3DTestSupport.json("i3d_logits.json") as? [String: Any])
        let reference = try XCTUnwrap(fixture["black_vs_white"] as? Double)
        let count = I3D.frames * I3D.size * I3D.size * 3
        let black = model.logits(clip: [Float](repeating: -1, count: count)).map(Double.init)
        let white = model.logits(clip: [Float](repeating: 1, count: count)).map(Double.init)
        let fvd = try FrechetDistance.compute([black, black], [white, white])
        print("FVD all-black vs all-white 16-frame clips: \(fvd) (PyTorch reference \(reference))")
        XCTAssertEqual(fvd, 152.9, accuracy: 0.005 * 152.9)
        XCTAssertEqual(fvd, reference, accuracy: 1e-4 * reference)
        XCTAssertEqual(try FrechetDistance.compute([black, black], [black, black]), 0, accuracy: 1e-9)
    }

    func testMissingWeightsSayHowToInstall() {
        let url = URL(fileURLWithPath: "/nonexistent/i3d_kinetics400.safetensors")
        XCTAssertThrowsError(try I3D(weightsURL: url)) { error in
            XCTAssertTrue(error.localizedDescription.contains("fetch_i3d.py"), error.localizedDescription)
        }
    }

    func testMalformedWeightsThrow() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("i3d-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let header = #"{"__metadata__":{"format":"i3d-kinetics400"},"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        var valid = [UInt8](repeating: 0, count: 8) + Array(header.utf8) + [UInt8](repeating: 0, count: 8)
        valid[0] = UInt8(header.utf8.count)
        let cases: [(String, [UInt8], String)] = [
            ("short", [1, 2, 3], "shorter than 8 bytes"),
            ("truncated", Array(valid.dropLast(4)), "does not match"),
            ("garbage", [200, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 65, count: 200), "not a JSON object"),
            ("unknown", valid, "tensor 'Conv3d_1a_7x7.kernel': missing"),
        ]
        for (name, bytes, message) in cases {
            let url = dir.appendingPathComponent("\(name).safetensors")
            try Data(bytes).write(to: url)
            XCTAssertThrowsError(try I3D(weightsURL: url), name) { error in
                XCTAssertTrue(error.localizedDescription.contains(message), "\(name): \(error.localizedDescription)")
            }
        }
    }
}
