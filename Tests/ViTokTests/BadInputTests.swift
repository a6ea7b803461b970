import XCTest
@testable import ViTok

/// Malformed weight files: each must throw a clear `ViTokError`, never crash.
final class BadInputTests: XCTestCase {
    private let tiny = Fixtures.smallConfig

    private var metadata: [String: String] { ["vitok_config": tiny.jsonString()] }

    /// Writes a file and expects loading it to fail with `kind` and a message containing `text`.
    private func expectFailure(_ kind: ViTokError.Kind, _ text: String,
                               tensors: [RawTensor]? = nil, metadata: [String: String]?? = nil,
                               headerEdit: (String) -> String = { $0 },
                               bytesEdit: ([UInt8]) -> [UInt8] = { $0 },
                               file: StaticString = #filePath, line: UInt = #line) throws {
        let url = try temporaryDirectory(self).appendingPathComponent("bad.safetensors")
        let bytes = try safetensorsBytes(tensors ?? randomModelTensors(tiny, seed: 7),
                                         metadata: metadata ?? self.metadata,
                                         headerEdit: headerEdit)
        try Data(bytesEdit(bytes)).write(to: url)
        XCTAssertThrowsError(try ViTokModel.load(url, precision: .float32), file: file, line: line) { error in
            guard let error = error as? ViTokError else {
                return XCTFail("not a ViTokError: \(error)", file: file, line: line)
            }
            XCTAssertEqual(error.kind, kind, error.message, file: file, line: line)
            XCTAssertTrue(error.message.contains(text), error.message, file: file, line: line)
            XCTAssertTrue(error.message.hasPrefix("bad.safetensors"), error.message,
                          file: file, line: line)
        }
    }

    func testValidFileLoads() throws {
        let url = try temporaryDirectory(self).appendingPathComponent("good.safetensors")
        try writeSafetensors(randomModelTensors(tiny, seed: 7), metadata: metadata, to: url)
        let model = try ViTokModel.load(url, precision: .float32)
        XCTAssertEqual(model.config, tiny)
        XCTAssertEqual(model.name, "good")
    }

    /// Issue 30.13: weights that are not finite numbers decode every clip to NaN; they are
    /// refused at load, naming the tensor (F32 viewed in place and F16 converted alike).
    func testNonFiniteWeightsAreRefused() throws {
        for (bad, dtype) in [(Float.nan, "F32"), (Float.infinity, "F32"), (-Float.infinity, "F16")] {
            var tensors = randomModelTensors(tiny, seed: 7)
            let index = try XCTUnwrap(tensors.firstIndex { $0.name == "decoder.norm.weight" })
            var values = [Float](repeating: 1, count: tensors[index].shape.reduce(1, *))
            values[3] = bad
            tensors[index] = RawTensor("decoder.norm.weight", shape: tensors[index].shape, floats: values, dtype: dtype)
            try expectFailure(.malformedFile, "decoder.norm.weight", tensors: tensors)
            try expectFailure(.malformedFile, "value 3 is \(bad); weights must be finite", tensors: tensors)
        }
    }

    func testTruncatedFile() throws {
        try expectFailure(.malformedFile, "past the", bytesEdit: { Array($0.dropLast(100)) })
        try expectFailure(.malformedFile, "shorter than the 8-byte", bytesEdit: { Array($0.prefix(5)) })
        try expectFailure(.malformedFile, "header length", bytesEdit: { Array($0.prefix(40)) })
    }

    func testCorruptHeaderJSON() throws {
        try expectFailure(.malformedFile, "not valid JSON",
                          headerEdit: { $0.replacingOccurrences(of: "\"dtype\"", with: "dtype") })
        try expectFailure(.malformedFile, "not a JSON object", tensors: [], metadata: .some(nil),
                          headerEdit: { _ in "[1, 2]" })
    }

    func testOverlappingOffsets() throws {
        let a = RawTensor("a", shape: [4], floats: [1, 2, 3, 4])
        let b = RawTensor("b", shape: [4], floats: [5, 6, 7, 8])
        try expectFailure(.malformedFile, "overlaps", tensors: [a, b], headerEdit: {
            $0.replacingOccurrences(of: "[16,32]", with: "[8,24]")
        })
    }

    func testOffsetsPastTheEnd() throws {
        let a = RawTensor("a", shape: [4], floats: [1, 2, 3, 4])
        try expectFailure(.malformedFile, "past the", tensors: [a], headerEdit: {
            $0.replacingOccurrences(of: "\"shape\":[4]", with: "\"shape\":[400]")
              .replacingOccurrences(of: "[0,16]", with: "[0,1600]")
        })
        try expectFailure(.malformedFile, "overflows", tensors: [a], headerEdit: {
            $0.replacingOccurrences(of: "\"shape\":[4]",
                                    with: "\"shape\":[4294967296,4294967296,4]")
        })
    }

