import XCTest
@testable import ViTok

/// Batches against single clips, 1 thread against 2, and other ViTok shapes.
final class EquivalenceTests: XCTestCase {
    /// Batched and single products run through differently blocked sgemm kernels, which round
    /// differently in the last bit; the blocks carry that to a few 1e-7 relative.
    private let batchTolerance: Float = 1e-5

    func testBatchEqualsSingleClips() throws {
        let model = try ViTokModel.load(Fixtures.int8Model, precision: .float32)
        let config = model.config
        let clips = syntheticClips(config, count: 3)
        let latents = model.encode(clips, count: 3)
        let reconstructions = model.decode(latents, count: 3)
        XCTAssertEqual(latents.count, 3 * config.latentValues)
        for i in 0..<3 {
            let clip = Array(clips[i * config.clipValues ..< (i + 1) * config.clipValues])
            let single = model.encode(clip, count: 1)
            assertClose(Array(latents[i * config.latentValues ..< (i + 1) * config.latentValues]),
                        single, tolerance: batchTolerance, "latents of clip \(i)")
            assertClose(Array(reconstructions[i * config.clipValues ..< (i + 1) * config.clipValues]),
                        model.decode(single, count: 1), tolerance: batchTolerance, "reconstruction \(i)")
        }
        XCTAssertEqual(model.encode([], count: 0), [])
    }

    /// One thread gives exactly what two give, at both precisions, run after run. The golden
    /// model is wider than its MLP (128 > 64): 8 clips are two pieces of 256 rows whose int8
    /// codes must not overlap when two workers quantize them at once.
    func testOneThreadEqualsTwo() throws {
        for precision in EnginePrecision.allCases {
            let model = try EngineSettings(model: Fixtures.int8Model.path, precision: precision, threads: 1).loadModel()
            let clips = syntheticClips(model.config, count: 8, seed: 5)
            let latents = model.encode(clips, count: 8)
            let pixels = model.decode(latents, count: 8)
            model.threads = 2
            XCTAssertEqual(model.threads, 2)
            for _ in 0..<3 {
                XCTAssertEqual(model.encode(clips, count: 8), latents, "\(precision)")
                XCTAssertEqual(model.decode(latents, count: 8), pixels, "\(precision)")
            }
        }
    }

    /// Tiny relatives of S-B/8x8 and S-B/4x16 (and a non-square tubelet) load and run.
    func testOtherTubeletConfigsRun() throws {
        let directory = try temporaryDirectory(self)
        for tubelet in [[8, 8, 8], [4, 16, 16], [2, 8, 4]] {
            let config = ViTokConfig(encoderWidth: 128, encoderDepth: 1, encoderHeads: 2,
                                     encoderMlpHidden: 96, decoderWidth: 64, decoderDepth: 2,
                                     decoderHeads: 1, decoderMlpHidden: 40, latentChannels: 8,
                                     tubelet: tubelet, clip: [16, 32, 32], ropePairs: [4, 14, 14])
            let name = tubelet.map(String.init).joined(separator: "x")
            let url = directory.appendingPathComponent("tiny-\(name).safetensors")
            try writeSafetensors(randomModelTensors(config, seed: 3),
                                 metadata: ["vitok_config": config.jsonString()], to: url)
            let model = try ViTokModel.load(url, precision: .float32)
            XCTAssertEqual(model.config, config)
            let clips = syntheticClips(config, count: 2)
            let latents = model.encode(clips, count: 2)
            XCTAssertEqual(latents.count, 2 * config.tokens * 8)
            XCTAssertTrue(latents.allSatisfy(\.isFinite), "\(tubelet)")
            XCTAssertGreaterThan(latents.map(abs).max()!, 0.01)
            let pixels = model.decode(latents, count: 2)
            XCTAssertEqual(pixels.count, clips.count)
            XCTAssertTrue(pixels.allSatisfy { $0 >= -1 && $0 <= 1 }, "\(tubelet)")
            assertClose(Array(pixels[config.clipValues...]),
                        model.decode(Array(latents[config.latentValues...]), count: 1),
                        tolerance: batchTolerance, "second clip of \(tubelet)")
        }
    }

