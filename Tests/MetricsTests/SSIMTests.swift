import Foundation
import Testing
@testable import Metrics

/// Reference values: scikit-image, from `.venv/bin/python scripts/make_fixtures.py metrics`.
@Suite struct SSIMTests {
    @Test func matchesScikitImageOnFixtures() throws {
        try expectFixturesMatch("ssim", atLeast: 10, reference: \.ssim) { c, a, b in
            try SSIM.compute(width: c.width, height: c.height, reference: a, distorted: b)
        }
    }

    @Test func threadCountDoesNotChangeTheResult() throws {
        let c = try #require(try Fixtures.cases("ssim").first { $0.name == "tall_strip" })
        let (a, b) = try c.frames(kind: "ssim")
        let one = try SSIM.compute(width: c.width, height: c.height, reference: a, distorted: b, threads: 1)
        let four = try SSIM.compute(width: c.width, height: c.height, reference: a, distorted: b, threads: 4)
        #expect(one == four)
    }

    @Test func identicalFramesGiveOne() throws {
        let pixels = (0..<(40 * 30 * 3)).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let value = try SSIM.compute(width: 40, height: 30, reference: pixels, distorted: pixels)
        expectClose(value, 1, tolerance: 1e-6, "SSIM of identical frames")
    }

    @Test func framesSmallerThanTheWindowAreRefused() {
        let pixels = [UInt8](repeating: 9, count: 10 * 20 * 3)
        #expect(throws: SSIMError.frameTooSmall(width: 10, height: 20, minimum: 11)) {
            try SSIM.compute(width: 10, height: 20, reference: pixels, distorted: pixels)
        }
    }
}

@Suite struct PSNRTests {
    @Test func matchesScikitImageOnFixtures() throws {
        for c in try Fixtures.cases("ssim") {
            let (a, b) = try c.frames(kind: "ssim")
            let value = PSNR.compute(a, b)
            if let expected = c.psnr {
                expectClose(value, expected, tolerance: 1e-9, "PSNR \(c.name)")
            } else {
                #expect(value == .infinity, "PSNR \(c.name) should be +inf")
            }
        }
    }

    @Test func knownValues() {
        // One sample off by 255 among 3: MSE = 255^2 / 3, PSNR = 10 log10(3).
        expectClose(PSNR.compute([0, 7, 7], [255, 7, 7]), 10 * log10(3), tolerance: 1e-12, "PSNR")
        // Every sample off by 1: MSE 1, PSNR = 20 log10(255) = 48.1308...
        expectClose(PSNR.compute([1, 2, 3], [2, 3, 4]), 48.130803608679, tolerance: 1e-9, "PSNR")
        #expect(PSNR.compute([5, 6, 7], [5, 6, 7]) == .infinity)
        #expect(PSNR.squaredErrorSum([UInt8](repeating: 0, count: 200_000),
                                     [UInt8](repeating: 255, count: 200_000)) == 200_000 * 65025)
    }
}
