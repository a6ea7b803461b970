import Foundation
import XCTest
@testable import Metrics

/// Times I3D on one 16-frame clip and prints the result; no timing assertion. It only runs when
/// VTKC_BENCH_I3D is set (scripts/bench.py i3d sets it and runs a release build).
final class I3DBenchmarkTests: XCTestCase {
    func testPrintI3DTiming() throws {
        let env = ProcessInfo.processInfo.environment
        guard let value = env["VTKC_BENCH_I3D"], let runs = Int(value), runs > 0 else {
            throw XCTSkip("benchmark: set VTKC_BENCH_I3D=<runs> (scripts/bench.py i3d does)")
        }
        let model = try I3DTestSupport.model()
        let (clips, width, height) = try I3DTestSupport.fixtureClips()
        let clip = I3DPreprocess.clip(pixels: clips[0], width: width, height: height)
        _ = model.logits(clip: clip)  // warm-up: first-touch page faults, OpenBLAS threads
        var seconds: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = model.logits(clip: clip)
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        print("swift_i3d_seconds \(seconds.map { String(format: "%.4f", $0) }.joined(separator: " "))")
    }
}
