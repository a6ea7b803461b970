import Foundation
import XCTest
@testable import ViTok

/// `EngineBenchmark.run`, the measurement behind `vtkc bench`, on the tiny golden model.
final class EngineBenchmarkTests: XCTestCase {
    private let settings = EngineSettings(model: Fixtures.int8Model.path, precision: .float32, threads: 1)

    func testReportsTheModelsWorkAndItsRepeatedShapes() throws {
        let report = try EngineBenchmark.run(settings, repeats: 1)
        XCTAssertEqual(report.modelName, "vitok-tiny-golden")
        XCTAssertEqual(report.weightFileCount, 3)
        XCTAssertEqual(report.int8Implementations, [])
        // Width 128, MLP 64, 64 tokens, 2 heads of 64: "p v" (64x64x64) has the shape of "q k^T".
        XCTAssertEqual(report.shapeRates.map(\.shape), ["64x384x128", "64x128x128", "64x64x128", "64x128x64", "64x64x64"])
        XCTAssertEqual(report.shapeRates.map(\.product), ["qkv", "proj", "fc1+fc2", "fc3", "q k^T"])
        XCTAssertEqual(report.encode.flop, EngineBenchmark.flops(report.config, decoder: false))
        XCTAssertEqual(report.decode.flop, EngineBenchmark.flops(report.config, decoder: true))
        for pass in [report.encode, report.decode] {
            XCTAssertGreaterThan(pass.seconds, 0)
            XCTAssertGreaterThan(pass.floorSeconds, 0)
            // One round: its ratio is the ratio of the bests.
            XCTAssertEqual(pass.roundRatioMedian, pass.ratioToFloor, accuracy: 1e-9 * pass.ratioToFloor)
        }
        XCTAssertTrue(report.sgemmGFLOPS.isFinite && report.sgemmGFLOPS > 0, "\(report.sgemmGFLOPS)")
        XCTAssertNil(report.latentsMaxAbsDiff)
        XCTAssertNil(report.reconstructionMaxAbsDiff)
        XCTAssertGreaterThan(report.peakResidentMiB, 1)
    }

    /// The reference's clips are encoded and its latents decoded: the engine's own outputs
    /// as the reference differ by exactly 0.
    func testComparesWithTheReferenceOnItsClips() throws {
        let engine = try settings.loadModel()
        let config = engine.config
        let clips = syntheticClips(config, count: 2, seed: 5)
        let latents = engine.encode(clips, count: 2)
        let url = try writeSafetensors([
            RawTensor("clip", shape: [2] + config.clip + [3], floats: clips),
            RawTensor("latents", shape: [2, config.tokens, config.latentChannels], floats: latents),
            RawTensor("reconstruction", shape: [2] + config.clip + [3], floats: engine.decode(latents, count: 2)),
        ], metadata: nil, to: try temporaryDirectory(self).appendingPathComponent("ref.safetensors"))
        let report = try EngineBenchmark.run(settings, reference: url, repeats: 2)
        XCTAssertEqual(report.latentsMaxAbsDiff, 0)
        XCTAssertEqual(report.reconstructionMaxAbsDiff, 0)
    }

    func testRefusesAReferenceOfPartClips() throws {
        let url = try writeSafetensors([RawTensor("clip", shape: [5], floats: [0, 0, 0, 0, 0])], metadata: nil,
                                       to: try temporaryDirectory(self).appendingPathComponent("part.safetensors"))
        XCTAssertThrowsError(try EngineBenchmark.run(settings, reference: url, repeats: 1)) { error in
            XCTAssertEqual((error as? ViTokError)?.kind, .shapeMismatch)
            XCTAssertEqual(error.localizedDescription,
                           "part.safetensors, tensor 'clip': does not hold whole [16, 32, 32] clips")
        }
    }
}
