import XCTest
@testable import ViTok

/// The Swift engine against the PyTorch reference (training/vitok/model.py) on the tiny
/// golden model. Fixtures made by:
///     .venv/bin/python scripts/make_fixtures.py golden
/// The golden weights are exact in every storage format, so the int8 shards from Python and
/// their F32/F16/BF16 rewrites must all reproduce the same PyTorch outputs to 1e-4.
final class GoldenTests: XCTestCase {
    private func checkGolden(_ url: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        let io = try readFloats(Fixtures.io)
        let model = try ViTokModel.load(url, precision: .float32)
        XCTAssertEqual(model.config.tokens, 64, file: file, line: line)
        let latents = model.encode(io["clip"]!, count: 1)
        assertClose(latents, io["latents"]!, tolerance: 1e-4, "latents of \(url.lastPathComponent)",
                    file: file, line: line)
        let reconstruction = model.decode(io["latents"]!, count: 1)
        assertClose(reconstruction, io["reconstruction"]!, tolerance: 1e-4,
                    "reconstruction of \(url.lastPathComponent)", file: file, line: line)
    }

    func testInt8ShardsMatchPyTorch() throws {
        try checkGolden(Fixtures.int8Model)
        let model = try ViTokModel.load(Fixtures.int8Model, precision: .float32)
        XCTAssertEqual(model.name, "vitok-tiny-golden")
        XCTAssertEqual(model.weightFiles.map(\.lastPathComponent),
                       ["model-00001.safetensors", "model-00002.safetensors",
                        "model-00003.safetensors"])
    }

    func testFloat32MatchesPyTorch() throws {
        try checkGolden(convertGoldenModel(to: "F32", in: temporaryDirectory(self)))
    }

    func testFloat16MatchesPyTorch() throws {
        try checkGolden(convertGoldenModel(to: "F16", in: temporaryDirectory(self)))
    }

    func testBFloat16MatchesPyTorch() throws {
        try checkGolden(convertGoldenModel(to: "BF16", in: temporaryDirectory(self)))
    }

    func testConfigIsReadFromTheFile() throws {
        let model = try ViTokModel.load(Fixtures.int8Model, precision: .float32)
        let expected = ViTokConfig(encoderWidth: 128, encoderDepth: 2, encoderHeads: 2,
                                   encoderMlpHidden: 64, decoderWidth: 128, decoderDepth: 2,
                                   decoderHeads: 2, decoderMlpHidden: 64, latentChannels: 16,
                                   tubelet: [4, 8, 8], clip: [16, 32, 32])
        XCTAssertEqual(model.config, expected)
        XCTAssertEqual(model.config.patchDim, 768)
        XCTAssertEqual(try ViTokConfig.parse(json: expected.jsonString()), expected)
    }

    func testSIMDExpMatchesFoundation() {
        var worst: Float = 0
        for start in stride(from: -90.0 as Float, to: 90, by: 0.37) {
            let x = Vec((0..<16).map { start + Float($0) * 0.021 })
            let e = exp(x)
            for i in 0..<16 where x[i] > -87 && x[i] < 88 {
                let reference = Foundation.exp(Double(x[i]))
                worst = max(worst, Float(abs(Double(e[i]) - reference) / reference))
            }
        }
        XCTAssertLessThan(worst, 4e-7, "relative error of the SIMD exp")
    }
}