    /// Tubelet order: a clip whose value encodes its own position survives patchify and
    /// unpatchify, and token 1's first element is pixel (t 0, y 0, x = px, red).
    func testTubeletRoundTrip() {
        let config = ViTokConfig(tubelet: [2, 4, 8], clip: [4, 8, 16])
        let tubelets = Tubelets(config: config)
        let clip = (0..<config.clipValues).map { Float($0) / Float(config.clipValues) }
        var tokens = [Float](repeating: 0, count: tubelets.tokens * tubelets.patchDim)
        var back = [Float](repeating: 0, count: clip.count)
        clip.withUnsafeBufferPointer { source in
            tokens.withUnsafeMutableBufferPointer {
                tubelets.patchify(source.baseAddress!, into: $0.baseAddress!)
            }
        }
        XCTAssertEqual(tokens[tubelets.patchDim], clip[8 * 3], "token 1 starts at x = 8")
        XCTAssertEqual(tokens[1], clip[3], "element 1 is dx = 1")
        XCTAssertEqual(tokens[4 * 8], clip[16 * 8 * 3], "element py*px is dt = 1")
        XCTAssertEqual(tokens[2 * 4 * 8], clip[1], "element q*py*px is the green channel")
        tokens.withUnsafeBufferPointer { source in
            back.withUnsafeMutableBufferPointer {
                tubelets.unpatchify(source.baseAddress!, into: $0.baseAddress!)
            }
        }
        XCTAssertEqual(back, clip)
    }

    /// The int8 model keeps its block weights compressed and expands them per block into a
    /// workspace; that must give exactly the floats of expanding at load (the F32 rewrite),
    /// so the outputs are bit-identical, also when workspaces are reused across calls of
    /// different batch sizes.
    func testInt8ExpansionEqualsFloat32Rewrite() throws {
        let int8 = try ViTokModel.load(Fixtures.int8Model, precision: .float32)
        let float32 = try ViTokModel.load(convertGoldenModel(to: "F32", in: temporaryDirectory(self)), precision: .float32)
        let clips = syntheticClips(int8.config, count: 2, seed: 9)
        for model in [int8, float32] { model.threads = 2 }
        let latents = int8.encode(clips, count: 2)
        XCTAssertEqual(latents, float32.encode(clips, count: 2))
        let pixels = int8.decode(latents, count: 2)
        XCTAssertEqual(pixels, float32.decode(latents, count: 2))
        let first = Array(clips[..<int8.config.clipValues])
        XCTAssertEqual(int8.encode(first, count: 1), float32.encode(first, count: 1))
        XCTAssertEqual(int8.encode(clips, count: 2), latents, "a reused workspace changes nothing")
        XCTAssertEqual(int8.decode(latents, count: 2), pixels)
    }

    /// Every int8 block weight of the golden model stays int8 after loading.
    func testInt8BlockWeightsStayCompressed() throws {
        let store = try WeightStore(url: Fixtures.int8Model)
        let block = try TransformerBlock(store, "encoder.blocks.0", width: 128, heads: 2, hidden: 64,
                                     precision: .float32)
        XCTAssertEqual(block.int8Values, 4 * 128 * 128 + 3 * 128 * 64)
        let ws = Workspace(Workspace.Shape(rows: 64, width: 128, hidden: 64, tokens: 64, workers: 2,
                                           weightValues: block.int8Values, int8: false, bf16: false))
        let expanded = block.expanded(ws, threads: 2)
        XCTAssertEqual(expanded.int8Values, 0)
        let direct = try WeightStore(url: Fixtures.int8Model).take("encoder.blocks.0.mlp.fc3.weight",
                                                                     shape: [128, 64])
        let offset = 3 * 128 * 128 + 128 * 128 + 2 * 64 * 128
        XCTAssertEqual(Array(UnsafeBufferPointer(start: ws.expandedWeights + offset, count: 128 * 64)),
                       Array(UnsafeBufferPointer(start: direct.pointer, count: direct.count)))
    }
}

