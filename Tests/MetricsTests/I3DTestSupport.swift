import Foundation
import XCTest
@testable import Metrics

/// Shared helpers of the I3D and rFVD tests.
enum I3DTestSupport {
    static func fixture(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil) else {
            throw XCTSkip("fixture \(name) is missing from the test bundle")
        }
        return url
    }

    static func json(_ name: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: fixture(name)))
    }

    /// The converted weights (scripts/fetch_i3d.py); tests that need them skip, with the
    /// reason, when absent, and fail instead with VTKC_REQUIRE_WEIGHTS=1 (scripts/test.sh).
    static func model() throws -> I3D {
        let url: URL
        do {
            url = try MetricWeights.i3dURL()
        } catch {
            if ProcessInfo.processInfo.environment["VTKC_REQUIRE_WEIGHTS"] == "1" { throw error }
            throw XCTSkip("\(error.localizedDescription)")
        }
        return try cache.model(url)
    }

    /// Loads the network once for all tests.
    private final class ModelCache: @unchecked Sendable {
        private let lock = NSLock()
        private var loaded: I3D?

        func model(_ url: URL) throws -> I3D {
            lock.lock()
            defer { lock.unlock() }
            if let loaded { return loaded }
            let model = try I3D(weightsURL: url)
            loaded = model
            return model
        }
    }

    private static let cache = ModelCache()

    /// The clips of i3d_clips.u8 as 16 RGB24 frames each.
    static func fixtureClips() throws -> (clips: [[[UInt8]]], width: Int, height: Int) {
        let bytes = [UInt8](try Data(contentsOf: fixture("i3d_clips.u8")))
        let (frames, side) = (16, 32)
        let frameBytes = side * side * 3
        let count = bytes.count / (frames * frameBytes)
        let clips = (0..<count).map { c in
            (0..<frames).map { f in
                Array(bytes[((c * frames + f) * frameBytes)..<((c * frames + f + 1) * frameBytes)])
            }
        }
        return (clips, side, side)
    }
}

/// Fails when |actual - expected| > atol + rtol * |expected| for any element.
func assertClose(_ actual: [Float], _ expected: [Float], atol: Float, rtol: Float = 0, _ what: String,
                 file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.count, expected.count, "\(what): length", file: file, line: line)
    var worst: (Float, Int) = (0, -1)
    for i in 0..<min(actual.count, expected.count) {
        let excess = abs(actual[i] - expected[i]) - (atol + rtol * abs(expected[i]))
        if excess > worst.0 || !actual[i].isFinite { worst = (excess, i) }
    }
    if worst.1 >= 0 {
        let i = worst.1
        XCTFail("\(what): element \(i) is \(actual[i]), expected \(expected[i]) (atol \(atol), rtol \(rtol))",
                file: file, line: line)
    }
}
