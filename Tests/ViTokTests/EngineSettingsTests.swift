import XCTest
@testable import ViTok

/// One value says which weights, at what precision, on how many threads.
final class EngineSettingsTests: XCTestCase {
    func testDefaultsAreTheCLIDefaults() {
        let settings = EngineSettings()
        XCTAssertNil(settings.model)
        XCTAssertEqual(settings.precision, .int8)
        XCTAssertEqual(settings.threads, ProcessInfo.processInfo.activeProcessorCount)
        XCTAssertEqual(EngineSettings(threads: 0).threads, 1)
    }

    func testLoadsTheNamedModelAtItsSettings() throws {
        let settings = EngineSettings(model: Fixtures.int8Model.path, precision: .float32, threads: 3)
        let model = try settings.loadModel()
        XCTAssertEqual(model.precision, .float32)
        XCTAssertEqual(model.threads, 3)
    }

    func testMissingModelNamesWhereItCameFrom() {
        let settings = EngineSettings(model: "/no/such/model", modelOriginName: "--model")
        XCTAssertThrowsError(try settings.modelURL()) { error in
            XCTAssertEqual((error as? ViTokError)?.kind, .io)
            XCTAssertEqual(error.localizedDescription, "weights: /no/such/model (from --model) does not exist")
        }
    }
}