    func testSizeThatLiesAboutTheShape() throws {
        let a = RawTensor("a", shape: [4], floats: [1, 2, 3, 4])
        try expectFailure(.malformedFile, "needs 12", tensors: [a], headerEdit: {
            $0.replacingOccurrences(of: "\"shape\":[4]", with: "\"shape\":[3]")
        })
    }

    func testUnsupportedDtype() throws {
        var tensors = randomModelTensors(tiny, seed: 7)
        tensors[0].dtype = "I32"
        try expectFailure(.unsupportedDtype, "I32", tensors: tensors)
        tensors = randomModelTensors(tiny, seed: 7)
        let index = tensors.firstIndex { $0.name == "encoder.norm.weight" }!
        tensors[index] = RawTensor("encoder.norm.weight", dtype: "I8", shape: [64],
                                   bytes: [UInt8](repeating: 1, count: 64))
        try expectFailure(.unsupportedDtype, "encoder.norm.weight", tensors: tensors)
    }

    func testShapeMismatch() throws {
        var tensors = randomModelTensors(tiny, seed: 7)
        let index = tensors.firstIndex { $0.name == "decoder.blocks.0.mlp.fc1.weight" }!
        tensors[index] = RawTensor(tensors[index].name, shape: [64, 16],
                                   floats: [Float](repeating: 0, count: 1024))
        try expectFailure(.shapeMismatch, "decoder.blocks.0.mlp.fc1.weight", tensors: tensors)
    }

    func testMissingTensor() throws {
        let tensors = randomModelTensors(tiny, seed: 7).filter { $0.name != "encoder.norm.bias" }
        try expectFailure(.missingTensor, "encoder.norm.bias", tensors: tensors)
    }

    func testInt8WeightWithoutScale() throws {
        var tensors = randomModelTensors(tiny, seed: 7)
        let index = tensors.firstIndex { $0.name == "encoder.to_latent.weight" }!
        tensors[index] = RawTensor("encoder.to_latent.weight", dtype: "I8", shape: [8, 64],
                                   bytes: [UInt8](repeating: 3, count: 512))
        try expectFailure(.missingTensor, "encoder.to_latent.weight_scale", tensors: tensors)
    }

    func testUnusedExtraTensor() throws {
        let tensors = randomModelTensors(tiny, seed: 7)
            + [RawTensor("encoder.blocks.9.norm1.weight", shape: [64],
                         floats: [Float](repeating: 1, count: 64))]
        try expectFailure(.unusedTensor, "encoder.blocks.9.norm1.weight", tensors: tensors)
    }

    func testMissingConfig() throws {
        try expectFailure(.missingConfig, "vitok_config", metadata: .some(["format": "pt"]))
        try expectFailure(.missingConfig, "vitok_config", metadata: .some(nil))
    }

    func testInvalidConfig() throws {
        try expectFailure(.invalidConfig, "not a valid JSON", metadata: ["vitok_config": "{oops"])
        var wrong = tiny
        wrong.encoderWidth = 96
        try expectFailure(.invalidConfig, "64 x encoder_heads",
                          metadata: ["vitok_config": wrong.jsonString()])
        wrong = tiny
        wrong.ropePairs = [8, 12, 10]
        try expectFailure(.invalidConfig, "sum to 32", metadata: ["vitok_config": wrong.jsonString()])
        wrong = tiny
        wrong.clip = [5, 8, 8]
        try expectFailure(.invalidConfig, "not divisible", metadata: ["vitok_config": wrong.jsonString()])
        try expectFailure(.invalidConfig, "lacks the key latent_channels", metadata: [
            "vitok_config": tiny.jsonString().replacingOccurrences(of: "\"latent_channels\"",
                                                                    with: "\"latent\"")])
    }

    func testShardsWithTheSameTensorOrMissingPath() throws {
        let directory = try temporaryDirectory(self)
        let tensors = randomModelTensors(tiny, seed: 7)
        try writeSafetensors(tensors, metadata: metadata,
                             to: directory.appendingPathComponent("a.safetensors"))
        try writeSafetensors(Array(tensors.prefix(2)), metadata: metadata,
                             to: directory.appendingPathComponent("b.safetensors"))
        XCTAssertThrowsError(try ViTokModel.load(directory, precision: .float32)) { error in
            XCTAssertEqual((error as? ViTokError)?.kind, .duplicateTensor)
        }
        XCTAssertThrowsError(try ViTokModel.load(directory.appendingPathComponent("none"), precision: .float32)) {
            XCTAssertEqual(($0 as? ViTokError)?.kind, .io)
        }
    }
}
