import XCTest
@testable import Metrics

/// Frechet distance against numpy/scipy. Fixture (fvd_frechet.json) from
///     .venv/bin/python scripts/make_fixtures.py i3d \
///         --weights weights/i3d_kinetics400.safetensors --out Tests/MetricsTests/Fixtures
final class FrechetDistanceTests: XCTestCase {
    func testMatchesNumpyReference() throws {
        let cases = try XCTUnwrap(try I3DTestSupport.json("fvd_frechet.json") as? [[String: Any]])
        XCTAssertEqual(cases.count, 2)
        for (i, item) in cases.enumerated() {
            let a = try XCTUnwrap(item["a"] as? [[Double]]), b = try XCTUnwrap(item["b"] as? [[Double]])
            let expected = try XCTUnwrap(item["expected"] as? Double)
            let value = try FrechetDistance.compute(a, b)
            XCTAssertEqual(value, expected, accuracy: 1e-6 * expected, "case \(i) (\(item["method"] ?? ""))")
            XCTAssertEqual(try FrechetDistance.compute(b, a), expected, accuracy: 1e-6 * expected,
                           "case \(i) is symmetric")
        }
    }

    func testIdenticalSetsGiveZero() throws {
        let a = (0..<5).map { i in (0..<50).map { j in sin(Double(i * 50 + j)) * 3 } }
        let value = try FrechetDistance.compute(a, a)
        XCTAssertEqual(value, 0, accuracy: 1e-9)
    }

    func testConstantSetsGiveSquaredMeanDistance() throws {
        let a = [[Double]](repeating: [1, 2, 3], count: 4)
        let b = [[Double]](repeating: [0, 2, 5], count: 3)
        XCTAssertEqual(try FrechetDistance.compute(a, b), 5, accuracy: 1e-12)
    }

    func testKnownOneDimensionalValue() throws {
        // In 1-D the distance is (m1 - m2)^2 + (s1 - s2)^2 with s the standard deviations.
        let a: [[Double]] = [[0], [2]]   // mean 1, unbiased variance 2
        let b: [[Double]] = [[2], [6]]   // mean 4, unbiased variance 8
        let expected = 9 + (2.0.squareRoot() - 8.0.squareRoot()) * (2.0.squareRoot() - 8.0.squareRoot())
        XCTAssertEqual(try FrechetDistance.compute(a, b), expected, accuracy: 1e-12)
    }

    func testBadInputsThrow() {
        XCTAssertThrowsError(try FrechetDistance.compute([[1, 2]], [[1, 2], [3, 4]])) { error in
            XCTAssertTrue(error.localizedDescription.contains("at least 2"), error.localizedDescription)
        }
        XCTAssertThrowsError(try FrechetDistance.compute([[1, 2], [3, 4]], [[1], [2]])) { error in
            XCTAssertTrue(error.localizedDescription.contains("dimension"), error.localizedDescription)
        }
        XCTAssertThrowsError(try FrechetDistance.compute([[1, .nan], [3, 4]], [[1, 2], [2, 2]]))
        XCTAssertThrowsError(try FrechetDistance.compute([[1, 2], [3]], [[1, 2], [2, 2]]))
    }
}
