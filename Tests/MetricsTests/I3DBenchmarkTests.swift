import Foundation
import XCTest
@testable import Metrics

/// `I3DBenchmark`, the measurement behind Benchmarks/I3DBench: the floor is the forward's own
/// sgemm calls, and each forward is compared with the floor timed right before it.
final class I3DBenchmarkTests: XCTestCase {
    func testRoundRatioMedianPairsEachForwardWithItsFloor() {
        var report = I3DBenchmark.Report(forwardSeconds: [3, 8, 2], floorSeconds: [1, 2, 1], products: 1, flop: 1)
        XCTAssertEqual(report.roundRatioMedian, 3)          // ratios 3, 4, 2
        report.forwardSeconds.append(10)
        report.floorSeconds.append(1)
        XCTAssertEqual(report.roundRatioMedian, 3.5)        // ratios 3, 4, 2, 10
    }

    /// The recorded calls are those of the network (spec: Conv3d_1a is 7x7x7 x 3 -> 64 with
    /// stride 2, so 8 x 112 x 112 output rows of 1029 values, in chunks; the logits layer is
    /// one row of 1024 -> 400), and recording changes no logit.
    func testFloorIsTheForwardsOwnProducts() throws {
        let model = try I3DTestSupport.model()
        let (clips, width, height) = try I3DTestSupport.fixtureClips()
        let clip = I3DPreprocess.clip(pixels: clips[0], width: width, height: height)
        let log = I3DProductLog()
        let recorded = I3DProductLog.$current.withValue(log) { model.logits(clip: clip, threads: 2) }
        XCTAssertEqual(recorded, model.logits(clip: clip, threads: 2))
        let products = log.products
        let stem = products.filter { $0.depth == 7 * 7 * 7 * 3 }
        XCTAssertEqual(stem.reduce(0) { $0 + $1.rows }, 8 * 112 * 112)
        XCTAssertTrue(stem.allSatisfy { $0.cout == 64 && $0.lda == 1029 && $0.ldc == 64 })
        let last = try XCTUnwrap(products.last)
        XCTAssertEqual([last.rows, last.depth, last.cout], [1, 1024, 400])

        let report = I3DBenchmark.run(model, clip: clip, runs: 1, threads: 2)
        XCTAssertEqual(report.products, products.count)
        XCTAssertEqual(report.flop, products.reduce(0) { $0 + $1.flops })
        XCTAssertEqual(report.forwardSeconds.count, 1)
        XCTAssertGreaterThan(report.floorSeconds[0], 0)
    }
}
