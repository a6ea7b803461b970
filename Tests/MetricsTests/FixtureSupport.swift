import Foundation
import Testing

/// One reference/distorted frame pair written by scripts/fixtures/metrics.py.
struct FixtureCase: Decodable {
    let name: String
    let width: Int
    let height: Int
    let ssim: Double?
    let psnr: Double?
    let lpips: Double?

    /// Reference then distorted frame, packed RGB24.
    func frames(kind: String) throws -> (reference: [UInt8], distorted: [UInt8]) {
        let bytes = [UInt8](try Data(contentsOf: Fixtures.url("\(kind)_\(name).rgb")))
        let n = width * height * 3
        #expect(bytes.count == 2 * n, "fixture \(kind)_\(name).rgb has the wrong size")
        return (Array(bytes[0..<n]), Array(bytes[n..<(2 * n)]))
    }
}

enum Fixtures {
    static func url(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent(name)
    }

    /// The cases of `<kind>.json` (regenerate: .venv/bin/python scripts/make_fixtures.py metrics).
    static func cases(_ kind: String) throws -> [FixtureCase] {
        try JSONDecoder().decode([FixtureCase].self, from: Data(contentsOf: url("\(kind).json")))
    }
}

/// Asserts |actual - expected| <= tolerance, reporting the caller's location.
func expectClose(_ actual: Double, _ expected: Double, tolerance: Double, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(abs(actual - expected) <= tolerance,
            "\(what): got \(actual), expected \(expected) (tolerance \(tolerance))",
            sourceLocation: sourceLocation)
}

/// Checks `metric` on every case of `<kind>.json` (at least `minimum` of them) against the
/// case's Python reference value, to 1e-4.
func expectFixturesMatch(_ kind: String, atLeast minimum: Int, reference: (FixtureCase) -> Double?,
                         sourceLocation: SourceLocation = #_sourceLocation,
                         _ metric: (FixtureCase, [UInt8], [UInt8]) throws -> Double) throws {
    let cases = try Fixtures.cases(kind)
    #expect(cases.count >= minimum, sourceLocation: sourceLocation)
    for c in cases {
        let (a, b) = try c.frames(kind: kind)
        let expected = try #require(reference(c), sourceLocation: sourceLocation)
        expectClose(try metric(c, a, b), expected, tolerance: 1e-4, "\(kind) \(c.name)",
                    sourceLocation: sourceLocation)
    }
}
